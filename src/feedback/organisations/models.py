"""Boroughs (seeded by a migration) and services, each in one or more boroughs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.db.base import Base, UTCDateTime, utc_now

service_boroughs = Table(
    "service_boroughs",
    Base.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("borough_id", ForeignKey("boroughs.id", ondelete="RESTRICT"), primary_key=True),
)


class Borough(Base):
    __tablename__ = "boroughs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    # When the lead retired it (null: in use). A retired service keeps its history and
    # reports but issues no new links, codes or invitations (`links.service`).
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    boroughs: Mapped[list[Borough]] = relationship(
        secondary=service_boroughs, lazy="selectin", order_by=Borough.slug
    )
