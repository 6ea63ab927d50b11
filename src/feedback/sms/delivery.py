"""Delivery statuses: the providers' words mapped onto ours, callbacks applied to the
message they name, and a batch's counts.

Our statuses: `queued` (waiting for its job), `sending` (claimed by a run), `sent`
(accepted by the provider), `delivered`, `failed`, `skipped` (the number replied STOP
before its turn). A status never moves backwards: callbacks can arrive out of order.
"""

from __future__ import annotations

import hashlib

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.errors import NotFound
from feedback.links.models import LinkBatch
from feedback.sms.models import SmsInvitationBatch, SmsInvitationMessage
from feedback.sms.provider import StatusUpdate

FAILED = frozenset(
    {
        "permanent-failure",  # Notify
        "temporary-failure",
        "technical-failure",
        "failed",  # Twilio
        "undelivered",
        "canceled",
    }
)
RANK = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "failed": 3, "skipped": 3}
PENDING = ("queued", "sending", "sent")


def normalise_status(raw: str) -> str:
    """`delivered`, `failed`, or `sent` for anything the provider is still working on."""
    word = raw.strip().lower()
    if word == "delivered":
        return "delivered"
    return "failed" if word in FAILED else "sent"


async def record_status(session: AsyncSession, provider: str, update: StatusUpdate) -> bool:
    """Apply a report to the message it names; False when no message of ours matches."""
    digest = hashlib.sha256(update.message_id.encode()).hexdigest()
    message = await session.scalar(
        select(SmsInvitationMessage).where(
            SmsInvitationMessage.provider == provider,
            SmsInvitationMessage.provider_digest == digest,
        )
    )
    if message is None:
        return False
    status = normalise_status(update.status)
    if RANK[status] > RANK.get(message.status, 0):
        message.status = status
        await session.commit()
    return True


class BatchSummary(msgspec.Struct, frozen=True):
    """A batch as staff see it: counts only. `pending` is queued, sending or sent."""

    batch_id: int
    created_on: str
    requested: int
    invalid: int
    opted_out: int
    messages: int
    pending: int
    delivered: int
    failed: int
    skipped: int
    statuses: dict[str, int]


async def batch_summary(session: AsyncSession, batch_id: int, *, actor: Staff) -> BatchSummary:
    """The counts of one batch; NotFound unless the actor may see the batch's service."""
    batch = await session.get(SmsInvitationBatch, batch_id)
    service_id = None
    if batch is not None and batch.link_batch_id is not None:
        service_id = await session.scalar(
            select(LinkBatch.service_id).where(LinkBatch.id == batch.link_batch_id)
        )
    scope = actor.service_scope()
    if batch is None or (scope is not None and service_id not in scope):
        raise NotFound(f"invitation batch: no batch {batch_id}")
    rows = await session.execute(
        select(SmsInvitationMessage.status, func.count())
        .where(SmsInvitationMessage.batch_id == batch_id)
        .group_by(SmsInvitationMessage.status)
    )
    statuses = {str(status): int(count) for status, count in rows.all()}
    return BatchSummary(
        batch_id=batch.id,
        created_on=batch.created_on.isoformat(),
        requested=batch.requested,
        invalid=batch.invalid,
        opted_out=batch.opted_out,
        messages=sum(statuses.values()),
        pending=sum(statuses.get(s, 0) for s in PENDING),
        delivered=statuses.get("delivered", 0),
        failed=statuses.get("failed", 0),
        skipped=statuses.get("skipped", 0),
        statuses=dict(sorted(statuses.items())),
    )
