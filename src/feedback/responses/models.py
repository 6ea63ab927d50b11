"""Sealed responses and the aggregate counters fed in the same transaction.

A response row holds only what reports and retention need, never who answered: no IP,
user agent, token or time of day. Answers exist only inside `sealed`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base


class Response(Base):
    __tablename__ = "responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="RESTRICT"), index=True
    )
    consent_notice_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_notice_versions.id", ondelete="RESTRICT")
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    borough: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(12))
    submitted_on: Mapped[date] = mapped_column(Date)
    key_period_id: Mapped[int] = mapped_column(ForeignKey("key_periods.id", ondelete="RESTRICT"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    receipt_digest: Mapped[str] = mapped_column(String(64), unique=True)


class AnswerCount(Base):
    """How many responses gave `option` to `question_id`, per survey version, service,
    borough, month and channel. Reports read these and never open a response."""

    __tablename__ = "answer_counts"

    survey_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="RESTRICT"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    option: Mapped[str] = mapped_column(String(60), primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="RESTRICT"), primary_key=True
    )
    borough: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class WithdrawalRequest(Base):
    """A respondent asked, with their receipt code, for this response to be removed; the
    worker removes it and corrects the counters. Only the response id is kept: no time, so
    the request cannot be lined up with anything the respondent did."""

    __tablename__ = "withdrawal_requests"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
