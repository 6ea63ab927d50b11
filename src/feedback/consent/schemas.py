"""What the outside sees of consent notices."""

from __future__ import annotations

from datetime import datetime

import msgspec


class NoticeOutcome(msgspec.Struct, frozen=True):
    slug: str
    version: int
    content_hash: str
    status: str  # "published" or "unchanged"


class NoticeSummary(msgspec.Struct, frozen=True):
    slug: str
    audience: str
    latest_version: int
    languages: list[str]
    published_at: datetime
