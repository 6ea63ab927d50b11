"""Consent notices and their immutable numbered versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime, utc_now
from feedback.errors import Conflict


class ConsentNotice(Base):
    __tablename__ = "consent_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    audience: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ConsentNoticeVersion(Base):
    """One published notice, every language together; `content` is the canonical JSON whose
    SHA-256 is `content_hash`, so the record can be checked against its hash forever."""

    __tablename__ = "consent_notice_versions"
    __table_args__ = (UniqueConstraint("notice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("consent_notices.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )


@event.listens_for(ConsentNoticeVersion, "before_update")
def _versions_are_immutable(_mapper: Any, _connection: Any, target: ConsentNoticeVersion) -> None:
    raise Conflict(f"consent notice version {target.number} is published and cannot change")
