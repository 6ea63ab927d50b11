"""Theme reports: how many responses mention each theme, and each theme's sentiment split,
from the stored theme tags only (never by opening a response).

Mentions go through the same joint release as answers (`release.build_release`): themes
are the rows, `additive=False` (one response can carry several themes) and the responses
are BASE, so a theme count below the threshold is `c` and cannot be worked out from any
other report one person may ask for. A tag an analyst removed is not counted.

Not here yet: the sentiment split per theme, the top emerging phrases (stored by the
tagging work only once they pass the threshold) and redacted quotes (lead and analyst
only, audit-logged, opened by the staff tool that holds the opening key).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.reports import service
from feedback.reports.questions import answer_lines
from feedback.reports.release import BASE, Atom, build_release
from feedback.reports.schemas import AnswerLine, ReportFilter
from feedback.reports.suppression import legend
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.themes.models import ThemeTag


class ThemeReport(msgspec.Struct, frozen=True):
    survey: str
    version: int
    period: str
    narrowed_by: str
    responses: str
    legend: str
    themes: list[AnswerLine]  # option = theme id; percent of responses


async def theme_report(
    session: AsyncSession, staff: Staff, slug: str, *, filters: ReportFilter, settings: Settings
) -> ThemeReport:
    versions = await service._versions(session, slug)
    version = service._choose(versions, filters.version)
    period, slice_ = await service._check_filters(session, staff, filters)
    _answers, responses = await service._load_atoms(session, staff, version.id, period.year)
    query = (
        select(
            ThemeTag.theme_id,
            Response.service_id,
            Response.borough,
            Response.channel,
            Response.submitted_on,
            func.count(func.distinct(ThemeTag.response_id)),
        )
        .join(Response, Response.id == ThemeTag.response_id)
        .where(
            Response.survey_version_id == version.id,
            Response.submitted_on.between(date(period.year, 1, 1), date(period.year, 12, 31)),
            ThemeTag.decision != "removed",
        )
        .group_by(
            ThemeTag.theme_id,
            Response.service_id,
            Response.borough,
            Response.channel,
            Response.submitted_on,
        )
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    atoms: dict[Atom, int] = defaultdict(int)
    for theme, service_id, borough, channel, day, count in await session.execute(query):
        atoms[Atom(theme, str(service_id), borough, channel, day.month)] += count
    themes = sorted({atom.row for atom in atoms})
    atoms.update(responses)
    release = build_release(
        atoms,
        year=period.year,
        rows=themes,
        additive=False,
        threshold=settings.suppression_threshold,
        method=settings.report_rounding,
    )
    base, lines = answer_lines(
        release,
        [(theme, theme.replace("_", " ")) for theme in themes],
        period,
        slice_,
        settings.suppression_threshold,
    )
    return ThemeReport(
        survey=slug,
        version=version.number,
        period=period.name,
        narrowed_by=service._slice_name(slice_),
        responses=release.figure(BASE, period, slice_).shown,
        legend=legend(settings.suppression_threshold, settings.report_rounding),
        themes=lines,
    )


__all__ = ["ThemeReport", "theme_report"]
