"""Which months one protected family covers: the report spans and the window they make.

A consultation round is reported by its own months (`periods.months_of`). When those are
not one calendar period, the round registers them as a span for each survey version it
pins. Spans join years: a round from December to January ties the two years' trees, so
the family of either year is the window of both, with the span inside it. Every report of
that version for either year reads that one family, which is what keeps a round summary
and a month report from being subtracted to reveal a small count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.errors import InvalidInput
from feedback.reports.models import ReportSpan
from feedback.reports.periods import ReportPeriod, Span, Window, months_of


async def register_round_months(
    session: AsyncSession, version_ids: Iterable[int], opens_on: date, closes_on: date
) -> None:
    """Make the round's months a protected period of each version's family (nothing to do
    when they are one calendar period, which every family holds already). Rides on the
    caller's transaction."""
    span = months_of(opens_on, closes_on)
    if not isinstance(span, Span):
        return
    first, last = span.name.split("..")
    for version_id in set(version_ids):
        key = {"survey_version_id": version_id, "first_month": first, "last_month": last}
        if await session.get(ReportSpan, key) is None:
            session.add(ReportSpan(**key))
    await session.flush()


async def family_window(session: AsyncSession, version_id: int, year: int) -> Window:
    """The years joined to `year` by this version's spans, and those spans."""
    rows = await session.execute(
        select(ReportSpan.first_month, ReportSpan.last_month).where(
            ReportSpan.survey_version_id == version_id
        )
    )
    spans = sorted({_span(first, last) for first, last in rows})
    low, high = year, year
    grown = True
    while grown:  # widen the years until no span that touches them reaches outside
        grown = False
        for span in spans:
            touches = span.first[0] <= high and span.last[0] >= low
            if touches and (span.first[0] < low or span.last[0] > high):
                low, high = min(low, span.first[0]), max(high, span.last[0])
                grown = True
    inside = tuple(span for span in spans if low <= span.first[0] and span.last[0] <= high)
    return Window(tuple(range(low, high + 1)), inside)


def _span(first: str, last: str) -> Span:
    return Span((int(first[:4]), int(first[5:7])), (int(last[:4]), int(last[5:7])))


async def window_for(session: AsyncSession, version_id: int, period: ReportPeriod) -> Window:
    """The family window a report period is read from: its first year's window, which
    holds it (a calendar period always; a span only when registered for this version)."""
    window = await family_window(session, version_id, period.year)
    if isinstance(period, Span) and period not in window.spans:
        raise InvalidInput(
            "only a consultation round's months can be reported as "
            "a run of months; this survey version has no round over exactly those months",
            field="period",
            value=period.name,
        )
    return window


__all__ = ["family_window", "register_round_months", "window_for"]
