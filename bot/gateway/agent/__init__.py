"""The agents' side of the gateway: login, borrower views, arrangements, handoffs (CONTRACT §5)
and the console page."""
