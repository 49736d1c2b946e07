"""`python -m bot …`: the project's command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.runtime.settings import Settings, UnsafeSettings

if TYPE_CHECKING:  # imported where used: each command loads only what it needs
    from collections.abc import Callable
    from datetime import date, datetime, timedelta

    from bot.db import Database
    from bot.loans.fixtures import BorrowerSpec


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    return args.handler(args, Settings.from_env()) or 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers()

    db = commands.add_parser("db", help="the loan database").add_subparsers()
    db.add_parser("upgrade", help="create or migrate the schema").set_defaults(handler=_db_upgrade)
    load = db.add_parser("load", help="create or update borrowers and loans from a YAML file")
    load.add_argument("file", type=Path)
    load.set_defaults(handler=_db_load)
    db.add_parser("demo", help="load the demo borrowers").set_defaults(handler=_db_demo)

    demo = commands.add_parser("demo", help="made-up data for demonstrations").add_subparsers()
    portfolio = demo.add_parser("portfolio", help="write a made-up portfolio with days of history "
                                                  "(borrowers p-…), for the dashboards")
    portfolio.add_argument("--borrowers", type=_whole_in(1, 1_000_000), required=True, help="1 to 1,000,000")
    portfolio.add_argument("--days", type=_whole_in(1, 1_000), required=True,
                           help="of history ending today, 1 to 1,000")
    portfolio.add_argument("--seed", type=int, default=1, help="the same seed writes the same portfolio")
    portfolio.add_argument("--replace", action="store_true",
                           help="delete the portfolio already there (borrowers p-…) first")
    portfolio.set_defaults(handler=_demo_portfolio)

    token = commands.add_parser("token", help="print a borrower token valid for an hour")
    token.add_argument("borrower_id")
    token.set_defaults(handler=_token)

    agents = commands.add_parser("agents", help="agent accounts").add_subparsers()
    add = agents.add_parser("add", help="create an agent (or reset its password, and role if given)")
    add.add_argument("username")
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.add_argument("--role", help="agent (the default for a new agent), trainer or supervisor")
    add.set_defaults(handler=_agents_add)

    arrangements = commands.add_parser("arrangements", help="deferrals, plans and promises").add_subparsers()
    review = arrangements.add_parser("review", help="mark active arrangements kept or broken")
    review.add_argument("--today", type=_iso_date, default=None,
                        help="YYYY-MM-DD (default: each borrower's today)")
    review.set_defaults(handler=_arrangements_review)

    policy = commands.add_parser("policy", help="the lender's policy file").add_subparsers()
    policy.add_parser("check", help="validate policy.yml (or $BOT_POLICY_FILE)").set_defaults(
        handler=_policy_check)

    outreach = commands.add_parser("outreach", help="the messages the bot writes first").add_subparsers()
    one_pass = outreach.add_parser("run", help="run one outreach pass")
    one_pass.add_argument("--at", type=_moment, default=None,
                          help="ISO-8601 moment to run it as of (default: now; no zone: UTC)")
    one_pass.set_defaults(handler=_outreach_run)
    outreach.add_parser("check", help="validate outreach.yml (or $BOT_OUTREACH_FILE)").set_defaults(
        handler=_outreach_check)

    trackers = commands.add_parser("trackers", help="Rasa's conversation trackers").add_subparsers()
    prune = trackers.add_parser("prune", help="delete the events of tracker sessions that ended before "
                                              "the cut-off (never a conversation's latest session)")
    prune.add_argument("--older-than", type=_age, default=None,
                       help="e.g. 30d or 12h (default: $TRACKER_PRUNE_OLDER_THAN, else 30d)")
    prune.add_argument("--dry-run", action="store_true", help="print what would be deleted, delete nothing")
    prune.add_argument("--quiet", action="store_true", help="print the totals only")
    prune.set_defaults(handler=_trackers_prune)

    training = commands.add_parser("training", help="the trainers' review inbox").add_subparsers()
    export = training.add_parser("export", help="write the settled review items into the training data "
                                                "(data/nlu/<language>.yml), once each")
    export.add_argument("--dry-run", action="store_true", help="print what would be written, change nothing")
    export.add_argument("--data", type=Path, default=None,
                        help="the training data directory, holding nlu/ (default: the project's data/)")
    export.set_defaults(handler=_training_export)

    from bot.training.models.command import add_model_commands  # argparse only: nothing heavy

    add_model_commands(commands)

    run = commands.add_parser("run", help="start Rasa, the action server and the gateway")
    run.add_argument("--model", default="models/current.tar.gz")
    run.set_defaults(handler=_run)

    gateway = commands.add_parser("gateway", help="start only the gateway")
    gateway.set_defaults(handler=_gateway)

    evaluate = commands.add_parser("evaluate", help="understanding figures, beside the previous ones")
    evaluate.add_argument("--model", default="models/current.tar.gz")
    evaluate.add_argument("--eval-dir", type=Path, default=None)
    evaluate.add_argument("--compare", type=Path, default=None,
                          help="figures of another model to print beside (default: the model before "
                               "this one, else tests/nlu/baseline_figures.json)")
    evaluate.set_defaults(handler=_evaluate)
    return parser


def _database(settings: Settings) -> Database:
    from bot.db import Database

    database = Database(settings.database_url)
    database.upgrade()
    return database


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    _database(settings)
    print("schema up to date")
    return 0


def _db_load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.loans.fixtures import FixtureError, parse_fixture_text

    try:
        specs = parse_fixture_text(args.file.read_text(encoding="utf-8"))
    except OSError as error:
        print(f"cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    except FixtureError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 1
    return _load(settings, specs, f"loaded {args.file}")


def _db_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.loans.demo import demo_borrowers

    return _load(settings, demo_borrowers(), "loaded the demo borrowers")


def _load(settings: Settings, specs: list[BorrowerSpec], what: str) -> int:
    from bot.loans.fixtures import FixtureError, load_fixture

    database = _database(settings)
    try:
        with database.transaction() as session:
            counts = load_fixture(session, specs)
    except FixtureError as error:
        print(f"nothing loaded: {error}", file=sys.stderr)
        return 1
    print(f"{what}: {counts['borrowers']} borrowers, {counts['loans']} loans, {counts['bills']} bills")
    return 0


def _whole_in(low: int, high: int) -> Callable[[str], int]:
    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, not {value:,}")
        return value

    return whole


def _demo_portfolio(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.command import run

    return run(_database(settings), args.borrowers, args.days, args.seed, args.replace)


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from bot.auth.borrower_tokens import issue_borrower_token

    print(issue_borrower_token(settings.jwt_secret, args.borrower_id))
    return 0


def _agents_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.auth.agents import AgentError, add_agent

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with _database(settings).transaction() as session:
            created = add_agent(session, args.username, password, args.role)
    except AgentError as error:
        print(str(error), file=sys.stderr)
        return 1
    role = f", role {args.role}" if args.role else ""
    print(f"agent {args.username} {'created' if created else 'password updated'}{role}")
    return 0


def _iso_date(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _arrangements_review(args: argparse.Namespace, settings: Settings) -> int:
    from bot.arrangements.policy import PolicyError, load_policy
    from bot.arrangements.review import review_arrangements

    try:
        book = load_policy()
    except PolicyError as error:
        print(str(error), file=sys.stderr)
        return 1
    with _database(settings).transaction() as session:
        counts = review_arrangements(session, book, args.today)
    print(f"arrangements reviewed: {counts['kept']} kept, {counts['broken']} broken, "
          f"{counts['active']} still active")
    return 0


def _moment(text: str) -> datetime:
    from bot.outreach.command import parse_moment

    try:
        return parse_moment(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _outreach_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.outreach.command import run_once

    return run_once(_database(settings), settings, args.at)


def _outreach_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.outreach.command import check

    return check()


def _policy_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.arrangements.policy import PolicyError, load_policy

    try:
        book = load_policy()
    except (PolicyError, OSError) as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"policy ok: {book.source}, {len(book.currencies)} currencies with their own rules")
    return 0


def _age(text: str) -> timedelta:
    from bot.trackers.age import parse_age

    try:
        return parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _trackers_prune(args: argparse.Namespace, settings: Settings) -> int:
    import os

    from bot.db import Database
    from bot.runtime.stores import StoreSettingsError, tracker_store_url
    from bot.trackers.command import run

    try:  # the trackers' database, as endpoints.yml's tracker_store has it
        url = tracker_store_url(os.environ.get("TRACKER_STORE_URL", "").strip() or settings.database_url)
    except StoreSettingsError as error:
        print(f"cannot prune: {error}", file=sys.stderr)
        return 1
    conversations = _database(settings)
    trackers = conversations if url == conversations.url else Database(url)
    return run(trackers, conversations, args.older_than or settings.tracker_prune_older_than,
               dry_run=args.dry_run, quiet=args.quiet)


def _training_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training.export import run_export

    return run_export(_database(settings), args.data, dry_run=args.dry_run)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime.supervisor import run_all

    return run_all(settings, Path(args.model))


def _gateway(args: argparse.Namespace, settings: Settings) -> int:
    from bot.gateway.app import serve

    try:
        settings.check_safe_to_serve()
    except UnsafeSettings as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    serve(settings)
    return 0


def _evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.rasa.evaluation import evaluate

    return evaluate(Path(args.model), args.eval_dir, args.compare)
