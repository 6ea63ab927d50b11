"""An expiry date means "usable all of that day in London": checked at midnight on New Year's
Eve and on the days British Summer Time starts and ends, for links and join codes alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.accounts import as_staff, user_by_email
from feedback.crypto.master import load_master_key
from feedback.errors import InvalidInput
from feedback.links import service as links
from feedback.links.errors import LinkUnavailable
from feedback.settings import Settings
from tests.dates import NEW_YEAR, NEW_YEARS_EVE, london
from tests.factories import create_staff
from tests.links.test_service import BASE, published  # noqa: F401 - fixture

# last day: (the instant it stops working, a moment still inside it, a moment just after)
LAST_DAYS = {
    date(2026, 12, 31): (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), NEW_YEARS_EVE, NEW_YEAR),
    # Clocks go forward that night: the day ends at 23:00 UTC.
    date(2027, 3, 28): (
        datetime(2027, 3, 28, 23, 0, tzinfo=UTC),
        london(2027, 3, 28, 23, 30),
        london(2027, 3, 29, 0, 10),
    ),
    # Clocks went back that morning: the day lasts 25 hours and ends at midnight GMT.
    date(2026, 10, 25): (
        datetime(2026, 10, 26, 0, 0, tzinfo=UTC),
        london(2026, 10, 25, 23, 30),
        london(2026, 10, 26, 0, 10),
    ),
    date(2028, 2, 29): (
        datetime(2028, 3, 1, 0, 0, tzinfo=UTC),
        london(2028, 2, 29, 23, 30),
        london(2028, 3, 1, 0, 10),
    ),
}


async def _batch(
    db: AsyncSession, settings: Settings, kind: str, last_day: date
) -> tuple[int, str, str]:
    """A batch of `kind` (link or code) usable until `last_day`: its id, what to redeem, how."""
    if kind == "link":
        made = await links.create_links(
            db,
            survey_slug="service-satisfaction",
            service_name="Advocacy Service",
            count=1,
            expires_on=last_day,
            base_url=BASE,
        )
        return made.batch_id, made.links[0].url.rsplit("/", 1)[1], kind
    made = await links.create_code(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        cap=5,
        expires_on=last_day,
        base_url=BASE,
        master_key=load_master_key(settings, create=True),
    )
    return made.batch_id, made.codes[0].code, kind


async def _redeem(db: AsyncSession, settings: Settings, what: str, kind: str) -> None:
    if kind == "link":
        await links.redeem_token(db, what)
    else:
        key = load_master_key(settings)
        await links.redeem_code(db, what, master_keys=[key], client="c", attempts_per_hour=100)


@pytest.mark.parametrize("kind", ["link", "code"])
@pytest.mark.parametrize("last_day", list(LAST_DAYS), ids=str)
async def test_a_batch_works_to_the_end_of_its_last_london_day(
    kind: str,
    last_day: date,
    db: AsyncSession,
    settings: Settings,
    published: str,  # noqa: F811
) -> None:
    ends, inside, after = LAST_DAYS[last_day]
    assert links.end_of_day(last_day) == ends
    with clock.fixed(inside):
        batch_id, what, kind = await _batch(db, settings, kind, last_day)
        await _redeem(db, settings, what, kind)
    with clock.fixed(after), pytest.raises(LinkUnavailable):
        await _redeem(db, settings, what, kind)
    lead = await create_staff(db)
    listed = await links.list_batches(db, actor=as_staff(await user_by_email(db, lead.email)))
    shown = next(batch for batch in listed if batch.batch_id == batch_id)
    assert (shown.last_day, shown.expires_at) == (last_day, ends)


async def test_a_last_day_that_has_just_ended_is_refused(
    db: AsyncSession,
    settings: Settings,
    published: str,  # noqa: F811
) -> None:
    with clock.fixed(NEW_YEAR), pytest.raises(InvalidInput, match="2026-12-31 is in the past"):
        await _batch(db, settings, "link", date(2026, 12, 31))
    with clock.fixed(NEW_YEARS_EVE):
        await _batch(db, settings, "link", date(2026, 12, 31))  # ten minutes earlier: fine
