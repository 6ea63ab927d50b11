"""A round's closing summary (its report, top themes and a "you said, we did" checklist)
and the comparison of a round with the one before it. Every figure comes from the reports
package, so it carries the same protection as any report."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.consultations.rounds import get_round, require_lead
from feedback.consultations.schemas import (
    ClosingSummary,
    ComparedAnswer,
    ComparedQuestion,
    ComparedSurvey,
    RoundComparison,
    RoundOut,
    SurveySummary,
    ThemeLine,
)
from feedback.errors import InvalidInput
from feedback.reports.periods import ReportPeriod, months_of
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report
from feedback.reports.suppression import SUPPRESSED, legend
from feedback.reports.themes import theme_report
from feedback.settings import Settings

TOP_THEMES = 5


def round_period(opens_on: date, closes_on: date) -> ReportPeriod:
    """The round's own months: the calendar period when they are exactly one, else their
    run of months (across New Year too), which the round registered as a protected period
    of its survey versions' reports (`reports.spans`). Reports hold months, not days, so
    a round from 2 December to 15 January counts all of December and January."""
    return months_of(opens_on, closes_on)


async def _record_counts(
    session: AsyncSession, survey_slug: str, period: str
) -> dict[str, int] | None:
    """How many "you said, we did" records each theme has, where that package is present."""
    try:
        from feedback.actions.service import count_records_by_theme
    except ImportError:  # pragma: no cover - the actions package ships separately
        return None
    return await count_records_by_theme(session, survey_slug=survey_slug, period=period)


async def closing_summary(
    session: AsyncSession, round_id: int, *, actor: Staff, settings: Settings
) -> ClosingSummary:
    """For each survey of a closed round: its responses for the round's period, its top themes
    (only figures at or above the threshold rank), and one checklist line per theme linking
    to a drafted "you said, we did" record."""
    require_lead(actor)
    found = await get_round(session, round_id, actor=actor)
    if found.status != "closed":
        raise InvalidInput("the closing summary is ready once the round has closed", field="round")
    period = round_period(found.opens_on, found.closes_on)
    disclosure = Disclosure.from_settings(settings)
    surveys = []
    for pinned in found.surveys:
        filters = ReportFilter(period=period.name, version=pinned.version)
        report = await survey_report(
            session, actor, pinned.slug, filters=filters, disclosure=disclosure
        )
        themes = await theme_report(
            session, actor, pinned.slug, filters=filters, disclosure=disclosure
        )
        ranked = sorted(
            (line for line in themes.themes if line.shown != SUPPRESSED and (line.count or 0) > 0),
            key=lambda line: (-(line.count or 0), line.option),
        )[:TOP_THEMES]
        records = await _record_counts(session, pinned.slug, period.name)
        surveys.append(
            SurveySummary(
                slug=pinned.slug,
                version=pinned.version,
                title=pinned.title,
                responses=report.responses,
                report_link=f"/staff/reports/{pinned.slug}?"
                + urlencode({"period": period.name, "version": pinned.version}),
                themes=[
                    ThemeLine(
                        theme=line.option,
                        label=line.label,
                        shown=line.shown,
                        percent=line.percent,
                        draft_link="/staff/you-said-we-did/new?"
                        + urlencode(
                            {"survey": pinned.slug, "period": period.name, "theme": line.option}
                        ),
                        records=None if records is None else records.get(line.option, 0),
                    )
                    for line in ranked
                ],
            )
        )
    return ClosingSummary(
        round_id=round_id,
        period=period.name,
        period_label=period.label,
        legend=legend(settings.suppression_threshold),
        surveys=surveys,
    )


async def compare_rounds(
    session: AsyncSession, round_id: int, *, actor: Staff, settings: Settings
) -> RoundComparison:
    """This round against the one it was opened from: each survey both rounds pinned, each
    question of this round's version beside the same question (by id) of the previous one,
    each side read from its own protected report for its own period."""
    require_lead(actor)
    this = await get_round(session, round_id, actor=actor)
    if this.previous_round_id is None:
        raise InvalidInput("this round was not opened from an earlier one", field="round")
    before = await get_round(session, this.previous_round_id, actor=actor)
    this_period = round_period(this.opens_on, this.closes_on)
    before_period = round_period(before.opens_on, before.closes_on)
    surveys = []
    earlier = {pinned.slug: pinned for pinned in before.surveys}
    for pinned in this.surveys:
        if pinned.slug in earlier:
            surveys.append(
                await _compare_survey(
                    session,
                    actor,
                    settings,
                    pinned.slug,
                    (pinned.version, this_period),
                    (earlier[pinned.slug].version, before_period),
                )
            )
    return RoundComparison(
        round_id=this.id,
        previous_round_id=before.id,
        this_period=this_period.name,
        previous_period=before_period.name,
        this_period_label=this_period.label,
        previous_period_label=before_period.label,
        legend=legend(settings.suppression_threshold),
        surveys=surveys,
    )


async def _compare_survey(
    session: AsyncSession,
    actor: Staff,
    settings: Settings,
    slug: str,
    now: tuple[int, ReportPeriod],
    then: tuple[int, ReportPeriod],
) -> ComparedSurvey:
    current = await survey_report(
        session,
        actor,
        slug,
        filters=ReportFilter(period=now[1].name, version=now[0]),
        disclosure=Disclosure.from_settings(settings),
    )
    previous = await survey_report(
        session,
        actor,
        slug,
        filters=ReportFilter(period=then[1].name, version=then[0]),
        disclosure=Disclosure.from_settings(settings),
    )
    old_questions = {question.id: question for question in previous.questions}
    questions = []
    for question in current.questions:
        old = old_questions.get(question.id)
        old_lines = {line.option: line for line in old.answers} if old else {}
        questions.append(
            ComparedQuestion(
                id=question.id,
                text=question.text,
                answers=[
                    ComparedAnswer(
                        label=line.label,
                        this_round=line.shown,
                        this_percent=line.percent,
                        previous_round=old_lines[line.option].shown
                        if line.option in old_lines
                        else "–",
                        previous_percent=old_lines[line.option].percent
                        if line.option in old_lines
                        else "–",
                    )
                    for line in question.answers
                ],
            )
        )
    return ComparedSurvey(
        slug=slug,
        this_version=now[0],
        previous_version=then[0],
        this_responses=current.responses,
        previous_responses=previous.responses,
        questions=questions,
    )


__all__ = ["RoundOut", "closing_summary", "compare_rounds", "round_period"]
