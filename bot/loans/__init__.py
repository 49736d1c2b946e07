"""The loan domain: balances, fixtures and queries, independent of Rasa."""
