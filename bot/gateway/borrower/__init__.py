"""The borrower's side of the gateway: the chat API (CONTRACT §4) and its authentication."""
