"""The statistics of champion and challenger against published values."""
from __future__ import annotations

import pytest

from bot.kpis.statistics import compare, needed_per_variant, normal_cdf, normal_quantile, wilson


def test_the_normal_distribution():
    assert normal_cdf(0) == 0.5
    assert normal_quantile(0.975) == pytest.approx(1.959964, abs=1e-6)
    assert normal_quantile(0.8) == pytest.approx(0.841621, abs=1e-6)


def test_wilson_interval_matches_the_textbook():
    # Newcombe (1998), method 3: 81/263 → 0.2553 to 0.3662; 10/100 → 0.0552 to 0.1744.
    interval = wilson(81, 263)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)
    interval = wilson(10, 100)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.0552, 0.1744)
    assert wilson(0, 0) is None
    assert wilson(0, 20).low == 0.0 and wilson(20, 20).high == 1.0  # stays inside 0..1


def test_two_proportion_z_test():
    # 50/500 against 75/500: pooled p 0.125, z = 0.05 / sqrt(0.125 · 0.875 · 2/500) = 2.39.
    result = compare((50, 500), (75, 500))
    assert result.p_value == pytest.approx(0.0168, abs=1e-4) and result.significant
    assert result.difference == pytest.approx(0.05)
    close = compare((50, 500), (55, 500))
    assert close.p_value > 0.05 and not close.significant
    assert close.more_needed == close.needed_per_variant - 500 > 0


def test_sample_size_for_two_proportions():
    # 10% against 15%, alpha 0.05 two-sided, power 0.8: 686 a group (Fleiss, without continuity correction).
    assert needed_per_variant(0.10, 0.15) == 686
    assert needed_per_variant(0.2, 0.2) is None


def test_what_cannot_be_tested_says_so():
    assert compare((0, 0), (3, 10)).p_value is None
    same = compare((10, 10), (5, 5))  # no variation at all: no test
    assert same.p_value is None and not same.significant
