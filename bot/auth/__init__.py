"""Who is who: borrower tokens (signed by the wallet), agent accounts, roles and agent tokens.

Rasa-free and web-free; the gateway's `borrower/auth.py` and `agent/auth.py` apply these to
requests.
"""
