""" "This month" on the console home is the month in London: just after midnight on 1 January
or on 1 April (BST, still 31 March in UTC) it counts only the new month's responses."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.accounts import as_staff, user_by_email
from feedback.console.service import home_for
from feedback.crypto.service import rotate_keys
from feedback.settings import Settings
from tests.dates import NEW_YEAR, NEW_YEARS_EVE, QUARTER_END, QUARTER_START_BST
from tests.factories import create_staff
from tests.support.reports import submit, survey_version_id  # noqa: F401 - fixture

TURNS = {"new-year": (NEW_YEARS_EVE, NEW_YEAR), "april-in-bst": (QUARTER_END, QUARTER_START_BST)}


async def _this_month_after(
    db: AsyncSession, app: Litestar, settings: Settings, moment: datetime, responses: int
) -> str:
    """Submit `responses` at `moment`; what the lead's home shows ten minutes later."""
    with clock.fixed(moment):
        for _ in range(responses):
            await submit(db, app, settings, service="Own Service", answers={"felt_believed": 4})
    lead = as_staff(await user_by_email(db, "lead@example.org"))
    with clock.fixed(moment + timedelta(minutes=10)):
        return (await home_for(db, lead, settings)).responses_this_month


@pytest.mark.parametrize("turn", list(TURNS))
async def test_this_month_starts_at_midnight_in_london(
    turn: str,
    db: AsyncSession,
    app: Litestar,
    settings: Settings,
    survey_version_id: int,  # noqa: F811
) -> None:
    before, after = TURNS[turn]
    await create_staff(db, role="lead", email="lead@example.org")
    with clock.fixed(before):
        await rotate_keys(db, settings=settings)  # this quarter's keys and the next's
    assert await _this_month_after(db, app, settings, before, 5) == "5"
    assert await _this_month_after(db, app, settings, after, 6) == "6"
