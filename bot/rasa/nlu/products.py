"""The names borrowers give the lender's credit products (products.yml), read as one word.

Wallets call their credit lines many things (花呗, 借呗, 信用付, PayLater …) and a borrower
may use any of them; the model should learn the request ("can I split my ___"), not the
brand. The tokenizer gives every configured name the same lemma, PRODUCT, which is what the
featurizers read. The list is read when the model is trained and kept inside it: an edit
takes effect with the next `make model`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.language import to_simplified

PRODUCT = "产品"  # the lemma of every product name: a word the featurizers already know


class ProductsError(ValueError):
    """products.yml is unreadable or wrong; the message names the place."""


@dataclass(frozen=True)
class Products:
    """Product names in their matching form (Simplified, lower case), longest first."""

    names: tuple[str, ...]

    @classmethod
    def of(cls, names: Iterable[str]) -> Products:
        forms = {normalised(name) for name in names if name.strip()}
        return cls(tuple(sorted(forms, key=lambda form: (-len(form), form))))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where product names stand in `text` (already Simplified and lower case), longest
        names first and never overlapping; a Latin name only as a whole word."""
        taken: list[tuple[int, int]] = []
        for name in self.names:
            for match in re.finditer(_pattern(name), text):
                span = match.span()
                if not any(start < span[1] and span[0] < end for start, end in taken):
                    taken.append(span)
        return sorted(taken)


def normalised(name: str) -> str:
    return " ".join(to_simplified(name).lower().split())


def load_products(path: str | Path | None) -> Products:
    """The names of products.yml at `path` (none when `path` is None)."""
    if path is None:
        return Products(())
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ProductsError(f"{path}: cannot read the product names: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ProductsError(f"{path}: not valid YAML: {error}") from None
    return Products.of(_names(document, str(path)))


def _names(document: Any, where: str) -> list[str]:
    entries = document.get("products") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ProductsError(f"{where}: must have a top-level 'products' list")
    names = []
    for index, entry in enumerate(entries):
        place = f"{where}: products[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ProductsError(f"{place}: must be a mapping with a 'name' (and 'synonyms')")
        synonyms = entry.get("synonyms") or []
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise ProductsError(f"{place}.synonyms: must be a list of names")
        names += [entry["name"], *synonyms]
    return names


def _pattern(name: str) -> str:
    # A Latin name must not match inside a longer word ("paylater" in "paylaters" is fine to
    # miss; "loan" in "loans" is not a product name anyway); Chinese has no word boundaries.
    escaped = r"\s+".join(re.escape(part) for part in name.split())
    return rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if name[:1].isascii() else escaped
