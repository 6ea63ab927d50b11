"""Delivery statuses: the providers' words mapped onto ours, callbacks applied to the
message they name, and a batch's counts.

Our statuses: `queued` (waiting for its job), `sending` (claimed by a run), `sent`
(accepted by the provider), `delivered`, `failed`, `skipped` (the number replied STOP
before its turn). A status never moves backwards: callbacks can arrive out of order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.errors import NotFound
from feedback.links.models import LinkBatch
from feedback.reports.disclosure import LinearView, is_pinned
from feedback.sms.interface import StatusUpdate
from feedback.sms.models import SmsInvitationBatch, SmsInvitationMessage

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


# Counts about the people texted. "Rows in the upload" and "not valid" are the uploader's
# own file and are shown as they are; rows less invalid is then a known total of people
# (opted out before + invitations), and invitations split by status.
PEOPLE_COUNTS = ("opted_out", "messages", "pending", "delivered", "failed", "skipped")
# The reader's unknowns: 0 opted out before, 1-4 the invitations by status.
_MEMBERS = {
    "opted_out": (0,),
    "messages": (1, 2, 3, 4),
    "pending": (1,),
    "delivered": (2,),
    "failed": (3,),
    "skipped": (4,),
}


class ShownBatch(msgspec.Struct, frozen=True):
    """A batch as staff and API tokens see it. A count about people is null when withheld:
    fewer than `threshold` (0 included: a small batch is often handed to people known by
    name), or held back so that such a count cannot be worked out from the others."""

    batch_id: int
    created_on: str
    requested: int
    invalid: int
    threshold: int
    opted_out: int | None
    messages: int | None
    pending: int | None
    delivered: int | None
    failed: int | None
    skipped: int | None


def protect_people_counts(
    counts: Mapping[str, int], *, listed: int, threshold: int
) -> dict[str, int | None]:
    """`counts` (every name of PEOPLE_COUNTS) with the withheld ones as None.

    Every count under the threshold is withheld; then, while the reader's linear program
    (listed = opted out + invitations, invitations = the statuses, shown counts exact,
    nothing negative) narrows a withheld count of 1 to threshold-1 to an interval narrower
    than the threshold, the smallest shown count is withheld too. A list under the
    threshold shows nothing about its people (the uploader knows the list's size)."""
    hidden = {name for name in PEOPLE_COUNTS if counts[name] < threshold or listed < threshold}
    while _exposed(counts, hidden, listed=listed, threshold=threshold):
        shown = [name for name in PEOPLE_COUNTS if name not in hidden]
        hidden.add(min(shown, key=lambda name: (counts[name], name)))
    return {name: None if name in hidden else counts[name] for name in PEOPLE_COUNTS}


def _exposed(counts: Mapping[str, int], hidden: set[str], *, listed: int, threshold: int) -> bool:
    if len(hidden) == len(PEOPLE_COUNTS):
        return False  # only the list's size is known: every count spans 0..listed
    view = LinearView(5)
    view.add_sum(range(5), listed, listed)
    for name in PEOPLE_COUNTS:
        if name not in hidden:
            view.add_sum(_MEMBERS[name], counts[name], counts[name])
    return any(
        is_pinned(view.interval(_MEMBERS[name]), threshold)
        for name in sorted(hidden)
        if 0 < counts[name] < threshold
    )


def shown_batch(summary: BatchSummary, threshold: int) -> ShownBatch:
    counts = {name: getattr(summary, name) for name in PEOPLE_COUNTS}
    shown = protect_people_counts(
        counts, listed=summary.requested - summary.invalid, threshold=threshold
    )
    return ShownBatch(
        batch_id=summary.batch_id,
        created_on=summary.created_on,
        requested=summary.requested,
        invalid=summary.invalid,
        threshold=threshold,
        **shown,
    )
