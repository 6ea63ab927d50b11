"""Outcome reports from counters only: this module never reads a response.

Matched figures come from the pair counters (`outcomes.models.OutcomePairCount`), protected
as families beside the exit survey's responses release (`outcomes.families`); exit-only
figures come from the exit survey's own protected report (`reports.service.survey_report`),
and "helped to cope and to recover" from the joint counter intake keeps (`outcomes.joint`).
Every share and mean is computed from shown figures only: when any count it needs is `c`,
or its base is under the threshold, it is `c` too. Scoped like every report: a service
manager's figures, "all" included, come from their own services only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.errors import Forbidden, InvalidInput, NotFound
from feedback.organisations.models import Service
from feedback.outcomes.families import (
    MATCHED,
    PAIRED_CHANNEL,
    MatchedReleases,
    PairAtoms,
    mean_change,
    protect_matched,
)
from feedback.outcomes.indicators import EXIT, INDICATORS, JOINT, MATCHED_MEAN, IndicatorSpec
from feedback.outcomes.joint import BOTH, JOINT_ROW, NOT_BOTH
from feedback.outcomes.models import OutcomePairCount
from feedback.outcomes.schemas import IndicatorFigure, OutcomeReport
from feedback.reports.models import ReportCell
from feedback.reports.periods import ReportPeriod, Window, parse_period
from feedback.reports.questions import percent
from feedback.reports.release import ALL, BASE, Atom, Figure, Release, Slice, build_release
from feedback.reports.release import protect_responses as protect_exit_responses
from feedback.reports.schemas import Disclosure, QuestionReport, ReportFilter, SurveyReport
from feedback.reports.service import survey_report
from feedback.reports.spans import window_for
from feedback.reports.suppression import NOT_APPLICABLE, SUPPRESSED, legend
from feedback.responses.models import AnswerCount
from feedback.surveys.models import Survey, SurveyVersion

EXIT_SURVEY = "service-exit"
Scope = Sequence[int] | None


class OutcomeFilter(NamedTuple):
    period: str
    service_id: int | None = None
    borough: str | None = None


class OutcomeFigures(NamedTuple):
    """Every protected outcome figure one scope may ask for in one window."""

    slug: str
    version_id: int
    version: int
    window: Window
    pairs: PairAtoms
    exit_responses: Release
    matched: MatchedReleases
    joint: Release
    threshold: int
    method: str


async def outcome_figures(
    session: AsyncSession,
    staff: Staff,
    period: ReportPeriod,
    *,
    disclosure: Disclosure,
    slug: str = EXIT_SURVEY,
) -> OutcomeFigures:
    """Load the scope's counters for the exit survey's latest version and protect them
    (CPU work on a thread, as survey reports do). Computed on each request: a withdrawn
    intake takes a pair back without touching the exit's report cells, so the stored
    releases' generations could not tell these figures are out of date."""
    version_id, number = await _latest_version(session, slug)  # (0, 0): not published yet
    window = await window_for(session, version_id, period)
    scope = staff.service_scope()
    exit_atoms = await _exit_responses(session, scope, version_id, window)
    pairs = await _pair_atoms(session, scope, version_id, window)
    joint = await _joint_atoms(session, scope, version_id, window)
    threshold, method = disclosure.threshold, disclosure.method
    protect = partial(_protect, exit_atoms, pairs, joint, window, threshold, method)
    exit_release, matched, joint_release = await anyio.to_thread.run_sync(protect)
    return OutcomeFigures(
        slug, version_id, number, window, pairs, exit_release, matched, joint_release,
        threshold, method,
    )  # fmt: skip


def _protect(
    exit_atoms: dict[Atom, int],
    pairs: PairAtoms,
    joint: dict[Atom, int],
    window: Window,
    threshold: int,
    method: str,
) -> tuple[Release, MatchedReleases, Release]:
    """The exit responses release is made exactly as the exit survey's report makes it
    (same atoms, window and rules), so both show the same responses figures."""
    responses = protect_exit_responses(
        exit_atoms, window=window, threshold=threshold, method=method
    )
    matched = protect_matched(pairs, responses, window=window, threshold=threshold, method=method)
    joint_release = build_release(
        joint,
        window=window,
        rows=[BOTH, NOT_BOTH],
        additive=True,
        threshold=threshold,
        method=method,
        responses=responses,
    )
    return responses.release, matched, joint_release


