"""What a running `make run` publishes about its Rasa API (bot/runtime/rasa_api.py), so that
`python -m bot model promote` can load a model into it: readable by its user only, passed over
once its supervisor is gone, matched to the model link it was started with."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

from bot.runtime import rasa_api
from bot.runtime.rasa_api import RasaApi
from bot.runtime.settings import Settings


def test_a_published_api_is_private_and_found_while_its_supervisor_runs(tmp_path):
    link = tmp_path / "models" / "current.tar.gz"
    api = RasaApi(("http://127.0.0.1:5005", "http://127.0.0.1:5006"), "secret", os.path.abspath(link), 2)
    path = rasa_api.publish(api, tmp_path / "run")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert rasa_api.running(tmp_path / "run") == [api]
    assert rasa_api.serving(link, tmp_path / "run") == [api]
    assert rasa_api.serving(tmp_path / "other.tar.gz", tmp_path / "run") == []  # started with another model
    rasa_api.withdraw(tmp_path / "run")
    assert rasa_api.running(tmp_path / "run") == []


def test_a_file_left_by_a_supervisor_that_is_gone_is_passed_over(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(gone.stdout)
    rasa_api.publish(RasaApi(("http://127.0.0.1:5005",), "t"), tmp_path, pid=pid)
    assert rasa_api.published_path(pid, tmp_path).exists()
    assert rasa_api.running(tmp_path) == []
    assert rasa_api.running(tmp_path / "missing") == []


def test_without_a_running_supervisor_the_settings_say_where_rasa_is():
    settings = Settings.from_env({"RASA_URLS": "http://a:5005,http://b:5005", "RASA_TOKEN": "t"})
    assert rasa_api.configured(settings) == RasaApi(("http://a:5005", "http://b:5005"), "t")
    alone = Settings.from_env({})
    assert rasa_api.configured(alone).urls == ("http://127.0.0.1:5005",)
