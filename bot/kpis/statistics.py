"""Comparing two rates: Wilson score intervals, the two-proportion z-test, and the sample a
difference needs before the test could call it significant. Pure functions (no SciPy: the
normal distribution is all they use)."""
from __future__ import annotations

import math
from dataclasses import dataclass

CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE
POWER = 0.8


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    difference: float  # challenger's rate − champion's
    p_value: float | None  # two-sided; None where the test cannot be made (no trials, or no variation)
    significant: bool
    needed_per_variant: int | None  # trials each variant needs for this difference to be found
    more_needed: int | None  # beyond what the smaller variant has


def normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def normal_quantile(p: float) -> float:
    """The inverse of normal_cdf, by bisection (exact enough for a z value, and obviously so)."""
    low, high = -10.0, 10.0
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if normal_cdf(middle) < p else (low, middle)
    return (low + high) / 2


def wilson(successes: int, trials: int, confidence: float = CONFIDENCE) -> Interval | None:
    """The Wilson score interval: unlike p ± z·se it stays inside 0..1 and is honest for small
    samples and rates near 0 or 1."""
    if trials == 0:
        return None
    z = normal_quantile(1 - (1 - confidence) / 2)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def compare(champion: tuple[int, int], challenger: tuple[int, int]) -> Comparison:
    """(successes, trials) of each. The pooled two-proportion z-test, two-sided at ALPHA; the
    needed sample is the classic one for two proportions at ALPHA and POWER."""
    (s1, n1), (s2, n2) = champion, challenger
    if n1 == 0 or n2 == 0:
        return Comparison(0.0, None, False, None, None)
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = None if spread == 0 else 2 * (1 - normal_cdf(abs(p2 - p1) / spread))
    needed = needed_per_variant(p1, p2)
    more = None if needed is None else max(0, needed - min(n1, n2))
    return Comparison(p2 - p1, p_value, p_value is not None and p_value < ALPHA, needed, more)


def needed_per_variant(p1: float, p2: float) -> int | None:
    """Trials in each group to find a true difference p2 − p1 with the test above; None for no
    difference (no sample would)."""
    if p1 == p2:
        return None
    z_alpha, z_beta = normal_quantile(1 - ALPHA / 2), normal_quantile(POWER)
    mean = (p1 + p2) / 2
    top = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(top * top / ((p1 - p2) ** 2))
