"""Rasa's server with the project's patches (bot/rasa/patches.py):
`python -m bot.rasa.server run --model … ` takes exactly `rasa run`'s arguments.

Every Rasa server the project starts — `make run`'s supervisor, the container's `rasa` role,
the tests' stacks — starts through here, so that what is measured and tested is what runs.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence


def command(arguments: Sequence[str]) -> list[str]:
    """The command that runs `rasa <arguments>` with the patches, on this Python."""
    return [sys.executable, "-m", "bot.rasa.server", *arguments]


def main(arguments: Sequence[str]) -> None:
    from bot.rasa import patches

    patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
