"""Link batches, their single-use links and shared join codes. Only digests are looked up;
a join code is also kept sealed so its coordinator can be shown it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime, utc_now

CHANNELS = ("web", "sms", "class", "poster")
KINDS = ("link", "code")


class LinkBatch(Base):
    __tablename__ = "link_batches"
    __table_args__ = (
        CheckConstraint("channel IN " + repr(CHANNELS), name="channel_known"),
        CheckConstraint("kind IN " + repr(KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="RESTRICT"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )
    # Set when the batch belongs to a consultation round: its survey version is pinned.
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_rounds.id", ondelete="SET NULL"), default=None
    )
    survey_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="RESTRICT"), default=None
    )


class Link(Base):
    """One single-use link; `used` flips once, in the transaction that stores the response."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("link_batches.id", ondelete="CASCADE"))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the link was printed on a card: the keyed digest of the card's typable code.
    card_digest: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)


class JoinCode(Base):
    """A short shared code with a response cap; `uses` counts completed responses."""

    __tablename__ = "join_codes"
    __table_args__ = (CheckConstraint("uses <= cap", name="within_cap"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("link_batches.id", ondelete="CASCADE"))
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    code_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    cap: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class JoinFailure(Base):
    """A wrong code from one client, kept an hour to slow guessing. The client key is a keyed
    hash that changes every day, so it cannot be matched to an address later."""

    __tablename__ = "join_failures"
    __table_args__ = (Index("ix_join_failures_client_at", "client_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
