"""To-dos for the console home page. Each is a plain sentence with a link; counts about
respondents obey the suppression threshold like every report."""

from __future__ import annotations

from datetime import date, timedelta

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.service import count_awaiting_approval
from feedback.auth.schemas import Staff
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import next_period_label
from feedback.db.base import utc_now
from feedback.links.models import Link, LinkBatch
from feedback.links.service import LONDON
from feedback.organisations.models import Service
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.surveys.models import Survey

EXPIRY_WARNING = timedelta(days=7)


class ToDo(msgspec.Struct, frozen=True):
    text: str
    link: str


class HomeFigures(msgspec.Struct, frozen=True):
    to_dos: list[ToDo]
    responses_this_month: str  # a count, or "fewer than N" below the threshold


async def home_for(session: AsyncSession, staff: Staff, settings: Settings) -> HomeFigures:
    to_dos = await _expiring_links(session, staff)
    if staff.role == "lead":
        to_dos = await _setup_gaps(session, settings) + to_dos
        to_dos = await _awaiting_approval(session) + to_dos
    return HomeFigures(
        to_dos=to_dos,
        responses_this_month=await _responses_this_month(session, staff, settings),
    )


async def _expiring_links(session: AsyncSession, staff: Staff) -> list[ToDo]:
    now = utc_now()
    query = (
        select(LinkBatch.id, func.count(Link.id))
        .join(Link, Link.batch_id == LinkBatch.id)
        .where(
            LinkBatch.revoked_at.is_(None),
            LinkBatch.expires_at > now,
            LinkBatch.expires_at < now + EXPIRY_WARNING,
            Link.used.is_(False),
        )
        .group_by(LinkBatch.id)
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(LinkBatch.service_id.in_(scope))
    rows = (await session.execute(query)).all()
    if not rows:
        return []
    unused = sum(count for _batch, count in rows)
    batches = "1 batch" if len(rows) == 1 else f"{len(rows)} batches"
    return [ToDo(f"{unused} unused links in {batches} expire within 7 days.", "/staff/links")]


async def _awaiting_approval(session: AsyncSession) -> list[ToDo]:
    """The lead's "you said, we did" records awaiting approval (nothing is public before)."""
    waiting = await count_awaiting_approval(session)
    if not waiting:
        return []
    records = "1 record" if waiting == 1 else f"{waiting} records"
    return [ToDo(f"{records} awaiting your approval (you said, we did).", "/staff/you-said-we-did")]


async def _setup_gaps(session: AsyncSession, settings: Settings) -> list[ToDo]:
    gaps: list[ToDo] = []
    if await session.scalar(select(func.count()).select_from(Service)) == 0:
        gaps.append(ToDo("Add the partnership's services.", "/staff/admin/services"))
    if await session.scalar(select(func.count()).select_from(Survey)) == 0:
        gaps.append(ToDo("Publish a survey to start collecting feedback.", "/staff/surveys"))
    upcoming = next_period_label(utc_now(), settings.key_period)
    live = await session.scalar(
        select(func.count()).where(KeyPeriod.label == upcoming, KeyPeriod.destroyed_at.is_(None))
    )
    if not live:
        gaps.append(
            ToDo(
                f"No sealing keys for {upcoming} yet: run `feedback keys rotate`.",
                "/staff/admin/keys",
            )
        )
    return gaps


async def _responses_this_month(session: AsyncSession, staff: Staff, settings: Settings) -> str:
    today = utc_now().astimezone(LONDON).date()
    query = (
        select(func.count())
        .select_from(Response)
        .where(Response.submitted_on >= date(today.year, today.month, 1))
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    count = int(await session.scalar(query) or 0)
    if 0 < count < settings.suppression_threshold:
        return f"fewer than {settings.suppression_threshold}"
    return str(count)
