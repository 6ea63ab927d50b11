"""Surveys and their immutable numbered versions; each version records its consent notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime, utc_now
from feedback.errors import Conflict


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class SurveyVersion(Base):
    """One published survey. `definition` is the canonical JSON of the resolved survey and
    `content_hash` its SHA-256; responses point at this row, so it never changes."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text)
    consent_version_id: Mapped[int] = mapped_column(
        ForeignKey("consent_notice_versions.id", ondelete="RESTRICT")
    )
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )


@event.listens_for(SurveyVersion, "before_update")
def _versions_are_immutable(_mapper: Any, _connection: Any, target: SurveyVersion) -> None:
    raise Conflict(f"survey version {target.number} is published and cannot change")


class SurveyDraft(Base):
    """A survey being authored in the console: the same YAML definition a file holds, kept
    until it is published (then it is deleted) or discarded. It may break the survey rules
    (that is what drafting is for), but it always decodes as a definition."""

    __tablename__ = "survey_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    definition: Mapped[str] = mapped_column(Text)
    started_from: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
