"""`python -m bot …` as real processes, on SQLite and PostgreSQL (CONTRACT §3, §4, §5)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import jwt
import pytest
from sqlalchemy import func, inspect, select

from bot.auth.agents import active_account, password_matches
from bot.db import Database
from bot.db.models import Agent, AuditEvent, Bill, Borrower, Loan
from bot.loans.accounts import load_account
from tests.fixtures import CONTRACT_EXAMPLE

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = {"DATABASE_URL", "WALLET_JWT_SECRET", "AGENT_JWT_SECRET", "RASA_TOKEN", "GATEWAY_HOST",
                      "WALLET_SERVICE_TOKEN"}



def bot(*args: str, url: str | None = None, stdin: str | None = None,
        **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    if url is not None:
        environment["DATABASE_URL"] = url
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=environment, input=stdin,
        capture_output=True, text=True, timeout=120,
    )


class Inspect:
    """The database as the command left it (opened after the command has run)."""

    def __init__(self, url: str) -> None:
        self.database = Database(url)

    def count(self, model) -> int:
        with self.database.transaction() as session:
            return session.execute(select(func.count()).select_from(model)).scalar_one()

    def tables(self) -> set[str]:
        return set(inspect(self.database.engine).get_table_names())

    def snapshot(self) -> dict:
        with self.database.transaction() as session:
            return {
                "borrowers": sorted((b.id, b.name) for b in session.execute(select(Borrower)).scalars()),
                "loans": sorted((loan.id, loan.borrower_id, loan.principal)
                                for loan in session.execute(select(Loan)).scalars()),
                "bills": sorted((b.loan_id, b.due_date, b.principal, b.interest, b.late_fee, b.paid)
                                for b in session.execute(select(Bill)).scalars()),
                "audit": session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
            }


@pytest.fixture
def db(database_url):
    inspector = Inspect(database_url)
    yield inspector
    inspector.database.dispose()


def test_db_upgrade_creates_the_schema(database_url, db):
    result = bot("db", "upgrade", url=database_url)
    assert (result.returncode, result.stdout, result.stderr) == (0, "schema up to date\n", "")
    assert {"borrowers", "loans", "bills", "agents", "alembic_version"} <= db.tables()
    again = bot("db", "upgrade", url=database_url)
    assert (again.returncode, again.stdout) == (0, "schema up to date\n")


def test_db_load_creates_the_schema_and_upserts(database_url, db, tmp_path):
    fixture = tmp_path / "loans.yml"
    fixture.write_text(CONTRACT_EXAMPLE, encoding="utf-8")
    result = bot("db", "load", str(fixture), url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"loaded {fixture}: 1 borrowers, 1 loans, 3 bills\n"
    assert result.stderr == ""
    with db.database.transaction() as session:
        [balance] = load_account(session, "b-1001", today=date(2026, 11, 23)).balances
        assert session.get(Borrower, "b-1001").name == "王伟"
    assert (str(balance.overdue_amount), balance.days_past_due) == ("2145.00", 39)

    fixture.write_text(CONTRACT_EXAMPLE.replace('interest: "40.00"', 'interest: "40.10"'), encoding="utf-8")
    again = bot("db", "load", str(fixture), url=database_url)
    assert again.returncode == 0, again.stderr
    assert (db.count(Borrower), db.count(Loan), db.count(Bill)) == (1, 1, 3)
    with db.database.transaction() as session:
        interest = session.execute(
            select(Bill.interest).where(Bill.due_date == date(2026, 12, 15))).scalar_one()
    assert interest == Decimal("40.10")


def test_bad_file_exits_1_and_writes_nothing(database_url, db, tmp_path):
    good = tmp_path / "good.yml"
    good.write_text(CONTRACT_EXAMPLE, encoding="utf-8")
    assert bot("db", "load", str(good), url=database_url).returncode == 0
    before = db.snapshot()

    bad = tmp_path / "bad.yml"
    bad.write_text(CONTRACT_EXAMPLE.replace("王伟", "改名").replace('"2026-11-15"', '"2026-02-30"'),
                   encoding="utf-8")
    result = bot("db", "load", str(bad), url=database_url)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{bad}: borrowers[0].loans[0].bills[1].due_date: not a date (YYYY-MM-DD): '2026-02-30'\n"
    )
    assert db.snapshot() == before

    moved = tmp_path / "moved.yml"
    moved.write_text(
        CONTRACT_EXAMPLE.replace("王伟", "改名").replace("b-1001", "b-1002"), encoding="utf-8"
    )
    result = bot("db", "load", str(moved), url=database_url)
    assert result.returncode == 1
    assert result.stderr == "nothing loaded: loan L-1001 belongs to borrower b-1001, not b-1002\n"
    assert db.snapshot() == before

    missing = bot("db", "load", str(tmp_path / "missing.yml"), url=database_url)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"cannot read {tmp_path / 'missing.yml'}: ")
    assert db.snapshot() == before


def test_db_demo(database_url, db):
    result = bot("db", "demo", url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("loaded the demo borrowers: ")
    borrowers, loans = db.count(Borrower), db.count(Loan)
    assert borrowers >= 6 and loans > borrowers
    assert result.stdout == (f"loaded the demo borrowers: {borrowers} borrowers, {loans} loans, "
                             f"{db.count(Bill)} bills\n")
    assert bot("db", "demo", url=database_url).returncode == 0  # again: upserted, not duplicated
    assert (db.count(Borrower), db.count(Loan)) == (borrowers, loans)


def test_token_is_signed_with_the_wallet_secret():
    result = bot("token", "b-1001", WALLET_JWT_SECRET="test-secret-of-the-wallet-app-32-bytes")
    assert result.returncode == 0 and result.stderr == ""
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    claims = jwt.decode(token, "test-secret-of-the-wallet-app-32-bytes", algorithms=["HS256"],
                        options={"require": ["exp", "sub"]})
    assert claims["sub"] == "b-1001"
    assert abs(claims["exp"] - (time.time() + 3600)) < 60
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-at-least-32-bytes!", algorithms=["HS256"])


def test_agents_add(database_url, db):
    result = bot("agents", "add", "alice", "--password-stdin", url=database_url,
                 stdin="correct horse battery\n")
    assert (result.returncode, result.stdout, result.stderr) == (0, "agent alice created\n", "")
    with db.database.transaction() as session:
        agent = session.execute(select(Agent)).scalar_one()
        assert agent.username == "alice" and agent.active
        assert "correct horse" not in agent.password_hash and agent.password_hash.startswith("$2")
        assert password_matches("correct horse battery", active_account(session, "alice"))
        assert not password_matches("correct horse", active_account(session, "alice"))

    result = bot("agents", "add", "alice", "--password-stdin", url=database_url, stdin="a new passphrase\n")
    assert (result.returncode, result.stdout) == (0, "agent alice password updated\n")
    assert db.count(Agent) == 1
    with db.database.transaction() as session:
        assert password_matches("a new passphrase", active_account(session, "alice"))
        assert not password_matches("correct horse battery", active_account(session, "alice"))


def role_of(db, username: str) -> str:
    with db.database.transaction() as session:
        return session.execute(select(Agent.role).where(Agent.username == username)).scalar_one()


def test_agents_add_gives_a_role(database_url, db):
    assert bot("agents", "add", "alice", "--password-stdin", url=database_url,
               stdin="correct horse battery\n").returncode == 0
    assert role_of(db, "alice") == "agent"  # the default
    trainer = bot("agents", "add", "tess", "--password-stdin", "--role", "trainer", url=database_url,
                  stdin="correct horse battery\n")
    assert (trainer.returncode, trainer.stdout, trainer.stderr) == (
        0, "agent tess created, role trainer\n", "")
    assert role_of(db, "tess") == "trainer"

    # Again for an existing agent: the role changes when given, and stays when not.
    promoted = bot("agents", "add", "alice", "--password-stdin", "--role", "supervisor", url=database_url,
                   stdin="a new passphrase\n")
    assert (promoted.returncode, promoted.stdout) == (0, "agent alice password updated, role supervisor\n")
    assert bot("agents", "add", "alice", "--password-stdin", url=database_url,
               stdin="another passphrase\n").returncode == 0
    assert role_of(db, "alice") == "supervisor"
    with db.database.transaction() as session:
        assert password_matches("another passphrase", active_account(session, "alice"))


def test_agents_add_refuses_an_unknown_role(database_url, db):
    result = bot("agents", "add", "alice", "--password-stdin", "--role", "admin", url=database_url,
                 stdin="correct horse battery\n")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "no role 'admin': a role is agent, trainer, supervisor\n"
    assert db.count(Agent) == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "gateway.example.com", "::"])
def test_gateway_beyond_loopback_refuses_development_secrets(host):
    result = bot("gateway", GATEWAY_HOST=host, WALLET_JWT_SECRET="w" * 40)
    assert result.returncode == 1
    assert result.stderr == (
        f"cannot start: GATEWAY_HOST={host!r} is not a loopback address, so development secrets "
        "are refused: set AGENT_JWT_SECRET, RASA_TOKEN, WALLET_SERVICE_TOKEN\n")


def test_run_beyond_loopback_refuses_before_starting_anything(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not started")
    result = bot("run", "--model", str(model), GATEWAY_HOST="0.0.0.0", AGENT_JWT_SECRET="a" * 40,
                 WALLET_SERVICE_TOKEN="s" * 40)
    assert result.returncode == 1
    # RASA_TOKEN is generated per run, so only the wallet's secret is missing.
    assert result.stderr == ("cannot start: GATEWAY_HOST='0.0.0.0' is not a loopback address, so "
                             "development secrets are refused: set WALLET_JWT_SECRET\n")


def test_agents_add_refuses_a_short_password_or_bad_name(database_url, db):
    short = bot("agents", "add", "bob", "--password-stdin", url=database_url, stdin="1234567\n")
    assert (short.returncode, short.stdout) == (1, "")
    assert short.stderr == "a password needs at least 8 characters\n"
    empty = bot("agents", "add", "bob", "--password-stdin", url=database_url, stdin="")
    assert empty.returncode == 1
    name = bot("agents", "add", "bob smith!", "--password-stdin", url=database_url,
               stdin="long enough pass\n")
    assert name.returncode == 1 and "username" in name.stderr
    assert db.count(Agent) == 0


def test_no_command_prints_help():
    result = bot()
    assert result.returncode == 2
    assert "db" in result.stdout and "token" in result.stdout and "agents" in result.stdout


def test_outreach_run_as_of_a_moment_sends_once_and_says_what_it_held_back(database_url, db):
    assert bot("db", "demo", url=database_url).returncode == 0
    # The demo's due dates are days from the borrower's today: the passes are tonight and
    # tomorrow morning in Manila. Half past ten at night there: the demo borrower due a
    # reminder is held back.
    today = datetime.now(ZoneInfo("Asia/Manila")).date()
    night = bot("outreach", "run", "--at", f"{today}T22:30:00+08:00", url=database_url, GATEWAY_PORT="9")
    assert night.returncode == 0, night.stderr
    assert "quiet_hours: 22:30 in Asia/Manila is outside 08:00-21:00" in night.stdout
    tomorrow = today + timedelta(days=1)
    morning = bot("outreach", "run", "--at", f"{tomorrow}T10:00:00+08:00", url=database_url, GATEWAY_PORT="9")
    again = bot("outreach", "run", "--at", f"{tomorrow}T10:05:00+08:00", url=database_url, GATEWAY_PORT="9")
    assert morning.returncode == again.returncode == 0
    assert "sent      b-2003 L-2003 D+30/" in morning.stdout  # the next morning, once
    assert "0 to send" in again.stdout.splitlines()[0] and "0 delivered" in again.stdout.splitlines()[0]


def test_outreach_run_refuses_a_moment_that_does_not_exist(database_url, db):
    answer = bot("outreach", "run", "--at", "2026-02-30T10:00:00", url=database_url)
    assert answer.returncode == 2 and "not an ISO-8601 moment" in answer.stderr


def test_outreach_check():
    answer = bot("outreach", "check")
    assert answer.returncode == 0 and answer.stdout.startswith("outreach ok:")


def test_outreach_check_reads_the_file_named_by_bot_outreach_file(tmp_path):
    edited = tmp_path / "outreach.yml"
    edited.write_text((ROOT / "outreach.yml").read_text(encoding="utf-8")
                      .replace("catch_up_days: 2", "catch_up_days: -1"), encoding="utf-8")
    answer = bot("outreach", "check", BOT_OUTREACH_FILE=str(edited))
    assert answer.returncode == 1 and "catch_up_days" in answer.stderr, answer
