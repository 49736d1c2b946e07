"""Borrower tokens: HS256 JWTs signed by the wallet app, `sub` = borrower id, `exp` required."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

ALGORITHM = "HS256"


class InvalidToken(Exception):
    pass


def issue_borrower_token(secret: str, borrower_id: str, ttl: timedelta = timedelta(hours=1)) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": borrower_id, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def borrower_of_token(secret: str, token: str) -> str:
    """The borrower id the token names; raises InvalidToken for anything else."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise InvalidToken("the token names no borrower")
    return subject
