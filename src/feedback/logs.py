"""Structured (JSON lines) logging that never carries respondent or secret data.

What may be logged is decided where a line is written: route templates, never raw paths
(a path can hold a link token); status and duration; exception types and code locations,
never exception messages (a database error's message can quote the row it failed on).
"""

from __future__ import annotations

import logging
import sys
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
