"""What the bot says, as response names and values (the wording is in domain.yml)."""
