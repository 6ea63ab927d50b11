"""What tagging keeps: theme tags and sentiment per response, emerging-phrase and danger counts.

No free text is stored here, redacted or not: a tag row names a theme, never words. An
emerging phrase is stored as a keyed hash (HMAC with a key derived from the master key)
until enough different responses used it to pass the suppression threshold; only then is
the (already redacted) phrase written beside its count. A phrase one person wrote, such as
a street or a name the redactor missed, stays an unreadable hash. Immediate-danger flags
are a count per survey version and month and never point at a response.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base

__all__ = [
    "DECISIONS",
    "DangerFlagCount",
    "EmergingPhraseCount",
    "ResponseTagging",
    "ThemeTag",
]

# "pending": a machine tag nobody has looked at; the others are human decisions, which
# re-tagging never overwrites. A removed tag is kept (and hidden from reports) so re-tagging
# cannot bring it back.
DECISIONS = ("pending", "confirmed", "removed", "added")


class ThemeTag(Base):
    """One theme on one free-text answer, with the sentiment of the clauses that mention it."""

    __tablename__ = "theme_tags"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    theme_id: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)
    source: Mapped[str] = mapped_column(String(10))  # machine | human
    sentiment: Mapped[str] = mapped_column(String(10))
    polarity: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(10), default="pending")


class ResponseTagging(Base):
    """A response has been through the tagger: which version, on which day, and whether a
    person should look at it (non-English text, or a period whose key was destroyed)."""

    __tablename__ = "response_tagging"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    tagger_version: Mapped[str] = mapped_column(String(60))
    tagged_on: Mapped[date] = mapped_column(Date)
    sentiment: Mapped[str] = mapped_column(String(10))
    polarity: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    review_reason: Mapped[str | None] = mapped_column(String(40), default=None)


class EmergingPhraseCount(Base):
    """How many responses to a survey in a month used a noun phrase the taxonomy misses.
    `phrase` stays NULL until `responses` reaches the suppression threshold."""

    __tablename__ = "emerging_phrase_counts"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    phrase_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    phrase: Mapped[str | None] = mapped_column(String(200), default=None)


class DangerFlagCount(Base):
    """How many tagged responses signalled immediate danger, per survey version and month."""

    __tablename__ = "danger_flag_counts"

    survey_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
