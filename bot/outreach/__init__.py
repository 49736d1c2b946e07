"""The bot writes first: staged in-app reminders by days past due and segment.

A pass (bot/outreach/run.py) reads each loan's facts as of a moment (facts.py), places it in
a segment (segments.py) and its stage or arrangement event (planner.py) under the strategy
(outreach.yml, strategy.py), asks the compliance engine whether it may be written to now
(compliance.py; templates pass lint.py when the strategy loads), and writes it through the
outbox (outbox.py): one row per borrower, loan, stage and day, delivered exactly once into
the borrower's conversation and pushed to the wallet (delivery.py, push.py).
"""
