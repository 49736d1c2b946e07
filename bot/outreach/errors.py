"""A mistake in outreach.yml: the bot refuses to start, naming the key."""
from __future__ import annotations


class StrategyError(ValueError):
    """`outreach.yml: stages.D+7.variants.champion.zh: ...`"""
