"""Audit records: who did what to which record, and when; never content."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent, StaffUser


def record_audit(
    session: AsyncSession,
    action: str,
    *,
    actor_id: int | None,
    target_type: str | None = None,
    target_id: str | int | None = None,
) -> None:
    """Add an audit row to the caller's transaction, so it commits with the action itself."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
        )
    )


async def record_audit_export(session: AsyncSession, *, actor_id: int) -> None:
    """A download of the audit log is itself audited, and kept even if nothing else commits."""
    record_audit(session, "audit.export", actor_id=actor_id)
    await session.commit()


class AuditEventOut(msgspec.Struct, frozen=True):
    at: datetime
    actor: str | None
    action: str
    target_type: str | None
    target_id: str | None


async def list_audit_events(
    session: AsyncSession,
    *,
    actor_email: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> list[AuditEventOut]:
    """Newest first; `action` matches a prefix, so "sign_in" finds every sign-in step."""
    query = (
        select(AuditEvent, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if actor_email:
        query = query.where(StaffUser.email == actor_email.strip().lower())
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip()))
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time(0), tzinfo=UTC))
    if until:
        query = query.where(
            AuditEvent.at < datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC)
        )
    return [
        AuditEventOut(
            at=event.at,
            actor=email,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
        )
        for event, email in await session.execute(query)
    ]
