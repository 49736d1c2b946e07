"""`python -m bot.rasa.evaluation [--model M] [--eval-dir D] [--compare FIGURES]`: the same as
`python -m bot evaluate`, with the choice of the figures to compare with."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.rasa.evaluation.run import evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.rasa.evaluation", description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/current.tar.gz"))
    parser.add_argument("--eval-dir", type=Path, default=None)
    parser.add_argument("--compare", type=Path, default=None,
                        help="a figures file (default: the model's previous.figures.json, "
                             "else tests/nlu/baseline_figures.json)")
    args = parser.parse_args(argv)
    return evaluate(args.model, args.eval_dir, args.compare)


if __name__ == "__main__":
    sys.exit(main())
