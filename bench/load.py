"""Load on the whole bot: the gateway's chat API against Rasa directly, on the same messages.

Starts the bot (`python -m bot run`, the supervisor) on a throwaway PostgreSQL server (Debian's
binaries, as the tests start it), on a fresh database for each topology asked for (1 and 2
Rasa instances: RASA_INSTANCES), loads borrowers, and has 1, 10 and 50 of them at once each
send the same short conversation, back to back and with a pause between a borrower's messages.
Each level runs twice in one go, through the gateway (POST /api/v1/chat with a borrower token)
and straight to Rasa (the gateway's own channel, on conversations made for it), so the two are
measured side by side under the same load, after an uncounted warm-up.

    .venv/bin/python bench/load.py                     # everything: about 10 minutes
    .venv/bin/python bench/load.py --instances 1 --levels 1,10 --pauses 0

Prints, per topology, path, level and pause: messages, messages/s, p50 and p95 latency in ms,
errors; then the ratios the issue asks for (gateway / direct, two instances / one), and the
CPU time one message costs across every process of the bot (from /proc: Linux only), which
gives the ceiling this machine allows: cores / CPU seconds per message. Lost or duplicated
messages are counted from the database after the gateway's runs: each borrower message is
stored once and delivered once.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import case, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.auth.borrower_tokens import issue_borrower_token  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.db.models import Conversation, Message  # noqa: E402
from tests.builders import bill, borrower, load  # noqa: E402
from tests.postgres import start_server  # noqa: E402

# A borrower's short conversation that changes nothing in the account (no arrangement, no
# handoff): the answers read the loan database, as most messages do.
CONVERSATION = ["hi", "how much do I owe?", "when is it due?", "how can I pay?",
                "why is it so much?", "thanks, bye"]
WEBHOOK = "/webhooks/gateway/webhook"
WARM_UP = 2  # borrowers per path before anything is counted
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    topology: int
    path: str  # gateway | direct
    level: int
    pause: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by role (Bot.cpu_by_role)

    @property
    def cpu_seconds(self) -> float:
        """The bot's own processes: everything but the database server."""
        return sum(seconds for role, seconds in self.cpu.items() if role != "postgres")

    @property
    def messages(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Bot:
    """The bot under test: the supervisor and everything it starts."""

    def __init__(self, database_url: str, instances: int, model: Path, logs: Path,
                 postgres_pid: int | None = None) -> None:
        self.database_url, self.instances, self.postgres_pid = database_url, instances, postgres_pid
        self.rasa_token, self.jwt_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.gateway_port, self.action_port = _free_port(), _free_port()
        self.rasa_port = _free_ports(instances)
        self.log = (logs / f"bot-{instances}.log").open("w")
        env = {**os.environ, "DATABASE_URL": database_url, "RASA_TOKEN": self.rasa_token,
               "WALLET_JWT_SECRET": self.jwt_secret, "GATEWAY_PORT": str(self.gateway_port),
               "RASA_URL": f"http://127.0.0.1:{self.rasa_port}", "ACTION_PORT": str(self.action_port),
               "RASA_INSTANCES": str(instances), "DEMO_CHAT": "0",
               # Scripted borrowers type faster than a person: no per-borrower rate limit here.
               "CHAT_RATE_INTERVAL_SECONDS": "0", "LOG_FORMAT": "json"}
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--model", str(model)],
                                        cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.rasa_port + i}" for i in range(self.instances)]

    async def wait_ready(self, http: aiohttp.ClientSession, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}; see {self.log.name}")
            if all([await _answers(http, self.gateway + "/healthz"),
                    *[await _answers(http, url + "/") for url in self.rasa_urls]]):
                return
            await asyncio.sleep(1)
        raise RuntimeError("the bot did not become ready in time")

    def cpu_by_role(self) -> dict[str, float]:
        """User + system CPU so far of the supervisor and every process below it, by role
        (gateway, rasa, actions, redis, supervisor), and of the PostgreSQL server's
        processes (`postgres`), which serve the bot but are not its children."""
        spent: dict[str, float] = {}
        for pid in _tree(self.process.pid):
            role = _role(pid)
            spent[role] = spent.get(role, 0.0) + _cpu_of(pid)
        if self.postgres_pid is not None:
            spent["postgres"] = sum(_cpu_of(pid) for pid in _tree(self.postgres_pid))
        return spent

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, 9)
        self.log.close()


async def borrower_says(http: aiohttp.ClientSession, send, who: str, nth: int, pause: float,
                        run: Run) -> None:
    """One borrower's conversation. With a pause, borrowers are not in step, as people are not:
    each starts at a random moment within the first pause and waits 0.5 to 1.5 times the pause
    between messages (the same seeded draws for the gateway and for Rasa directly)."""
    draws = random.Random(f"{run.level}-{pause}-{nth}")  # noqa: S311 - timing, not secrets
    if pause:
        await asyncio.sleep(draws.uniform(0, pause))
    for text in CONVERSATION:
        started = time.perf_counter()
        try:
            ok = await send(http, who, text)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            ok = False
        if ok:
            run.latencies.append(time.perf_counter() - started)
        else:
            run.errors += 1
        if pause:
            await asyncio.sleep(pause * draws.uniform(0.5, 1.5))


