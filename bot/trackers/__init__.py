"""Rasa's trackers kept small: `python -m bot trackers prune` deletes the events of sessions that
ended long ago from Rasa's SQL tracker store (`events`), which Rasa no longer reads (it loads a
conversation's latest session only). The gateway's transcript and the audit are the record."""
