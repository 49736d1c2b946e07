"""A borrower's message on its way in: the request body, and the text Rasa is given."""
from __future__ import annotations

import json
from collections.abc import Collection

from bot.gateway.errors import ApiError
from bot.logs import mark_sensitive

MAX_TEXT_CHARS = 2000
MAX_BODY_BYTES = 64 * 1024
FULLWIDTH_SOLIDUS = "\uff0f"  # ／: reads like "/", means nothing to Rasa
BAD_BODY = 'the body must be a JSON object with a "text" string'


def parse_chat_body(raw: bytes) -> str:
    """The `text` of a `{"text": "..."}` body exactly as sent; ApiError 400/413 otherwise.
    Other fields are ignored: nothing in the body may name a borrower."""
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        raise ApiError(400, BAD_BODY) from None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise ApiError(400, BAD_BODY)
    if not text.strip():
        raise ApiError(400, "the text is empty")
    if len(text) > MAX_TEXT_CHARS:  # characters (code points), not bytes
        raise ApiError(413, f"the text is longer than {MAX_TEXT_CHARS} characters")
    if "\x00" in text or not _encodable(text):
        raise ApiError(400, "the text contains characters that cannot be stored")
    mark_sensitive(text)  # never in this request's log lines (bot/logs.py)
    return text


def _encodable(text: str) -> bool:
    # JSON may carry lone surrogates ("\ud800"), which no database can store as UTF-8.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_for_rasa(text: str, offered_payloads: Collection[str]) -> str:
    """A tapped button sends its payload (e.g. `/affirm`), which Rasa must parse as such;
    anything else the borrower types must never be read as a `/intent{...}` command."""
    if text in offered_payloads:
        return text
    return neutralise_commands(text)


def neutralise_commands(text: str) -> str:
    """Leading slashes (after leading whitespace, which Rasa strips) become `／`."""
    body = text.lstrip()
    indent = text[: len(text) - len(body)]
    rest = body.lstrip("/")
    return indent + FULLWIDTH_SOLIDUS * (len(body) - len(rest)) + rest
