"""What borrower and agent tokens share: HS256, one error for every way a token is wrong, and
a bounded lifetime. However well it is signed, a token that claims to be valid for longer than
the gateway allows is refused: a leaked token must not be a key for a century."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt

ALGORITHM = "HS256"
# Clocks differ: the issuer's `now` may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says: whom it names (`sub`), and until when."""

    subject: str
    expires_at: datetime


def decode(token: str, secret: str, *, max_lifetime: timedelta,
           audience: str | None = None) -> TokenClaims:
    """The verified claims (`exp` and `sub` required, `aud` where an audience is expected);
    InvalidToken for a bad signature, an expired token, a missing claim, an empty subject, or
    a lifetime beyond `max_lifetime`."""
    required = ["exp", "sub"] + (["aud"] if audience else [])
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=audience,
                            options={"require": required})
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.strip():
        raise InvalidToken("the token names no one")
    expires = int(claims["exp"])  # PyJWT has checked that it reads as one
    _check_lifetime(expires, claims.get("iat"), max_lifetime, datetime.now(timezone.utc))
    return TokenClaims(subject, datetime.fromtimestamp(expires, timezone.utc))


def _check_lifetime(expires: int, issued_at: Any, max_lifetime: timedelta, now: datetime) -> None:
    # exp − now bounds what is left; exp − iat, both on the issuer's clock, what was granted.
    if expires - now.timestamp() > (max_lifetime + CLOCK_SKEW).total_seconds():
        raise InvalidToken("the token is valid for longer than allowed")
    if issued_at is not None and expires - int(issued_at) > max_lifetime.total_seconds():
        raise InvalidToken("the token was issued for longer than allowed")
