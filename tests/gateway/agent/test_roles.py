"""Roles and borrower access enforced by the gateway, not the console (CONTRACT §5): a trainer
gets 403 on cases, borrowers and the live feed; an agent reads a borrower only while they have
an active handoff and records an arrangement only on a handoff they have claimed; a supervisor
reads anyone. Every refusal names what is missing and is audited. SQLite and the fake Rasa."""
from __future__ import annotations

from datetime import timedelta

import aiohttp
import bcrypt
import pytest
from sqlalchemy import select, update

from bot.auth.agent_tokens import issue_agent_token
from bot.auth.roles import Permission
from bot.clock import today_in
from bot.db.models import Agent, Arrangement, Handoff, Message
from bot.gateway.routes import ROUTES
from bot.handoffs import casework
from bot.runtime.settings import DEV_AGENT_JWT_SECRET
from tests.gateway.support import audit_events, open_case

PASSWORD = "a long enough password"
STAFF = {"alice": "agent", "bob": "agent", "tess": "trainer", "sam": "supervisor"}
NO_CASES = "the trainer role does not have the work_cases permission"
HANDOFFS = "/api/v1/agent/handoffs"
BORROWER = "/api/v1/agent/borrowers/b-1"
ARRANGEMENTS = BORROWER + "/arrangements"


def headers(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_agent_token(DEV_AGENT_JWT_SECRET, username)}"}


def promise() -> dict:
    return {"loan_id": "L-1", "type": "promise_to_pay", "amount": "100.00",
            "date": (today_in("Asia/Shanghai") + timedelta(days=3)).isoformat()}


def set_role(database, username: str, role: str) -> None:
    with database.transaction() as session:
        session.execute(update(Agent).where(Agent.username == username).values(role=role))


@pytest.fixture(autouse=True)
def staff(borrowers):
    digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode("ascii")  # quick to check
    with borrowers.transaction() as session:
        session.add_all(Agent(username=name, password_hash=digest, role=role) for name, role in STAFF.items())


def test_every_agent_route_but_the_login_names_the_permission_it_needs():
    for method, path, _handler, permission in ROUTES:
        if path.startswith("/api/v1/agent/") and path != "/api/v1/agent/login":
            assert isinstance(permission, Permission), (method, path)


@pytest.mark.parametrize("username, role", STAFF.items())
async def test_every_role_signs_in_and_is_told_its_role(gateway, username, role):
    answer = await gateway.post("/api/v1/agent/login", json={"username": username, "password": PASSWORD})
    assert answer.status == 200
    body = await answer.json()
    assert set(body) == {"token", "role"} and body["role"] == role


async def test_a_trainer_is_refused_cases_borrowers_and_the_live_feed(gateway, borrowers):
    case = open_case(borrowers, "b-1")
    refused = [
        ("GET", HANDOFFS, None), ("GET", f"{HANDOFFS}/{case}", None),
        ("POST", f"{HANDOFFS}/{case}/claim", None), ("POST", f"{HANDOFFS}/{case}/messages", {"text": "hi"}),
        ("POST", f"{HANDOFFS}/{case}/release", None), ("POST", f"{HANDOFFS}/{case}/close", None),
        ("GET", BORROWER, None), ("POST", ARRANGEMENTS, promise()),
        ("GET", "/api/v1/agent/arrangement-kinds", None),
    ]
    for method, path, body in refused:
        answer = await gateway.request(method, path, json=body, headers=headers("tess"))
        assert (answer.status, await answer.json()) == (
            403, {"error": NO_CASES, "missing": "work_cases"}), (method, path)
    token = headers("tess")["Authorization"][7:]
    with pytest.raises(aiohttp.WSServerHandshakeError) as handshake:
        await gateway.ws_connect(f"/api/v1/agent/ws?token={token}")
    assert handshake.value.status == 403

    events = audit_events(borrowers, "agent_access_refused")
    assert [e.details["path"] for e in events] == [path for _, path, _ in refused] + ["/api/v1/agent/ws"]
    refusals = {(e.actor, e.details["role"], e.details["why"]) for e in events}
    assert refusals == {("agent:tess", "trainer", NO_CASES)}
    with borrowers.transaction() as session:  # and nothing happened
        assert session.get(Handoff, case).status == "open"
        assert session.execute(select(Message)).first() is None
        assert session.execute(select(Arrangement)).first() is None
    assert audit_events(borrowers, "agent_viewed_borrower") == []


async def test_a_new_role_applies_to_the_next_request_with_the_same_token(gateway, borrowers):
    tess = headers("tess")
    assert (await gateway.get(HANDOFFS, headers=tess)).status == 403
    set_role(borrowers, "tess", "agent")
    assert (await gateway.get(HANDOFFS, headers=tess)).status == 200
    set_role(borrowers, "tess", "trainer")
    assert (await gateway.get(HANDOFFS, headers=tess)).status == 403


async def test_an_agent_reads_a_borrower_only_while_they_have_an_active_handoff(gateway, borrowers):
    async def status(username: str) -> int:
        return (await gateway.get(BORROWER, headers=headers(username))).status

    assert (await status("alice"), await status("sam")) == (403, 200)  # no handoff: supervisors only
    case = open_case(borrowers, "b-1")
    assert await status("alice") == 200  # open
    with borrowers.transaction() as session:
        casework.claim(session, case, "bob")
    assert await status("alice") == 200  # claimed, by someone else
    with borrowers.transaction() as session:
        casework.close(session, case, "bob")
    assert (await status("alice"), await status("sam")) == (403, 200)  # closed

    answer = await gateway.get(BORROWER, headers=headers("alice"))
    assert "open or claimed handoff" in (await answer.json())["error"]
    refusals = audit_events(borrowers, "agent_access_refused")
    assert [(e.actor, e.borrower_id) for e in refusals] == [("agent:alice", "b-1")] * 3
    viewed = [(e.actor, e.borrower_id) for e in audit_events(borrowers, "agent_viewed_borrower")]
    assert viewed == [("agent:sam", "b-1"), ("agent:alice", "b-1"), ("agent:alice", "b-1"),
                      ("agent:sam", "b-1")]


async def test_an_arrangement_is_recorded_only_on_a_handoff_the_agent_has_claimed(gateway, borrowers):
    async def status(username: str) -> int:
        return (await gateway.post(ARRANGEMENTS, json=promise(), headers=headers(username))).status

    assert (await status("alice"), await status("sam")) == (403, 403)  # no handoff at all
    case = open_case(borrowers, "b-1")
    assert (await status("alice"), await status("sam")) == (403, 403)  # open, not claimed
    with borrowers.transaction() as session:
        casework.claim(session, case, "bob")
    assert (await status("alice"), await status("sam")) == (403, 403)  # bob's case
    with borrowers.transaction() as session:
        assert session.execute(select(Arrangement)).first() is None
    assert len(audit_events(borrowers, "agent_access_refused")) == 6
    assert await status("bob") == 201
    with borrowers.transaction() as session:
        assert session.execute(select(Arrangement.created_by)).scalars().all() == ["agent:bob"]


async def test_a_query_token_is_taken_only_on_a_websocket_handshake(gateway):
    token = headers("alice")["Authorization"][7:]
    assert (await gateway.get(HANDOFFS, params={"token": token})).status == 401
    socket = await gateway.ws_connect("/api/v1/agent/ws", params={"token": token})
    await socket.close()
