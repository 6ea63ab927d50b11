"""A round's progress while it runs: what was issued for it (links, code places, class
sessions) and, for each pinned survey, its responses in the round's months.

Response figures come only from the reports' protected release, read as the report shows
them to the reader (the number or `c`), so the round page, the report pages and their
exports agree figure for figure. Counts taken from link and code uses were shown here
before: exact where the release hides one, they sat beside its totals, and the difference
between the two gave a small group away (issue 21). Schools show how many class sessions
they opened and no count of their pupils; a class is a handful of known children."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.consultations.models import ClassSession, School, round_schools, round_services
from feedback.consultations.rounds import get_round, require_lead
from feedback.consultations.schemas import (
    IssuedLine,
    PinnedSurvey,
    ResponseFigure,
    RoundProgress,
    SchoolSessions,
    SurveyProgress,
)
from feedback.consultations.summary import round_period
from feedback.links.models import JoinCode, Link, LinkBatch
from feedback.organisations.models import Service
from feedback.reports.periods import ReportPeriod
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report
from feedback.reports.suppression import legend
from feedback.settings import Settings

# The operator at the command line acts with the lead's rights (`consultations.cli`), so
# reads the lead's release: every service, nothing narrower than the report pages offer.
OPERATOR = Staff(id=0, email="operator", role=Role.LEAD, service_ids=(), two_factor_enabled=True)


async def round_progress(
    session: AsyncSession,
    round_id: int,
    *,
    actor: Staff | None,
    settings: Settings,
) -> RoundProgress:
    """Links and code places issued by service and channel; per pinned survey, responses in
    the round's months for all services, each service taking part and each channel, each the
    figure the survey's report shows (`survey_report`, the reader's scope); class sessions
    opened per school. Figures are current, as the closing summary's are: the lead watches a
    round fill up."""
    require_lead(actor)
    found = await get_round(session, round_id, actor=actor)
    period = round_period(found.opens_on, found.closes_on)
    services = await _services(session, round_id)
    surveys = [
        await _survey_progress(
            session,
            actor or OPERATOR,
            pinned,
            period,
            services,
            found.channels,
            settings=settings,
        )
        for pinned in found.surveys
    ]
    return RoundProgress(
        issued=await _issued(session, round_id),
        period=period.name,
        period_label=period.label,
        surveys=surveys,
        schools=await _sessions_by_school(session, round_id),
        legend=legend(settings.suppression_threshold),
        threshold=settings.suppression_threshold,
    )


async def _survey_progress(
    session: AsyncSession,
    reader: Staff,
    pinned: PinnedSurvey,
    period: ReportPeriod,
    services: list[tuple[int, str]],
    channels: list[str],
    *,
    settings: Settings,
) -> SurveyProgress:
    narrowings: list[tuple[str, str, dict[str, str]]] = [("all", "All services", {})]
    narrowings += [("service", name, {"service_id": str(id_)}) for id_, name in services]
    narrowings += [("channel", channel, {"channel": channel}) for channel in channels]
    figures = []
    for axis, name, narrowing in narrowings:
        service_id = narrowing.get("service_id")
        filters = ReportFilter(
            period=period.name,
            version=pinned.version,
            service_id=int(service_id) if service_id else None,
            channel=narrowing.get("channel"),
        )
        report = await survey_report(
            session,
            reader,
            pinned.slug,
            filters=filters,
            disclosure=Disclosure.from_settings(settings),  # current: the round fills up
        )
        query = {"period": period.name, "version": str(pinned.version), **narrowing}
        figures.append(
            ResponseFigure(
                narrowed_by=axis,
                name=name,
                shown=report.responses,
                report_link=f"/staff/reports/{pinned.slug}?{urlencode(query)}",
            )
        )
    return SurveyProgress(
        slug=pinned.slug, version=pinned.version, title=pinned.title, figures=figures
    )


async def _services(session: AsyncSession, round_id: int) -> list[tuple[int, str]]:
    """The services taking part, and those whose schools take part (class responses count
    under the school's service), by name."""
    taking_part = union(
        select(round_services.c.service_id.label("id")).where(
            round_services.c.round_id == round_id
        ),
        select(School.service_id.label("id"))
        .join(round_schools, round_schools.c.school_id == School.id)
        .where(round_schools.c.round_id == round_id),
    ).subquery()
    rows = await session.execute(
        select(Service.id, Service.name)
        .join(taking_part, taking_part.c.id == Service.id)
        .order_by(Service.name)
    )
    return [(int(id_), name) for id_, name in rows]


async def _issued(session: AsyncSession, round_id: int) -> list[IssuedLine]:
    """Links and code places issued for the round: what staff handed out, not responses."""
    issued: dict[tuple[str, str], list[int]] = {}
    links = await session.execute(
        select(Service.name, LinkBatch.channel, func.count(Link.id))
        .join(Service, Service.id == LinkBatch.service_id)
        .join(Link, Link.batch_id == LinkBatch.id)
        .where(LinkBatch.round_id == round_id)
        .group_by(Service.name, LinkBatch.channel)
    )
    for service, channel, count in links:
        issued.setdefault((service, channel), [0, 0])[0] += int(count)
    codes = await session.execute(
        select(Service.name, LinkBatch.channel, func.sum(JoinCode.cap))
        .join(Service, Service.id == LinkBatch.service_id)
        .join(JoinCode, JoinCode.batch_id == LinkBatch.id)
        .where(LinkBatch.round_id == round_id)
        .group_by(Service.name, LinkBatch.channel)
    )
    for service, channel, places in codes:
        issued.setdefault((service, channel), [0, 0])[1] += int(places or 0)
    return [
        IssuedLine(service=service, channel=channel, links_issued=links, code_places=places)
        for (service, channel), (links, places) in sorted(issued.items())
    ]


async def _sessions_by_school(session: AsyncSession, round_id: int) -> list[SchoolSessions]:
    rows = await session.execute(
        select(School.name, func.count(ClassSession.id))
        .join(ClassSession, ClassSession.school_id == School.id)
        .where(ClassSession.round_id == round_id, ClassSession.link_batch_id.is_not(None))
        .group_by(School.name)
        .order_by(School.name)
    )
    return [SchoolSessions(school=name, sessions=int(count)) for name, count in rows]


__all__ = ["OPERATOR", "round_progress"]
