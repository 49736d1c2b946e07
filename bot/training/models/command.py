"""`python -m bot model train|compare|list|promote|rollback`: the command line of the registry.
Only argparse is imported here: each command loads what it needs when it runs."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.runtime.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.runtime.rasa_api import RasaApi
    from bot.training.models.promotion import Result
    from bot.training.models.registry import Registry

MODELS = PROJECT_ROOT / "models"


def add_model_commands(commands: argparse._SubParsersAction) -> None:
    model = commands.add_parser("model", help="trained models: train, compare, promote, roll back")
    actions = model.add_subparsers()

    train = actions.add_parser("train", help="train a candidate (`make model`), unless a model was "
                                             "trained on this data; the first goes in service")
    train.add_argument("--config", type=Path, default=Path("config.yml"), help="relative to the project")
    train.add_argument("--force", action="store_true", help="train even if a model has this data")
    train.set_defaults(handler=_train)

    compare = actions.add_parser("compare", help="the candidate beside the model in service "
                                                 "(`make evaluate`)")
    compare.add_argument("id", nargs="?", help="the candidate (default: the latest)")
    compare.add_argument("--eval-dir", type=Path, default=None, help="the out-of-scope sets "
                                                                     "(default: ../shared/eval)")
    compare.add_argument("--again", action="store_true", help="measure again, even if measured")
    compare.set_defaults(handler=_compare)

    listed = actions.add_parser("list", help="the models, their figures, which one is in service")
    listed.set_defaults(handler=_list)

    promote = actions.add_parser("promote", help="put a model in service and load it into the "
                                                 "running Rasa, without a restart")
    promote.add_argument("id", nargs="?", help="the model (default: the latest candidate)")
    promote.add_argument("--no-load", action="store_true", help="switch the pointer only")
    promote.set_defaults(handler=_promote)

    rollback = actions.add_parser("rollback", help="put the model before the last promotion back")
    rollback.add_argument("--no-load", action="store_true", help="switch the pointer only")
    rollback.set_defaults(handler=_rollback)

    for action in (train, compare, listed, promote, rollback):
        action.add_argument("--models", type=Path, default=MODELS, help="the registry (default: models/)")


def _registry(args: argparse.Namespace) -> Registry:
    """The registry, with a models/current.tar.gz from before it registered first."""
    from bot.training.models.adopt import adopt
    from bot.training.models.registry import Registry

    registry = Registry(args.models)
    adopted = adopt(registry, PROJECT_ROOT)
    if adopted is not None:
        known = "trained on the current data" if adopted.data_hash else "data unknown"
        print(f"{registry.link} registered as {adopted.id} ({known}), in service", file=sys.stderr)
    return registry


def _targets(registry: Registry, settings: Settings, no_load: bool = False) -> list[RasaApi]:
    from bot.runtime import rasa_api

    if no_load:
        return []
    return rasa_api.serving(registry.link) or [rasa_api.configured(settings)]


def _train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training.models.registry import RegistryError
    from bot.training.models.train import train

    try:
        outcome = train(_registry(args), PROJECT_ROOT, args.config, force=args.force)
    except RegistryError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(outcome.message)
    return 0


def _compare(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training.models.compare import compare
    from bot.training.models.registry import RegistryError

    try:
        return compare(_registry(args), args.eval_dir, args.id, args.again)
    except RegistryError as error:
        print(str(error), file=sys.stderr)
        return 1


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.rasa.evaluation.run import DEFAULT_EVAL_DIR
    from bot.training.models.listing import listing
    from bot.training.models.measured import fingerprint
    from bot.training.models.registry import RegistryError

    try:
        registry = _registry(args)
        sets = fingerprint(DEFAULT_EVAL_DIR if DEFAULT_EVAL_DIR.is_dir() else None)
        print("\n".join(listing(registry, _targets(registry, settings), sets)))
    except RegistryError as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


def _promote(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training.models.promotion import promote

    return _switch(args, settings, lambda registry, apis: promote(registry, args.id, apis))


def _rollback(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training.models.promotion import rollback

    return _switch(args, settings, rollback)


def _switch(args: argparse.Namespace, settings: Settings,
            change: Callable[[Registry, list[RasaApi]], Result]) -> int:
    from bot.training.models.registry import RegistryError

    try:
        registry = _registry(args)
        result = change(registry, _targets(registry, settings, args.no_load))
    except RegistryError as error:
        print(str(error), file=sys.stderr)
        return 1
    print("\n".join(result.lines), file=sys.stdout if result.code == 0 else sys.stderr)
    return result.code
