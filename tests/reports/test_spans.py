"""A round's months as a protected period: across New Year, and never subtractable from the
month reports (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.errors import InvalidInput
from feedback.reports.periods import Period, Span, Window, parse_period
from feedback.reports.release import ALL, BASE, Atom, build_release
from feedback.reports.spans import family_window, register_round_months, window_for
from feedback.reports.suppression import recoverable_hidden

WINTER = Span((2026, 12), (2027, 1))
BOTH_YEARS = Window((2026, 2027), (WINTER,))


def _atoms(counts: dict[tuple[str, str], int]) -> dict[Atom, int]:
    return {Atom("yes", service, "b1", "web", month): n for (service, month), n in counts.items()}


def test_a_span_counts_the_months_of_both_years() -> None:
    atoms = _atoms({("1", "2026-12"): 9, ("1", "2027-01"): 7, ("1", "2026-11"): 50})
    release = build_release(
        atoms, window=BOTH_YEARS, rows=["yes"], additive=True, threshold=5, method="suppress"
    )
    assert release.figure(BASE, WINTER, ALL).count == 16
    assert release.figure("yes", Period(2027, "month", 1), ALL).count == 7
    assert release.figure(BASE, Period(2026, "year", 1), ALL).count == 59


def test_a_round_summary_and_a_month_report_cannot_be_subtracted() -> None:
    # December 6 and January 2: the summary (8) minus December (6) would give January (2).
    atoms = _atoms({("1", "2026-12"): 6, ("1", "2027-01"): 2, ("1", "2026-06"): 40})
    release = build_release(
        atoms, window=BOTH_YEARS, rows=["yes"], additive=True, threshold=5, method="suppress"
    )
    january = release.figure(BASE, Period(2027, "month", 1), ALL)
    december = release.figure(BASE, Period(2026, "month", 12), ALL)
    summary = release.figure(BASE, WINTER, ALL)
    assert january.shown == "c"
    assert december.shown == "c" or summary.shown == "c"  # one more hidden: no subtraction
    # And exactly: no hidden figure of the whole family is fixed by what is shown.
    from feedback.reports.release import _constraints

    constraints = _constraints(
        BOTH_YEARS,
        ["yes", BASE],
        [ALL, ("service", "1"), ("borough", "b1"), ("channel", "web")],
        {"service": {"1"}, "borough": {"b1"}, "channel": {"web"}},
        additive=True,
    )
    assert not recoverable_hidden(release.hidden, constraints)


def test_a_span_is_parsed_and_checked() -> None:
    assert parse_period("2026-12..2027-01") == WINTER
    with pytest.raises(InvalidInput, match="earlier month"):
        parse_period("2027-01..2026-12")
    with pytest.raises(InvalidInput, match="round's months"):
        parse_period("2026-12-02")


async def test_a_round_across_new_year_joins_the_two_years_family(
    db: AsyncSession, survey_version_id: int
) -> None:
    assert await family_window(db, survey_version_id, 2027) == Window((2027,))
    await register_round_months(db, [survey_version_id], date(2026, 12, 2), date(2027, 1, 15))
    await register_round_months(db, [survey_version_id], date(2026, 12, 2), date(2027, 1, 15))
    await db.commit()
    for year in (2026, 2027):
        assert await family_window(db, survey_version_id, year) == BOTH_YEARS
    assert await family_window(db, survey_version_id, 2028) == Window((2028,))
    assert await window_for(db, survey_version_id, WINTER) == BOTH_YEARS
    with pytest.raises(InvalidInput, match="no round over exactly those months"):
        await window_for(db, survey_version_id, Span((2026, 11), (2027, 1)))
