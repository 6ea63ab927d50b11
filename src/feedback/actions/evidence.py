"""The evidence snapshot: the record's questions and themes as the reports service shows
them (protected counts only, `c` where disclosure control hides a figure), for the record's
service and period. Taken once, at approval, and stored: later responses never rewrite it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.schemas import Evidence, EvidenceLine, EvidenceQuestion
from feedback.auth.schemas import Staff
from feedback.reports.schemas import ReportFilter
from feedback.reports.service import survey_report
from feedback.reports.themes import theme_report
from feedback.settings import Settings


async def take_evidence(
    session: AsyncSession,
    approver: Staff,
    *,
    survey_slug: str,
    period: str,
    service_id: int,
    question_ids: list[str],
    theme_ids: list[str],
    labels: dict[str, str],
    settings: Settings,
    today: date,
) -> Evidence:
    """Only `shown` and `percent` are copied from the report lines, never a raw count."""
    filters = ReportFilter(period=period, service_id=service_id)
    report = await survey_report(session, approver, survey_slug, filters=filters, settings=settings)
    questions = [
        EvidenceQuestion(
            id=q.id,
            text=q.text,
            base=q.base,
            answers=[EvidenceLine(a.label, a.shown, a.percent) for a in q.answers],
        )
        for q in report.questions
        if q.id in question_ids
    ]
    themes: list[EvidenceLine] = []
    if theme_ids:
        found = await theme_report(
            session, approver, survey_slug, filters=filters, settings=settings
        )
        by_id = {line.option: line for line in found.themes}
        for theme_id in theme_ids:
            line = by_id.get(theme_id)
            themes.append(
                EvidenceLine(
                    labels.get(theme_id, theme_id),
                    line.shown if line else "0",
                    line.percent if line else "0%",
                )
            )
    return Evidence(
        taken_on=today,
        survey=survey_slug,
        period=report.period,
        responses=report.responses,
        legend=report.legend,
        questions=questions,
        themes=themes,
    )


__all__ = ["take_evidence"]
