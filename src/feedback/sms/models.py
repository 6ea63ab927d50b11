"""SMS tables. None holds a phone number: numbers appear only as keyed hashes, conversation
state is sealed under a key derived from the number itself, and batches keep counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime


class SmsConversation(Base):
    """A survey in progress by text. `sealed` can only be opened by someone who holds both
    the master key and the phone number, and the row is deleted at the end or on expiry."""

    __tablename__ = "sms_conversations"

    number_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SmsOptOut(Base):
    """A number that replied STOP, kept only as a keyed hash, so it is never texted again."""

    __tablename__ = "sms_opt_outs"

    number_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    opted_out_on: Mapped[date] = mapped_column(Date)


class SmsInboundSeen(Base):
    """Provider message ids already handled (hashed): a redelivered webhook is processed once."""

    __tablename__ = "sms_inbound_seen"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_on: Mapped[date] = mapped_column(Date, index=True)


class SmsInvitationBatch(Base):
    """One send of invitations: counts only, never the numbers. Delivery statuses live on
    its messages, one row each, so concurrent jobs and callbacks never race on a counter."""

    __tablename__ = "sms_invitation_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_batches.id", ondelete="SET NULL"), default=None
    )
    requested: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    opted_out: Mapped[int] = mapped_column(Integer, default=0)
    # Exit-survey invitations sent after staff confirmed safe contact for each person:
    # the count is all that is kept (who it was is never stored anywhere).
    safe_contact_confirmed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_on: Mapped[date] = mapped_column(Date)


class SmsInvitationMessage(Base):
    """One invitation to send: its idempotency key and delivery status, never its number
    (that travels to the worker sealed inside the job and is forgotten once sent).
    `provider_digest` is a hash of the provider's message id, to match status callbacks."""

    __tablename__ = "sms_invitation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("sms_invitation_batches.id", ondelete="CASCADE"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(32), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    send_after: Mapped[float | None] = mapped_column(Float, default=None)
    provider_digest: Mapped[str | None] = mapped_column(String(64), default=None, index=True)


class SmsSendPace(Base):
    """Per provider, the earliest time (epoch seconds) the next message may go: every
    process reserves its slot here, so the provider's rate limit holds across workers."""

    __tablename__ = "sms_send_pace"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)
