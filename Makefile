# The two commands of the project: `make run` and `make test` (see README.md).
# Every target sets up what it needs: a virtual environment, a trained model, the database.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_310 ?= $(shell pyenv which python3.10 2>/dev/null || command -v python3.10)
VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
STAMPS := .stamps

# No telemetry or error reports leave a lender's machines.
export RASA_TELEMETRY_ENABLED := false

NLU_INPUTS := config.yml domain.yml products.yml $(shell find data bot/rasa/nlu -type f 2>/dev/null)
# The model in service: a link to models/<id>.tar.gz (bot/training/models/registry.py).
MODEL      := models/current.tar.gz
TEST_MODEL := models/test/test.tar.gz

.PHONY: help install install-dev model test-model db run test unit conversations validate evaluate lint clean

help:
	@echo "make run       start Rasa, the action server and the gateway (sets up what is missing)"
	@echo "make test      run every test (sets up what is missing)"
	@echo "make model     train a candidate model (none if one has this data; the first goes in service)"
	@echo "make evaluate  the candidate beside the model in service: figures, what became right or wrong"
	@echo "               then .venv/bin/python -m bot model promote (live, no restart) / rollback / list"
	@echo "make lint      ruff and mypy on the code (installs requirements-dev.txt)"

$(STAMPS)/venv: requirements.txt
	@test -n "$(PYTHON_310)" || { echo "Python 3.10 not found (pyenv install 3.10)"; exit 1; }
	test -x $(PY) || $(PYTHON_310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==23.2.1
	$(PY) -m pip install -q --no-deps -r requirements.txt
	$(PY) -m pip check
	@mkdir -p $(STAMPS) && touch $@

install: $(STAMPS)/venv

# The code checks' tools, pinned apart from the runtime (requirements-dev.txt).
$(STAMPS)/dev: $(STAMPS)/venv requirements-dev.txt
	$(PY) -m pip install -q --no-deps -r requirements-dev.txt
	$(PY) -m pip check
	@mkdir -p $(STAMPS) && touch $@

install-dev: $(STAMPS)/dev

# The trained models are a registry (bot/training/models/): `make model` trains a candidate,
# models/<id>.tar.gz with its sidecar models/<id>.json, unless a model was trained on exactly
# this data (config, domain, products, data/, bot/rasa/nlu); it goes in service only when
# promoted, except the first, which goes in service at once (so a fresh clone's `make run`
# trains one and serves it). Rasa skips its own check of the data: `make validate` does it.
$(MODEL): | $(STAMPS)/venv
	$(PY) -m bot model train

model: $(STAMPS)/venv
	$(PY) -m bot model train

# A quicker model for behaviour tests: same pipeline, fewer epochs.
$(TEST_MODEL): $(STAMPS)/venv $(NLU_INPUTS) tests/config.yml
	$(RASA) train --skip-validation --config tests/config.yml --domain domain.yml --data data --out models/test --fixed-model-name test
	@touch $@

test-model: $(TEST_MODEL)

db: $(STAMPS)/venv
	$(PY) -m bot db upgrade
	$(PY) -m bot db demo

run: $(MODEL) db
	$(PY) -m bot run --model $(MODEL)

validate: $(STAMPS)/venv
	$(RASA) data validate --domain domain.yml --data data --fail-on-warnings

unit: $(STAMPS)/venv
	$(PY) -m pytest -q -m "not conversation" tests

conversations: $(TEST_MODEL)
	$(RASA) test core --model $(TEST_MODEL) --stories tests/conversations --fail-on-prediction-errors --out results/core
	$(PY) -m pytest -q -m conversation tests

# The unit tests (one process, mostly waiting on databases) and the test model's training
# (TensorFlow) share the two cores side by side; the conversations need the model.
test: validate
	$(MAKE) --no-print-directory -j2 --output-sync=target unit test-model
	$(MAKE) --no-print-directory conversations

# Settings in pyproject.toml: ruff on the code and its tests, mypy on the package.
lint: $(STAMPS)/dev
	$(VENV)/bin/ruff check bot actions bench tests
	$(VENV)/bin/mypy

# The candidate beside the model in service (without one: the model in service, as
# `python -m bot evaluate` measures it).
evaluate: $(MODEL)
	$(PY) -m bot model compare

clean:
	rm -rf $(STAMPS) $(VENV) models/*.tar.gz models/*.json models/test results
