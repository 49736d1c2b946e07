"""The gateway's logs, set up in one place (`configure_logging`, called by `serve`).

Format: LOG_FORMAT=json writes JSON lines, one object per record: `time` (UTC, ISO 8601),
`level`, `logger`, `message`, any `extra={...}` fields, and `exception` / `stack` when there
are some. LOG_FORMAT=text writes `time level logger message`. Unset: text when standard error
is a terminal, JSON otherwise (a container, a service manager, a file).

Masking (`MaskingFilter`, on the handler, so that it sees every logger's records: aiohttp's
access log, SQLAlchemy's, Rasa's client …): a record's message, its extra fields and its
exception text are rewritten before any formatter reads them:

- the borrower's own text, marked for the current request by `mark_sensitive` (the chat
  handler's body, bot/gateway/inbound.py), wherever it appears, in any script;
- any run of Chinese (CJK) characters: borrowers' words and names;
- e-mail addresses, phone numbers (+86 138 0013 8000, 9123 4567, (021) 5555-1234), runs of
  8 or more digits (ID and card numbers, account numbers), JWTs, `Bearer …` and `token=`,
  `password=`, `secret=` … values (query strings included);
- SQLAlchemy's statement parameters (they hold what was stored: a borrower's text) and any
  extra field named like personal data (`text`, `name`, `phone`, `email`, `summary` …).

Masking is a safety net: the gateway's own code logs ids and counts, never what a borrower
wrote. A Latin-script name in free text that was not marked cannot be told from other words.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from typing import IO, Any

from bot import personal_data

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
MASK = "[masked]"
TEXT_MASK = "[text]"
# Shorter marked values are left alone: masking "ok" everywhere would garble the log (a short
# Chinese text is masked all the same, by the CJK rule).
MIN_MARKED_CHARS = 4
SENSITIVE_FIELDS = frozenset({
    "text", "message_text", "body", "name", "borrower_name", "full_name", "phone", "mobile",
    "email", "summary", "password", "token", "authorization", "secret", "id_number", "card",
})
# The attributes every LogRecord has: anything else on a record is an `extra` field.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message", "asctime", "taskName", "_masked"}

_marked: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("log_marked", default=())

_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # SQLAlchemy's "[parameters: (...)]" in an error's text: the values stored.
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: " + MASK + "]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[jwt]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + MASK),
    (re.compile(r"(?i)\b(token|access_token|auth_token|api_key|apikey|password|passwd|secret)"
                r"(\s*[=:]\s*|\"\s*:\s*\")([^&\s\"',;]+)"), r"\1\2" + MASK),
    (personal_data.EMAIL, "[email]"),
    (personal_data.PHONE, lambda m: "[phone]" if personal_data.is_phone(m.group(0)) else m.group(0)),
    (personal_data.LONG_NUMBER, "[number]"),
    # Chinese, Japanese and Korean script (with their punctuation): borrowers' words and names.
    (re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf"
                r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]+"),
     TEXT_MASK),
]


def mask(text: str, marked: tuple[str, ...] = ()) -> str:
    """`text` without personal data: the marked values, then every rule above."""
    for value in sorted(marked, key=len, reverse=True):  # the longest first: it may hold others
        text = text.replace(value, TEXT_MASK)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def mark_sensitive(value: str) -> None:
    """Masks `value` (a borrower's text) in every record logged from now on in this context:
    the current request's task and the tasks it starts. Each request has its own context."""
    value = value.strip()
    if len(value) >= MIN_MARKED_CHARS or any(not ch.isascii() for ch in value):
        _marked.set((*_marked.get(), value))


class _Masked:
    """Stands for an argument that is never shown (SQLAlchemy's parameters)."""

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__


class MaskingFilter(logging.Filter):
    """Rewrites a record without personal data (see the module's docstring); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_masked", False):  # several handlers: once is enough
            return True
        marked = _marked.get()
        if record.name.startswith("sqlalchemy") and isinstance(record.args, tuple):
            record.args = tuple(_Masked() for _ in record.args)  # the statement's values
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format: its parts, still masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message, marked), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask(record.exc_text, marked)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, marked)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                record.__dict__[key] = MASK if key.lower() in SENSITIVE_FIELDS else _mask_value(value, marked)
        record._masked = True
        return True


def _mask_value(value: Any, marked: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return mask(value, marked)
    if isinstance(value, dict):
        return {k: MASK if str(k).lower() in SENSITIVE_FIELDS else _mask_value(v, marked)
                for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_mask_value(v, marked) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask(str(value), marked)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def chosen_format(log_format: str | None, stream: IO[str]) -> str:
    """LOG_FORMAT's value, or (unset) text on a terminal and JSON anywhere else."""
    if log_format is None:
        return "text" if stream.isatty() else "json"
    chosen = log_format.strip().lower()
    if chosen not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return chosen


def configure_logging(log_format: str | None = None, *, level: int = logging.INFO,
                      stream: IO[str] | None = None) -> logging.Handler:
    """The root logger writes to `stream` (standard error) through one masked handler; any
    handler set up before is replaced. Returns the handler."""
    stream = sys.stderr if stream is None else stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for(chosen_format(log_format, stream)))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings too go through the mask
    return handler
