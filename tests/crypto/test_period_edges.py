"""Key periods at the calendar's edges. A response keeps only its day in London, and its key
period follows that same day: at 00:30 BST on 1 April (23:30 UTC on 31 March) a response is
an April response in every respect, sealed under the new quarter's key, so destroying a
quarter's key shreds exactly the responses its reports show."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import next_period_label, period_label
from feedback.crypto.service import rotate_keys
from feedback.responses.models import AnswerCount, Response
from feedback.settings import Settings
from tests.dates import EDGES, LEAP_DAY, NEW_YEAR, NEW_YEARS_EVE, QUARTER_END, QUARTER_START_BST
from tests.support.reports import submit, survey_version_id  # noqa: F401 - fixture

# edge: (day kept, counter month, quarter key, half-year key)
EXPECTED = {
    "new-years-eve": (date(2026, 12, 31), "2026-12", "2026-Q4", "2026-H2"),
    "new-year": (date(2027, 1, 1), "2027-01", "2027-Q1", "2027-H1"),
    "leap-day": (date(2028, 2, 29), "2028-02", "2028-Q1", "2028-H1"),
    "quarter-end": (date(2027, 3, 31), "2027-03", "2027-Q1", "2027-H1"),
    "quarter-start-bst": (date(2027, 4, 1), "2027-04", "2027-Q2", "2027-H1"),
    "after-fall-back": (date(2026, 10, 25), "2026-10", "2026-Q4", "2026-H2"),
}


@pytest.mark.parametrize("edge", list(EXPECTED))
def test_key_period_labels_follow_the_london_date(edge: str) -> None:
    _day, month, quarter, half = EXPECTED[edge]
    assert period_label(EDGES[edge], "month") == month
    assert period_label(EDGES[edge], "quarter") == quarter
    assert period_label(EDGES[edge], "half") == half


@pytest.mark.parametrize(
    ("moment", "kind", "following"),
    [
        (NEW_YEARS_EVE, "quarter", "2027-Q1"),
        (NEW_YEARS_EVE, "year", "2027"),
        (NEW_YEAR, "half", "2027-H2"),
        (LEAP_DAY, "month", "2028-03"),
        (QUARTER_END, "quarter", "2027-Q2"),
        (QUARTER_START_BST, "quarter", "2027-Q3"),
    ],
)
def test_the_next_period_after_an_edge(moment: datetime, kind: str, following: str) -> None:
    assert next_period_label(moment, kind) == following


@pytest.mark.parametrize("edge", list(EXPECTED))
async def test_a_response_at_an_edge_keeps_one_date_for_day_month_and_key(
    edge: str,
    db: AsyncSession,
    app: Litestar,
    settings: Settings,
    survey_version_id: int,  # noqa: F811
) -> None:
    day, month, quarter, _half = EXPECTED[edge]
    with clock.fixed(EDGES[edge]):
        await rotate_keys(db, settings=settings)  # this quarter's keys and the next's
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    stored = (
        await db.execute(
            select(Response.submitted_on, KeyPeriod.label).join(
                KeyPeriod, KeyPeriod.id == Response.key_period_id
            )
        )
    ).one()
    months = set(await db.scalars(select(AnswerCount.month)))
    assert (stored.submitted_on, stored.label, months) == (day, quarter, {month})
