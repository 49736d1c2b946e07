"""Arrangements with a borrower: deferrals, instalment plans and promises to pay.

Rasa-free: `eligibility` (may we offer it?), `terms` (what exactly is agreed, and is a value
the borrower gave acceptable?), `service` (record it, once), `review` (was it kept?).
"""

TYPES = ("deferral", "instalment_plan", "promise_to_pay")
