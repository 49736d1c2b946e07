"""The intents a reviewed message may be settled as: those of domain.yml a borrower writes
(not the EXTERNAL_ ones the gateway triggers), out_of_scope included."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.replies.render import DOMAIN_FILE
from bot.understanding import FALLBACK, OUT_OF_SCOPE

# What the model may predict beyond those: its low-confidence fallback.
PREDICTABLE_EXTRA = (FALLBACK,)


@cache
def trainable_intents(path: Path = DOMAIN_FILE) -> tuple[str, ...]:
    """In domain.yml's order, read once per process."""
    domain = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [item if isinstance(item, str) else next(iter(item)) for item in domain.get("intents") or ()]
    written = [name for name in names if not name.startswith("EXTERNAL_")]
    return tuple(written) if OUT_OF_SCOPE in written else (*written, OUT_OF_SCOPE)
