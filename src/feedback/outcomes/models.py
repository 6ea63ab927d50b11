"""What pairing stores: links found only by a keyed digest of a code, and pair counters.

A pairing row holds no response id, survey version or service, and no time once paired
(a waiting row keeps only its month, for expiry): its columns are keyed digests and
ciphertext under keys derived from the codes, so without a code it cannot be
tied to the intake or the exit response it joins (tests/outcomes/test_raw_storage.py).
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base


class OutcomePairing(Base):
    """Waiting: the intake's closed answers to the paired items, sealed under a key derived
    from the intake's code. Paired: what was counted (so either side's withdrawal can take
    it back), sealed once under each side's code; the intake answers alone are gone."""

    __tablename__ = "outcome_pairings"

    intake_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    exit_digest: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    paired: Mapped[bool] = mapped_column(Boolean, default=False)
    sealed_for_intake: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_for_exit: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # Waiting rows only: the month the intake was kept ("YYYY-MM", as coarse as the
    # counters), so a code never used expires (outcomes/expiry.py); cleared when paired.
    kept_month: Mapped[str | None] = mapped_column(String(7), default=None)


class OutcomePairCount(Base):
    """How many matched pairs gave `intake_answer` at intake and `exit_answer` at exit to one
    paired item, by the exit's survey version, service, borough and month. Item `_pairs`
    counts the pairs themselves (the matched n of the whole survey)."""

    __tablename__ = "outcome_pair_counts"

    survey_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="RESTRICT"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="RESTRICT"), primary_key=True
    )
    borough: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    item: Mapped[str] = mapped_column(String(60), primary_key=True)
    intake_answer: Mapped[str] = mapped_column(String(60), primary_key=True)
    exit_answer: Mapped[str] = mapped_column(String(60), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
