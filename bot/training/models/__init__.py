"""Retrain, compare, promote and roll back (issue 15): the trained models in models/, each with
a sidecar that says what it was trained on and, once evaluated, its figures, and a pointer to
the model in service (registry); `make model` trains a candidate (train, with inputs for the
data hash, archive for what Rasa wrote, adopt for a model from before the registry);
`make evaluate` compares it with the model in service (compare, measured); `python -m bot model
promote` / `rollback` switch the pointer and load the model into the running Rasa without a
restart (promotion, live); `python -m bot model list` (listing). Nothing here imports Rasa."""
