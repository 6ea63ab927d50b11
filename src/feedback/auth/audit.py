"""Audit records: who did what to which record, and when; never content."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent


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
