"""Round and class-session dates at New Year and across British Summer Time: a round is open
all of its closing day in London, a lesson's code lasts its real minutes (never past the
round), parents get their notice in real hours, and times are shown on London's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.consultations import class_sessions, rounds
from feedback.consultations.staff_routes import london as london_label
from feedback.consultations.summary import round_period
from feedback.errors import InvalidInput
from feedback.reports.periods import Period
from tests.consultations.conftest import People, add_school, open_round, session_with_letter
from tests.dates import BEFORE_SPRING_FORWARD, NEW_YEAR, NEW_YEARS_EVE, QUARTER_START_BST, london

DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))
MARCH = (date(2027, 3, 1), date(2027, 3, 31))


async def _planned(
    db: AsyncSession, people: People, dates: tuple[date, date], letter_sent_on: date
) -> int:
    """A school round over `dates` (made on its first day) and a class session whose letter
    went out on `letter_sent_on` (recorded that morning): the session's id."""
    school = await add_school(db, people)
    with clock.fixed(london(dates[0].year, dates[0].month, dates[0].day, 9)):
        made = await open_round(db, people, school.name, dates=dates)
    with clock.fixed(london(letter_sent_on.year, letter_sent_on.month, letter_sent_on.day, 9)):
        draft = await session_with_letter(db, people, school.id, made.id, letter_sent_on)
    return draft.id


async def _open(db: AsyncSession, people: People, session_id: int) -> datetime | None:
    opened = await class_sessions.open_class_session(
        db,
        session_id,
        actor=people.coordinator,
        minutes=90,
        notice_hours=24,
        master_key=b"m" * 32,
        base_url="http://127.0.0.1:8000",
    )
    return opened.session.expires_at


async def test_a_round_closing_on_new_years_eve_is_open_until_midnight(
    db: AsyncSession, people: People
) -> None:
    with clock.fixed(london(2026, 12, 1, 9)):
        made = await open_round(db, people, dates=DECEMBER)
    with clock.fixed(NEW_YEARS_EVE):
        assert (await rounds.get_round(db, made.id, actor=people.lead)).status == "open"
    with clock.fixed(NEW_YEAR):
        assert (await rounds.get_round(db, made.id, actor=people.lead)).status == "closed"


async def test_a_lesson_late_on_the_closing_day_ends_with_the_round(
    db: AsyncSession, people: People
) -> None:
    planned = await _planned(db, people, DECEMBER, date(2026, 12, 29))
    with clock.fixed(london(2026, 12, 31, 23, 0)):
        expires = await _open(db, people, planned)
    assert expires == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)  # not 00:30: the round is over


async def test_a_lesson_as_the_clocks_go_forward_lasts_its_real_minutes(
    db: AsyncSession, people: People
) -> None:
    planned = await _planned(db, people, MARCH, date(2027, 3, 26))
    with clock.fixed(BEFORE_SPRING_FORWARD):
        expires = await _open(db, people, planned)
    assert expires == BEFORE_SPRING_FORWARD + timedelta(minutes=90)
    assert london_label(expires) == "03:00 on 28 March 2027"  # 00:30 GMT + 90 min, in BST


async def test_parents_get_their_notice_in_real_hours_when_the_clocks_go_forward(
    db: AsyncSession, people: People
) -> None:
    """A letter on 28 March (a 23-hour day): 24 hours' notice ends at 01:00 BST on the 29th."""
    planned = await _planned(db, people, MARCH, date(2027, 3, 28))
    with (
        clock.fixed(london(2027, 3, 29, 0, 30)),
        pytest.raises(InvalidInput, match="from 29 March 2027 01:00"),
    ):
        await _open(db, people, planned)
    with clock.fixed(london(2027, 3, 29, 1, 0)):
        assert await _open(db, people, planned) is not None


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "00:30 on 25 October 2026"),  # BST
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "23:30 on 25 October 2026"),  # GMT
        (NEW_YEARS_EVE, "23:30 on 31 December 2026"),
        (QUARTER_START_BST, "00:30 on 01 April 2027"),
    ],
)
def test_staff_pages_show_times_on_londons_clock(moment: datetime, shown: str) -> None:
    assert london_label(moment) == shown


def test_a_leap_february_round_is_reported_as_its_month() -> None:
    assert round_period(date(2028, 2, 1), date(2028, 2, 29)) == Period(2028, "month", 2)
