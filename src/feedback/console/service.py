"""To-dos for the console home page. Each is a plain sentence with a link; counts about
respondents come from the reports' protected release, like every report figure."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.actions.service import count_awaiting_approval
from feedback.auth.schemas import Staff
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import next_period_label
from feedback.db.base import utc_now
from feedback.links.models import Link, LinkBatch
from feedback.organisations.models import Service
from feedback.reports.models import ReportCell
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report, version_by_id
from feedback.reports.suppression import SUPPRESSED, legend
from feedback.settings import Settings
from feedback.surveys.models import Survey

EXPIRY_WARNING = timedelta(days=7)


class ToDo(msgspec.Struct, frozen=True):
    text: str
    link: str


class HomeFigures(msgspec.Struct, frozen=True):
    to_dos: list[ToDo]
    responses_this_month: str  # the reports' protected figure, or c
    legend: str = ""  # what c means, beside the figure


async def home_for(session: AsyncSession, staff: Staff, settings: Settings) -> HomeFigures:
    to_dos = await _expiring_links(session, staff)
    if staff.is_lead:
        to_dos = await _setup_gaps(session, settings) + to_dos
        to_dos = await _awaiting_approval(session) + to_dos
    return HomeFigures(
        to_dos=to_dos,
        responses_this_month=await _responses_this_month(session, staff, settings),
        legend=legend(settings.suppression_threshold),
    )


async def _expiring_links(session: AsyncSession, staff: Staff) -> list[ToDo]:
    """Batches with unused links expiring within a week, never how many links are left:
    batch sizes are listed, so the unused count would give away the used count the batches
    page shows only as "fewer than N" or "N or more"."""
    now = utc_now()
    query = (
        select(LinkBatch.id)
        .join(Link, Link.batch_id == LinkBatch.id)
        .where(
            LinkBatch.revoked_at.is_(None),
            LinkBatch.expires_at > now,
            LinkBatch.expires_at < now + EXPIRY_WARNING,
            Link.used.is_(False),
        )
        .distinct()
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(LinkBatch.service_id.in_(scope))
    found = len(list(await session.scalars(query)))
    if not found:
        return []
    batches = "1 batch" if found == 1 else f"{found} batches"
    return [ToDo(f"Unused links in {batches} expire within 7 days.", "/staff/links")]


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
    """This London month's responses in the reader's scope, read from each survey version's
    protected release (the figure its report shows for the month), so the home page never
    shows a count the reports hide or round. Several versions' figures are added only when
    each is shown: a sum beside a hidden part would give that part away."""
    today = clock.today_london()
    month = f"{today.year:04d}-{today.month:02d}"
    query = (
        select(ReportCell.survey_version_id)
        .where(ReportCell.month == month, ReportCell.responses > 0)
        .distinct()
        .order_by(ReportCell.survey_version_id)
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(ReportCell.service_id.in_(scope))
    disclosure = Disclosure.for_pages(settings)  # the figure the report page shows
    shown = []
    for version_id in list(await session.scalars(query)):
        version = await version_by_id(session, version_id)
        if version is None:
            continue
        report = await survey_report(
            session,
            staff,
            version.slug,
            filters=ReportFilter(period=month, version=version.number),
            disclosure=disclosure,
        )
        shown.append(report.responses)
    if SUPPRESSED in shown:
        return SUPPRESSED
    return str(sum(int(figure) for figure in shown))
