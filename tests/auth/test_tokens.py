"""Borrower and agent tokens: a lifetime beyond the cap is refused however well the token is
signed, measured from now (with a little clock skew) and, where `iat` is given, as issued."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from bot.auth.agent_tokens import agent_of_token, issue_agent_token
from bot.auth.borrower_tokens import borrower_of_token, issue_borrower_token
from bot.auth.tokens import CLOCK_SKEW, InvalidToken

SECRET = "token-test-secret-0123456789abcdef"
DAY = timedelta(days=1)


def signed(**claims) -> str:
    return jwt.encode({"sub": "b-1", **claims}, SECRET, algorithm="HS256")


def now() -> datetime:
    return datetime.now(timezone.utc)


def test_a_token_within_its_lifetime_names_its_subject_and_expiry():
    claims = borrower_of_token(SECRET, issue_borrower_token(SECRET, "b-1", timedelta(hours=2)))
    assert claims.subject == "b-1"
    assert abs((claims.expires_at - now()) - timedelta(hours=2)) < timedelta(seconds=5)
    assert claims.expires_at.tzinfo is not None
    agent = agent_of_token(SECRET, issue_agent_token(SECRET, "alice"))
    assert agent.subject == "alice"


@pytest.mark.parametrize("claims", {
    "a century ahead, no iat": lambda: {"exp": now() + timedelta(days=36500)},
    "a century ahead, issued now": lambda: {"iat": now(), "exp": now() + timedelta(days=36500)},
    "25 hours ahead": lambda: {"exp": now() + timedelta(hours=25)},
    "issued for two days, one left": lambda: {"iat": now() - DAY, "exp": now() + DAY},
}.values(), ids=["century", "century with iat", "25 hours", "issued for two days"])
def test_a_borrower_token_valid_for_longer_than_a_day_is_refused(claims):
    with pytest.raises(InvalidToken, match="longer than allowed"):
        borrower_of_token(SECRET, signed(**claims()))


def test_the_cap_allows_for_clock_skew_but_not_more():
    assert borrower_of_token(SECRET, signed(exp=now() + DAY + CLOCK_SKEW - timedelta(seconds=30)))
    with pytest.raises(InvalidToken):
        borrower_of_token(SECRET, signed(exp=now() + DAY + CLOCK_SKEW + timedelta(seconds=30)))


def test_the_cap_is_the_callers():
    token = issue_borrower_token(SECRET, "b-1", timedelta(hours=2))
    with pytest.raises(InvalidToken):
        borrower_of_token(SECRET, token, max_lifetime=timedelta(hours=1))
    assert borrower_of_token(SECRET, token, max_lifetime=timedelta(hours=3)).subject == "b-1"


def test_an_agent_token_lives_one_shift_at_most():
    with pytest.raises(InvalidToken, match="longer than allowed"):
        agent_of_token(SECRET, issue_agent_token(SECRET, "alice", ttl=timedelta(hours=9)))
    with pytest.raises(InvalidToken, match="longer than allowed"):
        agent_of_token(SECRET, issue_agent_token(SECRET, "alice", ttl=timedelta(days=36500)))


def test_an_exp_beyond_any_calendar_is_refused_not_an_error():
    with pytest.raises(InvalidToken):
        borrower_of_token(SECRET, signed(exp=10 ** 15))