def through_gateway(bot: Bot):
    async def send(http: aiohttp.ClientSession, borrower_id: str, text: str) -> bool:
        token = issue_borrower_token(bot.jwt_secret, borrower_id)
        async with http.post(bot.gateway + "/api/v1/chat", json={"text": text},
                             headers={"Authorization": f"Bearer {token}"}) as answer:
            body = await answer.json(content_type=None)
            return answer.status == 200 and bool(body.get("messages"))
    return send


def straight_to_rasa(bot: Bot, borrower_of: dict[str, str]):
    async def send(http: aiohttp.ClientSession, conversation_id: str, text: str) -> bool:
        url = bot.rasa_urls[hash(conversation_id) % len(bot.rasa_urls)]  # one instance each
        body = {"sender": conversation_id, "message": text,
                "metadata": {"borrower_id": borrower_of[conversation_id], "timezone": "Asia/Singapore"}}
        async with http.post(url + WEBHOOK, json=body,
                             headers={"Authorization": f"Bearer {bot.rasa_token}"}) as answer:
            replies = await answer.json(content_type=None)
            return answer.status == 200 and bool(replies)
    return send


async def measure(bot: Bot, database: Database, run: Run, pool: list[str]) -> None:
    who = [pool.pop() for _ in range(run.level)]  # fresh borrowers: small trackers, one conversation each
    if run.path == "direct":
        conversations = {f"bench-{uuid.uuid4().hex[:12]}": b for b in who}
        with database.transaction() as session:
            session.add_all(Conversation(id=c, borrower_id=b) for c, b in conversations.items())
        send, senders = straight_to_rasa(bot, conversations), list(conversations)
    else:
        send, senders = through_gateway(bot), who
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:
        cpu, started = bot.cpu_by_role(), time.perf_counter()
        await asyncio.gather(*(borrower_says(http, send, s, nth, run.pause, run)
                               for nth, s in enumerate(senders)))
        run.seconds, after = time.perf_counter() - started, bot.cpu_by_role()
        run.cpu = {role: after[role] - cpu.get(role, 0.0) for role in after}


def lost_or_duplicated(database: Database, borrowers: list[str]) -> tuple[int, int]:
    """Borrower messages the gateway stored other than once each, and any left undelivered."""
    undelivered = case((Message.delivered.is_(False), 1), else_=0)
    with database.transaction() as session:
        rows = session.execute(
            select(Conversation.borrower_id, func.count(Message.id), func.sum(undelivered))
            .join(Message, Message.conversation_id == Conversation.id)
            .where(Conversation.borrower_id.in_(borrowers), Message.sender == "borrower")
            .group_by(Conversation.borrower_id)).all()
    stored = {b: (n, int(waiting or 0)) for b, n, waiting in rows}
    duplicated = sum(max(0, stored.get(b, (0, 0))[0] - len(CONVERSATION)) for b in borrowers)
    lost = sum(max(0, len(CONVERSATION) - stored.get(b, (0, 0))[0]) + stored.get(b, (0, 0))[1]
               for b in borrowers)
    return lost, duplicated


def borrowers(count: int) -> list:
    return [borrower(f"bench-{i:04d}", f"Bench Borrower {i}", "en", "Asia/Singapore").loan(
        f"LB-{i:04d}", "SGD", "900.00", bill(-12, "300.00", interest="9.00", late_fee="5.00"),
        bill(18, "300.00", interest="6.00"), bill(48, "300.00", interest="3.00"))
        for i in range(count)]


