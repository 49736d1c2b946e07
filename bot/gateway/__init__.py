"""The gateway: the borrower chat API (CONTRACT §4) in front of Rasa, on aiohttp.

Importing this package does no work; `bot.gateway.app.create_app` builds the application.
"""
