"""A borrower's variant of a message: stable, and split by the weights."""
from __future__ import annotations

from collections import Counter

from bot.outreach.strategy import Variant
from bot.outreach.variants import variant_for

CHAMPION = Variant("champion", 50, "Hi", "您好")
CHALLENGER = Variant("challenger", 50, "Hello", "你好")
BOTH = (CHAMPION, CHALLENGER)
# sha256("D+7:b-1") … as a 64-bit number, modulo 100: 45 33 25 48 35 31 93 8.
EXPECTED = ["champion"] * 6 + ["challenger", "champion"]


def test_a_borrower_keeps_the_same_variant_of_a_stage() -> None:
    first = [variant_for(f"b-{i}", "D+7", BOTH).name for i in range(200)]
    again = [variant_for(f"b-{i}", "D+7", BOTH).name for i in range(200)]
    assert first == again


def test_the_draw_is_the_same_on_every_machine() -> None:
    assert [variant_for(f"b-{i}", "D+7", BOTH).name for i in range(1, 9)] == EXPECTED


def test_the_split_follows_equal_weights() -> None:
    counts = Counter(variant_for(f"borrower-{i}", "D+1", BOTH).name for i in range(10_000))
    assert abs(counts["champion"] - 5_000) <= 300
    assert counts["champion"] + counts["challenger"] == 10_000


def test_the_split_follows_unequal_weights() -> None:
    heavy = (Variant("champion", 3, "Hi", "您好"), Variant("challenger", 1, "Hello", "你好"))
    counts = Counter(variant_for(f"borrower-{i}", "D+1", heavy).name for i in range(10_000))
    assert abs(counts["champion"] - 7_500) <= 300


def test_draws_for_different_stages_are_independent() -> None:
    same = sum(variant_for(f"b-{i}", "D+1", BOTH) == variant_for(f"b-{i}", "D+7", BOTH)
               for i in range(10_000))
    assert abs(same - 5_000) <= 300


def test_a_single_variant_is_everyone_s() -> None:
    assert {variant_for(f"b-{i}", "D0", (CHAMPION,)) for i in range(100)} == {CHAMPION}