def report(runs: list[Run], gateway_borrowers: dict[int, list[str]], databases: dict[int, Database]) -> None:
    print(f"{'topology':>8} {'path':>8} {'level':>5} {'pause':>5} {'msgs':>5} {'msg/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'errors':>6} {'cpu s/msg':>9}")
    for r in runs:
        per = r.cpu_seconds / len(r.latencies) if r.latencies else float("nan")
        print(f"{r.topology:>8} {r.path:>8} {r.level:>5} {r.pause:>5g} {r.messages:>5} {r.rate:>7.1f} "
              f"{r.percentile(0.5):>7.0f} {r.percentile(0.95):>7.0f} {r.errors:>6} {per:>9.3f}")
    print()
    _report_cpu(runs)
    by = {(r.topology, r.path, r.level, r.pause): r for r in runs}
    for (topology, path, level, pause), r in sorted(by.items()):
        if path == "gateway" and (topology, "direct", level, pause) in by:
            direct = by[(topology, "direct", level, pause)]
            print(f"gateway / direct, {topology} instance(s), {level} borrowers, pause {pause:g} s: "
                  f"{r.rate / direct.rate:.2f}x throughput" if direct.rate else "")
    for (topology, path, level, pause), r in sorted(by.items()):
        if topology == 2 and (1, path, level, pause) in by and by[(1, path, level, pause)].rate:
            print(f"two instances / one, {path}, {level} borrowers, pause {pause:g} s: "
                  f"{r.rate / by[(1, path, level, pause)].rate:.2f}x throughput")
    cores = os.cpu_count() or 1
    for topology in sorted({r.topology for r in runs}):
        busy = [r for r in runs if r.topology == topology and r.pause == 0 and r.latencies]
        if busy:
            served = sum(len(r.latencies) for r in busy)
            per = sum(r.cpu_seconds for r in busy) / served
            with_database = sum(sum(r.cpu.values()) for r in busy) / served
            print(f"{topology} instance(s): {per * 1000:.0f} ms of CPU per message across every "
                  f"process of the bot, {with_database * 1000:.0f} ms with PostgreSQL's; ceiling on "
                  f"{cores} cores: {cores / with_database:.1f} messages/s")
        lost, duplicated = lost_or_duplicated(databases[topology], gateway_borrowers[topology])
        print(f"{topology} instance(s): lost {lost}, duplicated {duplicated} "
              "(gateway runs, from the database)")


def _report_cpu(runs: list[Run]) -> None:
    """Where the CPU of one message goes, by process: what the gateway path adds to direct."""
    roles = sorted({role for r in runs for role in r.cpu}, key=lambda role: ROLE_ORDER.index(role))
    print("CPU ms per message, by process")
    print(f"{'topology':>8} {'path':>8} {'level':>5} {'pause':>5} "
          + " ".join(f"{role:>10}" for role in roles))
    for r in runs:
        if r.latencies:
            print(f"{r.topology:>8} {r.path:>8} {r.level:>5} {r.pause:>5g} " + " ".join(
                f"{r.cpu.get(role, 0.0) / len(r.latencies) * 1000:>10.1f}" for role in roles))
    print()


async def main(args: argparse.Namespace) -> None:
    server = start_server()
    logs = Path(tempfile.mkdtemp(prefix="bench-load-"))
    runs: list[Run] = []
    gateway_borrowers: dict[int, list[str]] = {}
    databases: dict[int, Database] = {}
    try:
        for topology in args.instances:
            url = server.create_database()
            database = databases[topology] = Database(url)
            database.upgrade()
            needed = 2 * sum(args.levels) * len(args.pauses) + 2 * WARM_UP
            population = borrowers(needed)
            load(database, *population)
            pool = [b.id for b in population]
            gateway_borrowers[topology] = []
            bot = Bot(url, topology, args.model, logs, _postmaster(server))
            try:
                async with aiohttp.ClientSession() as http:
                    await bot.wait_ready(http)
                for path in ("direct", "gateway"):  # uncounted: the first messages load what is lazy
                    await measure(bot, database, Run(topology, path, WARM_UP, 0.0), pool)
                for pause in args.pauses:
                    for level in args.levels:
                        for path in ("direct", "gateway"):  # side by side, same load
                            run = Run(topology, path, level, pause)
                            before = list(pool)
                            await measure(bot, database, run, pool)
                            if path == "gateway":
                                gateway_borrowers[topology] += before[len(pool):]
                            runs.append(run)
                            print(f"done: {topology} instance(s) {path} {level} borrowers pause {pause:g}: "
                                  f"{run.rate:.1f} msg/s", file=sys.stderr, flush=True)
            finally:
                bot.stop()
        report(runs, gateway_borrowers, databases)
    finally:
        for database in databases.values():
            database.dispose()
        server.stop()


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


ROLES = (("gateway", "-m bot gateway"), ("actions", "rasa run actions"), ("rasa", "bot.rasa.server"),
         ("redis", "redis-server"))
ROLE_ORDER = ["rasa", "actions", "gateway", "redis", "supervisor", "postgres"]


def _role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "supervisor"
    return next((role for role, mark in ROLES if mark in command), "supervisor")


def _postmaster(server) -> int | None:
    """The pid of the throwaway server's postmaster (its first line of postmaster.pid); None for
    a server of TEST_POSTGRES_URL, which this machine may not run."""
    cluster = getattr(server, "_cluster", None)
    try:
        return int((cluster.data / "postmaster.pid").read_text().split()[0]) if cluster else None
    except (OSError, ValueError, IndexError):
        return None


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


async def _answers(http: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as answer:
            return answer.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (the supervisor numbers instances from it)."""
    while True:
        first = _free_port()
        if all(_port_free(first + i) for i in range(count)):
            return first


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _numbers(kind):
    return lambda text: [kind(item) for item in text.split(",") if item]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=_numbers(int), default=[1, 2])
    parser.add_argument("--levels", type=_numbers(int), default=[1, 10, 50])
    parser.add_argument("--pauses", type=_numbers(float), default=[0.0, 2.0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "current.tar.gz")
    asyncio.run(main(parser.parse_args()))
