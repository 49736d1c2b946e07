"""The wallet's side of the gateway: its ledger reports payments (CONTRACT §7) with the
service token; the ledger (bot/ledger/) records them."""