async def outcome_report(
    session: AsyncSession, staff: Staff, filters: OutcomeFilter, *, disclosure: Disclosure
) -> OutcomeReport:
    """Every indicator for one period and one slice (all, a service or a borough)."""
    period = parse_period(filters.period)
    slice_ = await outcome_slice(session, staff, filters)
    figures = await outcome_figures(session, staff, period, disclosure=disclosure)
    exit_report = await exit_survey_report(session, staff, figures, period, slice_, disclosure)
    return OutcomeReport(
        survey=figures.slug,
        version=figures.version,
        period=period.name,
        period_label=period.label,
        narrowed_by="all" if slice_ == ALL else f"{slice_[0]}={slice_[1]}",
        exit_responses=exit_report.responses if exit_report else "0",
        matched_n=figures.matched.matched.figure(MATCHED, period, slice_).shown,
        threshold=figures.threshold,
        method=figures.method,
        legend=legend(figures.threshold),
        indicators=indicators(figures, exit_report, period, slice_),
    )


async def exit_survey_report(
    session: AsyncSession,
    staff: Staff,
    figures: OutcomeFigures,
    period: ReportPeriod,
    slice_: Slice,
    disclosure: Disclosure,
) -> SurveyReport | None:
    """The exit survey's own protected report for this slice: the exit-only figures are
    read from it, so they are the same figures (or the same `c`) as its report page. Read
    current, as the matched figures beside it are. None before the exit survey is
    published."""
    if not figures.version:
        return None
    axis, value = slice_
    filters = ReportFilter(
        period=period.name,
        version=figures.version,
        service_id=int(value) if axis == "service" else None,
        borough=value if axis == "borough" else None,
    )
    return await survey_report(
        session, staff, figures.slug, filters=filters, disclosure=disclosure.current()
    )


def indicators(
    figures: OutcomeFigures,
    exit_report: SurveyReport | None,
    period: ReportPeriod,
    slice_: Slice,
) -> list[IndicatorFigure]:
    by_item = {q.core or q.id: q for q in exit_report.questions} if exit_report else {}
    found = []
    for spec in INDICATORS:
        figure, n = _indicator(spec, figures, by_item, period, slice_)
        found.append(
            IndicatorFigure(
                code=spec.code,
                label=spec.label,
                group=spec.group,
                figure=figure,
                n=n,
                matched=spec.matched,
            )
        )
    return found


def _indicator(
    spec: IndicatorSpec,
    figures: OutcomeFigures,
    by_item: dict[str, QuestionReport],
    period: ReportPeriod,
    slice_: Slice,
) -> tuple[str, str]:
    """(figure, n) as shown. A share needs every count it adds up shown."""
    threshold = figures.threshold
    if spec.kind == EXIT:
        question = by_item.get(spec.source)
        if question is None:  # this version does not ask it
            return NOT_APPLICABLE, "0"
        base = _shown(question.base)
        parts = [Figure(a.count, a.shown) for a in question.answers if a.option in spec.rows]
        return percent(_sum(parts), base, threshold), question.base
    release = figures.joint if spec.kind == JOINT else figures.matched.items[spec.source]
    base = release.figure(BASE, period, slice_)
    if spec.kind == MATCHED_MEAN:
        return _mean(figures, spec.source, base, period, slice_), base.shown
    parts = [release.figure(row, period, slice_) for row in spec.rows]
    return percent(_sum(parts), base, threshold), base.shown


def _mean(
    figures: OutcomeFigures, item: str, base: Figure, period: ReportPeriod, slice_: Slice
) -> str:
    """The mean change beside a shown matched n of at least the threshold, to one
    decimal place; a mean of fewer people, or beside a hidden n, is `c`."""
    pairs, change = mean_change(figures.pairs, item, period, slice_)
    if pairs == 0:
        return NOT_APPLICABLE
    if base.count is None or pairs < figures.threshold:
        return SUPPRESSED
    return f"{change:+.1f}"


def _sum(parts: list[Figure]) -> Figure:
    if any(part.count is None for part in parts):
        return Figure(None, SUPPRESSED)
    total = sum(part.count or 0 for part in parts)
    return Figure(total, str(total))


