"""Collections assistant for digital wallets: loan domain, policy, NLU, gateway, command line."""
