"""One X25519 key pair per key period; the private half is only ever stored wrapped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime, utc_now

__all__ = ["KeyPeriod"]

_LIVE = text("destroyed_at IS NULL")


class KeyPeriod(Base):
    """A period's sealing (public) key and its opening (private) key, wrapped by a master key.

    Destroying a period clears the wrapped private key but keeps the row, so responses still
    name their period and `feedback keys list` still shows when it was destroyed. A label has
    at most one live key pair; a destroyed current period can get a fresh one.
    """

    __tablename__ = "key_periods"
    __table_args__ = (
        Index(
            "uq_key_periods_live_label",
            "label",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        CheckConstraint(
            "(private_key_wrapped IS NULL) = (destroyed_at IS NOT NULL) "
            "AND (master_key_id IS NULL) = (private_key_wrapped IS NULL)",
            name="destroyed_has_no_private_key",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    master_key_id: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