def _shown(text: str) -> Figure:
    return Figure(int(text), text) if text.isdigit() else Figure(None, text)


async def outcome_slice(session: AsyncSession, staff: Staff, filters: OutcomeFilter) -> Slice:
    """The slice asked for; a service outside the caller's scope is refused, not shown
    empty, so nobody mistakes it for a service with no answers."""
    if filters.service_id is not None and filters.borough:
        raise InvalidInput("narrow by a service or a borough, not both at once", field="filters")
    if filters.service_id is not None:
        scope = staff.service_scope()
        if scope is not None and filters.service_id not in scope:
            raise Forbidden("you may read reports for your own services only")
        if await session.get(Service, filters.service_id) is None:
            raise NotFound(f"service {filters.service_id}: no such service")
        return ("service", str(filters.service_id))
    if filters.borough:
        return ("borough", filters.borough)
    return ALL


async def _latest_version(session: AsyncSession, slug: str) -> tuple[int, int]:
    row = (
        await session.execute(
            select(SurveyVersion.id, SurveyVersion.number)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(Survey.slug == slug)
            .order_by(SurveyVersion.number.desc())
            .limit(1)
        )
    ).one_or_none()
    if row is None:  # nothing to count yet: every figure reads x, not an error page
        return 0, 0
    return int(row[0]), int(row[1])


async def _exit_responses(
    session: AsyncSession, scope: Scope, version_id: int, window: Window
) -> dict[Atom, int]:
    """Exit responses per cell, as the exit survey's report reads them (report cells)."""
    query = select(
        ReportCell.service_id,
        ReportCell.borough,
        ReportCell.channel,
        ReportCell.month,
        ReportCell.responses,
    ).where(
        ReportCell.survey_version_id == version_id,
        ReportCell.month.between(window.first_month, window.last_month),
        ReportCell.responses > 0,
    )
    if scope is not None:
        query = query.where(ReportCell.service_id.in_(scope))
    return {
        Atom(BASE, str(service), borough, channel, month): count
        for service, borough, channel, month, count in await session.execute(query)
    }


async def _pair_atoms(
    session: AsyncSession, scope: Scope, version_id: int, window: Window
) -> dict[tuple[str, str, str], dict[Atom, int]]:
    query = select(
        OutcomePairCount.item,
        OutcomePairCount.intake_answer,
        OutcomePairCount.exit_answer,
        OutcomePairCount.service_id,
        OutcomePairCount.borough,
        OutcomePairCount.month,
        OutcomePairCount.count,
    ).where(
        OutcomePairCount.survey_version_id == version_id,
        OutcomePairCount.month.between(window.first_month, window.last_month),
        OutcomePairCount.count > 0,
    )
    if scope is not None:
        query = query.where(OutcomePairCount.service_id.in_(scope))
    pairs: dict[tuple[str, str, str], dict[Atom, int]] = defaultdict(dict)
    for item, before, after, service, borough, month, count in await session.execute(query):
        atom = Atom("", str(service), borough, PAIRED_CHANNEL, month)
        pairs[(item, before, after)][atom] = count
    return dict(pairs)


async def _joint_atoms(
    session: AsyncSession, scope: Scope, version_id: int, window: Window
) -> dict[Atom, int]:
    query = select(
        AnswerCount.option,
        AnswerCount.service_id,
        AnswerCount.borough,
        AnswerCount.channel,
        AnswerCount.month,
        AnswerCount.count,
    ).where(
        AnswerCount.survey_version_id == version_id,
        AnswerCount.question_id == JOINT_ROW,
        AnswerCount.month.between(window.first_month, window.last_month),
    )
    if scope is not None:
        query = query.where(AnswerCount.service_id.in_(scope))
    atoms: dict[Atom, int] = defaultdict(int)
    for option, service, borough, channel, month, count in await session.execute(query):
        atoms[Atom(option, str(service), borough, channel, month)] += count
    return dict(atoms)


__all__ = [
    "EXIT_SURVEY",
    "OutcomeFigures",
    "OutcomeFilter",
    "exit_survey_report",
    "indicators",
    "outcome_figures",
    "outcome_report",
    "outcome_slice",
]
