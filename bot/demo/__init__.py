"""Made-up data for demonstrations: `python -m bot demo portfolio` (bot/demo/command.py)."""
