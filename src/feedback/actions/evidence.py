"""The evidence snapshot: the record's questions and themes as the reports service shows
them (protected counts only, `c` where disclosure control hides a figure), and the outcome
indicators it cites as the outcome report shows them, for the record's service and period.
Taken once, at approval, and stored: later responses never rewrite it.

The record is public, so it must not be subtractable from any staff report of its service.
Each reader scope protects its own release and may hide different cells (a lead's release
and a service manager's differ), so a figure is kept only where every scope that covers the
service agrees on it: the approver's, the service alone (the scope of a manager added
later), and each current report reader's whose services include it. Anywhere they differ the
record shows `c`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.schemas import Evidence, EvidenceLine, EvidenceOutcome, EvidenceQuestion
from feedback.auth.accounts import as_staff
from feedback.auth.models import StaffUser
from feedback.auth.roles import REPORT_READERS, Role
from feedback.auth.schemas import Staff
from feedback.outcomes.report import OutcomeFilter, outcome_report
from feedback.reports.schemas import Disclosure, QuestionReport, ReportFilter
from feedback.reports.service import survey_report
from feedback.reports.suppression import SUPPRESSED
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
    outcome_codes: list[str],
) -> Evidence:
    """Only `shown` and `percent` are copied from the report lines, never a raw count."""
    filters = ReportFilter(period=period, service_id=service_id)
    disclosure = Disclosure.from_settings(settings)  # evidence is kept: current figures
    readers = await _covering_readers(session, approver, service_id)
    reports = [
        await survey_report(session, reader, survey_slug, filters=filters, disclosure=disclosure)
        for reader in readers
    ]
    report = reports[0]
    questions = [
        _agreed_question([r.questions[i] for r in reports])
        for i, q in enumerate(report.questions)
        if q.id in question_ids
    ]
    themes: list[EvidenceLine] = []
    if theme_ids:
        found = [
            await theme_report(session, reader, survey_slug, filters=filters, disclosure=disclosure)
            for reader in readers
        ]
        by_id = [{line.option: line for line in each.themes} for each in found]
        for theme_id in theme_ids:
            lines = [
                (line.shown, line.percent) if line else ("0", "0%")
                for line in (seen.get(theme_id) for seen in by_id)
            ]
            shown = _agreed([s for s, _ in lines])
            themes.append(
                EvidenceLine(labels.get(theme_id, theme_id), *_with_percent(shown, lines))
            )
    return Evidence(
        taken_on=today,
        survey=survey_slug,
        period=report.period,
        responses=_agreed([r.responses for r in reports]),
        legend=report.legend,
        questions=questions,
        themes=themes,
        outcomes=await _outcomes(session, readers, period, service_id, outcome_codes, disclosure),
    )


async def _outcomes(
    session: AsyncSession,
    readers: list[Staff],
    period: str,
    service_id: int,
    codes: list[str],
    disclosure: Disclosure,
) -> list[EvidenceOutcome]:
    """The cited indicators for the service and period, each figure and its n kept only
    where every covering reader's outcome report shows them alike (see the module)."""
    if not codes:
        return []
    filters = OutcomeFilter(period=period, service_id=service_id)
    reports = [
        await outcome_report(session, reader, filters, disclosure=disclosure) for reader in readers
    ]
    by_code = [{line.code: line for line in report.indicators} for report in reports]
    cited = []
    for code in codes:
        seen = [each[code] for each in by_code]
        n = _agreed([line.n for line in seen])
        # a share or mean of a hidden base would give the base away
        figure = SUPPRESSED if n == SUPPRESSED else _agreed([line.figure for line in seen])
        cited.append(EvidenceOutcome(code, seen[0].label, figure, n, seen[0].matched))
    return cited


async def _covering_readers(session: AsyncSession, approver: Staff, service_id: int) -> list[Staff]:
    """The approver first, then one reader per other scope that sees `service_id`."""
    alone = Staff(
        id=approver.id,
        email=approver.email,
        role=Role.SERVICE_MANAGER,
        service_ids=(service_id,),
        two_factor_enabled=approver.two_factor_enabled,
    )
    users = await session.scalars(
        select(StaffUser).where(
            StaffUser.is_active.is_(True),
            StaffUser.role.in_([role.value for role in REPORT_READERS]),
        )
    )
    readers = [approver, alone, *(as_staff(user) for user in users)]
    chosen: dict[tuple[int, ...] | None, Staff] = {}
    for reader in readers:
        scope = reader.service_scope()
        if (scope is None or service_id in scope) and scope not in chosen:
            chosen[scope] = reader
    return list(chosen.values())


def _agreed(values: list[str]) -> str:
    """A figure every covering reader sees alike, or `c` where their releases differ."""
    return values[0] if all(value == values[0] for value in values) else SUPPRESSED


def _with_percent(shown: str, lines: list[tuple[str, str]]) -> tuple[str, str]:
    """A percentage goes with its figure: hidden when the figure is."""
    if shown == SUPPRESSED:
        return shown, SUPPRESSED
    return shown, _agreed([percent for _, percent in lines])


def _agreed_question(seen: list[QuestionReport]) -> EvidenceQuestion:
    first = seen[0]
    base = _agreed([q.base for q in seen])
    answers = []
    for i, line in enumerate(first.answers):
        lines = [(q.answers[i].shown, q.answers[i].percent) for q in seen]
        shown, percent = _with_percent(_agreed([s for s, _ in lines]), lines)
        if base == SUPPRESSED:
            percent = SUPPRESSED  # a share of a hidden base would give the base away
        answers.append(EvidenceLine(line.label, shown, percent))
    return EvidenceQuestion(id=first.id, text=first.text, base=base, answers=answers)


__all__ = ["take_evidence"]
