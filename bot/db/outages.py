"""Database errors that say the database cannot serve now, and what is wrong: it is
unreachable, locked, corrupt, or without its schema. Any other error (a constraint, a value
the column refuses, a mistake in a statement) is no outage and stays what it is."""
from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNREACHABLE = "unreachable"
LOCKED = "locked"
CORRUPT = "corrupt"
SCHEMA_MISSING = "schema missing"
TIMED_OUT = "timed out"

_POSTGRES_CODES = {"55P03": LOCKED, "57014": TIMED_OUT, "42P01": SCHEMA_MISSING}  # SQLSTATEs
# SQLite says these in words only (Python 3.10's sqlite3 has no error codes).
_SQLITE_LOCKED = ("database is locked", "database table is locked")
_SQLITE_NO_TABLE = "no such table"


def outage(error: BaseException) -> str | None:
    """What is wrong with the database if `error` says it cannot serve now, else None."""
    if isinstance(error, (DisconnectionError, PoolTimeout)):
        return UNREACHABLE
    if not isinstance(error, DBAPIError):
        return None
    cause = error.orig
    # Exactly the base class: "file is not a database", "database disk image is malformed".
    # Its subclasses are the integrity, data, programming … errors.
    if type(cause) is sqlite3.DatabaseError:
        return CORRUPT
    if getattr(cause, "pgcode", None) in _POSTGRES_CODES:
        return _POSTGRES_CODES[cause.pgcode]
    if isinstance(cause, sqlite3.OperationalError):
        return _sqlite_operational(str(cause))
    return UNREACHABLE if isinstance(error, OperationalError) else None


def _sqlite_operational(message: str) -> str:
    if message.startswith(_SQLITE_LOCKED):
        return LOCKED
    if message.startswith(_SQLITE_NO_TABLE):
        return SCHEMA_MISSING
    return UNREACHABLE  # "unable to open database file", "disk I/O error" …
