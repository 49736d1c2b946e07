"""Which variant of a message a borrower reads: a stable draw, so that a borrower keeps the same
wording of a stage on every pass and machine, and borrowers split by the variants' weights."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import accumulate

from bot.outreach.strategy import Variant


def variant_for(borrower_id: str, message_key: str, variants: Sequence[Variant]) -> Variant:
    """`message_key` is the stage's or event's name: a borrower's draws for different messages
    are independent, so a challenger's readers are not always the same borrowers."""
    if not variants:
        raise ValueError(f"{message_key} has no variants")
    digest = hashlib.sha256(f"{message_key}:{borrower_id}".encode()).digest()
    bounds = list(accumulate(variant.weight for variant in variants))
    # 64 bits modulo a total weight of at most a few hundred: the bias is far below noise.
    point = int.from_bytes(digest[:8], "big") % bounds[-1]
    return next(variant for variant, bound in zip(variants, bounds, strict=True) if point < bound)
