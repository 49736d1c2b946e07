"""How long the crisis lexicon (bot/rasa/nlu/crisis.py) takes per message, indexed by key as it
runs, beside trying every phrase's pattern one by one, measured side by side in one run on
the project's evaluation messages (real sets, held-out split, BANKING77's test split). Both
ways must find the same phrase in every message; the script says so or exits with 1.

    .venv/bin/python bench/crisis_lexicon.py [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from bot.rasa.evaluation import sets
from bot.rasa.nlu.crisis import Lexicon, lexicon, normalised


def messages() -> list[str]:
    chosen = [sets.real_set("en"), sets.real_set("zh"), sets.heldout_set("en"),
              sets.heldout_set("zh"), sets.banking77_set()]
    return [example.text for chosen_set in chosen for example in chosen_set.examples]


def every_pattern(words: Lexicon) -> Callable[[str], str | None]:
    """The lexicon's answer found the slow way: every pattern tried on every message."""
    def match(text: str) -> str | None:
        text = words.not_crisis.sub(",", normalised(text))
        indexes = [words.phrases] if words.shopping.search(text) else [words.phrases, words.means]
        phrases = {phrase for index in indexes for group in index.by_key.values() for phrase in group}
        found = [(found.start(), -len(found[0]), phrase.text)
                 for phrase in phrases for found in phrase.pattern.finditer(text)
                 if not words.negated.search(text[:found.start()])]
        return min(found)[2] if found else None
    return match


def per_message_ms(match: Callable[[str], str | None], texts: list[str]) -> tuple[float, list]:
    started = time.perf_counter()
    answers = [match(text) for text in texts]
    return (time.perf_counter() - started) * 1000 / len(texts), answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    words, texts = lexicon(), messages()
    indexed, slow = [], []
    for _ in range(repeats):
        fast_ms, fast_answers = per_message_ms(words.match, texts)
        slow_ms, slow_answers = per_message_ms(every_pattern(words), texts)
        if fast_answers != slow_answers:
            print("the indexed lexicon and the slow way disagree", file=sys.stderr)
            return 1
        indexed.append(fast_ms)
        slow.append(slow_ms)
    fast, full = statistics.median(indexed), statistics.median(slow)
    found = sum(1 for answer in fast_answers if answer)
    print(f"{len(texts)} messages, {found} with a crisis phrase, median of {repeats} runs")
    print(f"indexed by key      {fast:.3f} ms/message")
    print(f"every pattern tried {full:.3f} ms/message")
    print(f"ratio {full / fast:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
