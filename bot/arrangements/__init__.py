"""Arrangements with a borrower: deferrals, instalment plans and promises to pay.

Rasa-free: `kinds/` (each kind defined once: fields, terms, policy section, eligibility),
`policy` (the lender's policy.yml), `service` (record it, once), `coverage` (the bills it
covers, their late fees frozen), `progress` (payments counted toward it), `review` (was it kept?),
`negotiation` (the bot's side of agreeing one; `negotiation_rules`, the part of it that needs no
language models) and `by_agent` (an agent's).
"""
