"""Neutral invitations by text: a batch of numbers in, one single-use link each, out.

Numbers live only in memory for the length of the call: the batch row keeps counts and
the provider's statuses, the opt-out check uses keyed hashes, and a problem is reported by
row number, never by number. Sending happens here, synchronously (there is no job queue
to hand it to yet).
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from datetime import date, datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput, NotFound
from feedback.links.service import LONDON, create_links
from feedback.organisations.models import Service
from feedback.settings import Settings
from feedback.sms import state as store
from feedback.sms.errors import NumberInvalid, ProviderFailed
from feedback.sms.models import SmsInvitationBatch
from feedback.sms.numbers import number_key, parse_uk_mobile
from feedback.sms.provider import SmsProvider

log = logging.getLogger(__name__)
MAX_NUMBERS = 5_000


class RowProblem(msgspec.Struct, frozen=True):
    row: int
    problem: str


class InvitationsSent(msgspec.Struct, frozen=True):
    """What happened to a batch; `mode` says the sending was done before this answer."""

    batch_id: int
    requested: int
    invalid: list[RowProblem]
    opted_out: int
    sent: int
    failed: int
    statuses: dict[str, int]
    mode: str = "synchronous"


def numbers_from_csv(text: str) -> list[tuple[int, str]]:
    """(row, number) from the first column; a first row with no digits is a header."""
    rows = list(csv.reader(io.StringIO(text)))
    found: list[tuple[int, str]] = []
    for index, row in enumerate(rows, start=1):
        cell = row[0].strip() if row else ""
        if index == 1 and not any(ch.isdigit() for ch in cell):
            continue
        if cell:
            found.append((index, cell))
    return found


def _parse_rows(rows: list[tuple[int, str]]) -> tuple[list[str], list[RowProblem]]:
    valid: list[str] = []
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for row, raw in rows:
        try:
            number = parse_uk_mobile(raw)
        except NumberInvalid as error:
            problems.append(RowProblem(row=row, problem=error.message))
            continue
        if number in seen:
            problems.append(RowProblem(row=row, problem="repeats an earlier row"))
            continue
        seen.add(number)
        valid.append(number)
    return valid, problems


async def _check_scope(session: AsyncSession, service_name: str, actor: Staff | None) -> None:
    service_id = await session.scalar(select(Service.id).where(Service.name == service_name))
    scope = actor.service_scope() if actor else None
    if service_id is None or (scope is not None and service_id not in scope):
        raise NotFound(f"service: no service named {service_name!r}")


async def send_invitations(
    session: AsyncSession,
    settings: Settings,
    *,
    provider: SmsProvider,
    master_key: bytes,
    survey_slug: str,
    service_name: str,
    rows: list[tuple[int, str]],
    actor: Staff | None,
    expires_on: date | None = None,
) -> InvitationsSent:
    """Send each valid, not opted-out UK mobile its own single-use link (channel sms)."""
    if not 1 <= len(rows) <= MAX_NUMBERS:
        raise InvalidInput(f"numbers: give between 1 and {MAX_NUMBERS}")
    await _check_scope(session, service_name, actor)
    valid, problems = _parse_rows(rows)
    keys = [number_key(master_key, number) for number in valid]
    stopped = await store.opted_out_among(session, keys)
    recipients = [n for n, k in zip(valid, keys, strict=True) if k not in stopped]
    batch = SmsInvitationBatch(
        requested=len(rows),
        invalid=len(problems),
        opted_out=len(valid) - len(recipients),
        created_on=datetime.now(LONDON).date(),
    )
    statuses: Counter[str] = Counter()
    if recipients:
        links = await create_links(
            session,
            survey_slug=survey_slug,
            service_name=service_name,
            count=len(recipients),
            channel="sms",
            expires_on=expires_on,
            actor=actor,
            base_url=settings.public_base_url,
        )
        batch.link_batch_id = links.batch_id
        for number, link in zip(recipients, links.links, strict=True):
            statuses[
                await _send_one(provider, number, settings.sms_invitation_template, link.url)
            ] += 1
    batch.failed = statuses.pop("failed", 0)
    batch.sent = sum(statuses.values())
    batch.statuses = msgspec.json.encode(dict(sorted(statuses.items()))).decode()
    session.add(batch)
    await session.flush()
    record_audit(
        session,
        "sms.invitations",
        actor_id=actor.id if actor else None,
        target_type="sms_invitation_batch",
        target_id=batch.id,
    )
    await session.commit()
    log.info("sms invitations sent", extra={"sent": batch.sent, "failed": batch.failed})
    return InvitationsSent(
        batch_id=batch.id,
        requested=batch.requested,
        invalid=problems,
        opted_out=batch.opted_out,
        sent=batch.sent,
        failed=batch.failed,
        statuses=dict(statuses),
    )


async def _send_one(provider: SmsProvider, number: str, template: str, url: str) -> str:
    """The provider's status for one invitation, or "failed"; a failure is not retried
    here, so a number is never texted twice by one batch."""
    try:
        return (await provider.send(number, template.replace("URL", url))).status
    except ProviderFailed:
        return "failed"
