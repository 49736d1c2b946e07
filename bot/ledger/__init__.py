"""Payments and where they went: the wallet's payments recorded once, each allocated to the
loan's bills by one written rule (`allocation`, in the lender's order: `order`), what each
bill still owes per component (`owing`), the checks a payment must pass (`refusals`), and
recording it all in one transaction with its effect on an active arrangement (`recording`).

Rasa-free and web-free: the gateway's wallet API (bot/gateway/wallet/) only translates.
"""
