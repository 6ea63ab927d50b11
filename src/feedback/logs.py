"""Structured (JSON lines) logging that never carries respondent or secret data.

What may be logged is decided where a line is written: route templates, never raw paths
(a path can hold a link token); status and duration; exception types and code locations,
never exception messages (a database error's message can quote the row it failed on).
`PrivacyFilter`, on the one handler, holds every library to the same rule.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from typing import Any

import msgspec

from feedback.settings import Settings

QUIET_LIBRARIES = (
    "aiosqlite",
    "asyncio",
    "sqlalchemy",
    "httpx",
    "httpcore",
    "arq",
    "redis",
    "multipart",
    "alembic",
)
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    # SQLAlchemy statement errors end with the bound values and PostgreSQL's with the key's
    (re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background|$))", re.S), "[parameters withheld]"),
    (re.compile(r"DETAIL:[^\n]*"), "DETAIL: (withheld)"),
    (re.compile(r"(https?://[^\s?#\"'<>]*)[?#][^\s\"'<>]*"), r"\1?(query withheld)"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"fbk_[\w-]+"), "[token]"),
    # receipt codes (4x4), recovery codes (5-5), join codes (8 from the code alphabet)
    (re.compile(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}\b"), "[code]"),
    (re.compile(r"\b[a-z0-9]{5}-[a-z0-9]{5}\b"), "[code]"),
    (re.compile(r"\b[ACDEFGHJKMNPQRTUVWXY34679]{8}\b"), "[code]"),
    # phone numbers (and any other long number): seven digits or more, spaced or not
    (re.compile(r"(?<![\w.])\+?\d(?:[\s()-]{0,2}\d){6,}(?![\w.])"), "[number]"),
)
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}")
# Record ids (a response's is a UUID) stay: they say which row, not who or what was answered.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _mask_token(found: re.Match[str]) -> str:
    """Link tokens, session ids, sealed blobs: long runs mixing digits and letters, or long
    mixed-case runs. Identifiers and words rarely are."""
    run = found.group()
    if _UUID.fullmatch(run):
        return run
    digits, letters = any(c.isdigit() for c in run), any(c.isalpha() for c in run)
    mixed_case = any(c.isupper() for c in run) and any(c.islower() for c in run)
    return "[token]" if (digits and letters) or (len(run) >= 32 and mixed_case) else run


# Texts already found to need no mask (route templates, methods, our own messages): most
# of what is logged, each line, so the ten masks run once per distinct text, not per line.
_KNOWN_CLEAN: set[str] = set()
_KNOWN_CLEAN_MAX = 4096


def mask(text: str) -> str:
    """`text` with parameters, tokens, codes, numbers, addresses and URL queries masked."""
    if text in _KNOWN_CLEAN:
        return text
    masked = text
    for pattern, replacement in _MASKS:
        masked = pattern.sub(replacement, masked)
    masked = _TOKEN_LIKE.sub(_mask_token, masked)
    if masked == text and len(text) <= 200:
        if len(_KNOWN_CLEAN) >= _KNOWN_CLEAN_MAX:
            _KNOWN_CLEAN.clear()
        _KNOWN_CLEAN.add(text)
    return masked


def _outline(error: BaseException) -> tuple[str, list[str]]:
    """An exception as the log may hold it: its types (chained ones too) and code locations,
    never its message."""
    kinds: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kinds.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    frames = traceback.extract_tb(error.__traceback__)[-8:]
    return " <- ".join(kinds), [f"{f.filename}:{f.lineno} {f.name}" for f in frames]


def _safe(value: Any) -> Any:
    if type(value) is str:
        return mask(value)
    if isinstance(value, BaseException):
        return type(value).__name__
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _safe(item) for key, item in value.items()}
    return mask(str(value))


class PrivacyFilter(logging.Filter):
    """Rewrites every record before any formatter sees it, whoever wrote it (SQLAlchemy,
    asyncpg, arq, redis, uvicorn, httpx or us): exceptions become their type and code
    locations, SQLAlchemy's parameter lines are dropped, and what text remains is masked.
    On the handler, not a logger, because records from child loggers skip logger filters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask(self._message(record)), None
        if record.exc_info and record.exc_info[1] is not None:
            error, frames = _outline(record.exc_info[1])
            record.__dict__.setdefault("error", error)
            record.__dict__.setdefault("frames", frames)
            record.exc_text = "\n".join([f"{error}, raised at:", *frames])
        record.exc_info = None
        fields = record.__dict__
        for key in fields.keys() - _STANDARD_ATTRIBUTES:
            fields[key] = _safe(fields[key])
        return True

    @staticmethod
    def _message(record: logging.LogRecord) -> str:
        if isinstance(record.msg, BaseException):
            return type(record.msg).__name__
        if record.name.startswith("sqlalchemy.engine") and record.args:
            return "[statement parameters withheld]"  # SQLAlchemy logs them as "[%s] %r"
        if isinstance(record.args, dict):
            record.args = {key: _safe_argument(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_safe_argument(value) for value in record.args)
        try:
            return record.getMessage()
        except (TypeError, ValueError):
            return str(record.msg)


def _safe_argument(value: object) -> object:
    return type(value).__name__ if isinstance(value, BaseException) else value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRIBUTES})
        return msgspec.json.encode(entry).decode()


def configure_logging(settings: Settings) -> None:
    """JSON lines on stderr; uvicorn's access log stays off (it would log client addresses)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for noisy in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(noisy).handlers[:] = []
        logging.getLogger(noisy).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # Libraries log SQL parameters, URLs and the like at DEBUG (and httpx URLs at INFO):
    # never let a chosen log level open that tap.
    for library in QUIET_LIBRARIES:
        logging.getLogger(library).setLevel(logging.WARNING)
