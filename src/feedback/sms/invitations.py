"""Neutral invitations by text: a batch of numbers in, one single-use link each, out.

Numbers live only in memory for the length of the call: the batch row keeps counts, each
message row an idempotency key and a status, the opt-out check uses keyed hashes, and a
problem is reported by row number, never by number. Sending is left to background jobs
(`feedback.sms.sending`): each carries its number and link sealed for the worker.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
from collections.abc import Sequence
from datetime import date

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput, NotFound
from feedback.links.service import create_links
from feedback.organisations.models import Service
from feedback.settings import Settings
from feedback.sms import state as store
from feedback.sms.delivery import PEOPLE_COUNTS, protect_people_counts
from feedback.sms.errors import NumberInvalid
from feedback.sms.models import SmsInvitationBatch, SmsInvitationMessage
from feedback.sms.numbers import number_key, parse_uk_mobile
from feedback.sms.sending import Recipient, seal_recipient
from feedback.surveys.models import Survey
from feedback.surveys.outcome_rules import EXIT

log = logging.getLogger(__name__)
MAX_NUMBERS = 5_000
SAFE_CONTACT_REFUSED = (
    "tick this to send an end-of-support survey; it goes only to "
    "people who said a text is a safe way to reach them, checked with them again"
)


class RowProblem(msgspec.Struct, frozen=True):
    row: int
    problem: str


class InvitationsQueued(msgspec.Struct, frozen=True):
    """A batch accepted for sending; `mode` says the messages go out in the background
    (follow them at GET /api/v1/sms/invitations/{batch_id}). `opted_out` and `queued` are
    counts about people, null when withheld (`delivery.protect_people_counts`)."""

    batch_id: int
    requested: int
    invalid: list[RowProblem]
    threshold: int
    opted_out: int | None
    queued: int | None
    mode: str = "background"


class SendJob(msgspec.Struct, frozen=True):
    """One `send_invitation` job to enqueue once the batch is committed."""

    message_id: int
    job_id: str
    sealed: str


class QueuedBatch(msgspec.Struct, frozen=True):
    outcome: InvitationsQueued
    jobs: list[SendJob]


class CheckedNumbers(msgspec.Struct, frozen=True):
    """Rows checked before sending: the valid numbers (E.164) and problems by row."""

    valid: list[str]
    invalid: list[RowProblem]


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
        raise NotFound(f"no service named {service_name!r}", field="service")


async def needs_safe_contact(session: AsyncSession, survey_slug: str) -> bool:
    """An exit survey's invitation goes to someone whose safety may have changed since
    intake (OUTCOMES.md rule R1): staff confirm contact is safe before it is sent."""
    kind = await session.scalar(select(Survey.kind).where(Survey.slug == survey_slug))
    return kind == EXIT


def check_numbers(rows: list[tuple[int, str]]) -> CheckedNumbers:
    """Validate rows without sending or storing anything (the console's preview step)."""
    if not 1 <= len(rows) <= MAX_NUMBERS:
        raise InvalidInput(f"give between 1 and {MAX_NUMBERS}", field="numbers")
    valid, problems = _parse_rows(rows)
    return CheckedNumbers(valid=valid, invalid=problems)


async def queue_invitations(
    session: AsyncSession,
    settings: Settings,
    *,
    master_keys: Sequence[bytes],
    survey_slug: str,
    service_name: str,
    rows: list[tuple[int, str]],
    actor: Staff | None,
    expires_on: date | None = None,
    dropped_invalid: int = 0,
    safe_contact_confirmed: bool = False,
) -> QueuedBatch:
    """Create the batch, one single-use link (channel sms) and one message row per valid,
    not opted-out UK mobile, in one commit; returns the sealed jobs to enqueue after it.
    `dropped_invalid` counts invalid rows a console check already took out. An exit
    survey is sent only when staff confirm it is safe to text each person now."""
    checked = check_numbers(rows)
    await _check_scope(session, service_name, actor)
    exit_survey = await needs_safe_contact(session, survey_slug)
    if exit_survey and not safe_contact_confirmed:
        raise InvalidInput(SAFE_CONTACT_REFUSED, field="safe_contact_confirmed")
    master_key = master_keys[0]
    stopped = await store.opted_out_among(
        session, [number_key(key, n) for n in checked.valid for key in master_keys]
    )
    recipients = [
        n for n in checked.valid if not any(number_key(key, n) in stopped for key in master_keys)
    ]
    batch = SmsInvitationBatch(
        requested=len(rows) + dropped_invalid,
        invalid=len(checked.invalid) + dropped_invalid,
        opted_out=len(checked.valid) - len(recipients),
        safe_contact_confirmed=len(recipients) if exit_survey else 0,
        created_on=clock.today_london(),
    )
    sealed: list[tuple[str, str]] = []  # (idempotency key, sealed recipient)
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
            key = secrets.token_hex(16)
            recipient = Recipient(number=number, url=link.url)
            sealed.append((key, seal_recipient(master_key, key, recipient)))
    session.add(batch)
    await session.flush()
    messages = [
        SmsInvitationMessage(
            batch_id=batch.id, idempotency_key=key, provider=settings.sms_provider, status="queued"
        )
        for key, _ in sealed
    ]
    session.add_all(messages)
    await session.flush()
    record_audit(
        session,
        "sms.invitations",
        actor_id=actor.id if actor else None,
        target_type="sms_invitation_batch",
        target_id=batch.id,
    )
    await session.commit()
    log.info("sms invitations queued", extra={"queued": len(sealed)})
    shown = protect_people_counts(
        {
            **dict.fromkeys(PEOPLE_COUNTS, 0),
            "opted_out": batch.opted_out,
            "messages": len(sealed),
            "pending": len(sealed),
        },
        listed=batch.requested - batch.invalid,
        threshold=settings.suppression_threshold,
    )
    return QueuedBatch(
        outcome=InvitationsQueued(
            batch_id=batch.id,
            requested=batch.requested,
            invalid=checked.invalid,
            threshold=settings.suppression_threshold,
            opted_out=shown["opted_out"],
            queued=shown["messages"],
        ),
        jobs=[
            SendJob(message_id=m.id, job_id=f"sms-invite:{m.idempotency_key}", sealed=box)
            for m, (_key, box) in zip(messages, sealed, strict=True)
        ],
    )
