"""An SMS conversation lasts `sms_conversation_hours` real hours from the last reply: across
New Year, and across the night the clocks go back (a wall clock would show an hour less)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.settings import Settings
from feedback.sms.models import SmsConversation
from feedback.sms.state import delete_expired
from tests.dates import NEW_YEARS_EVE, london
from tests.sms.test_conversation import text

GONE = "Sorry, we could not find"
STARTS = {
    "new-years-eve": NEW_YEARS_EVE,
    "day-before-clocks-go-back": london(2026, 10, 24, 12, 0),  # BST; expires 11:00 GMT
    "day-before-clocks-go-forward": london(2027, 3, 27, 12, 0),  # GMT; expires 13:00 BST
}


def _after(start: str, settings: Settings, minutes: int) -> datetime:
    """`sms_conversation_hours` real hours after the start, plus `minutes` (added in UTC)."""
    hours = timedelta(hours=settings.sms_conversation_hours, minutes=minutes)
    return STARTS[start].astimezone(UTC) + hours


async def _started(
    db: AsyncSession, settings: Settings, master_key: bytes, code: str, at: datetime
) -> None:
    with clock.fixed(at):
        first = await text(db, settings, master_key, f"FEEDBACK {code}")
    assert first[-1].startswith("1. ")


@pytest.mark.parametrize("start", list(STARTS))
async def test_a_reply_just_inside_the_hours_carries_on(
    start: str, db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await _started(db, settings, master_key, sms_code, STARTS[start])
    with clock.fixed(_after(start, settings, -10)):
        assert (await text(db, settings, master_key, "4"))[0].startswith("2. ")


@pytest.mark.parametrize("start", list(STARTS))
async def test_a_reply_just_after_the_hours_finds_nothing_and_the_cleanup_deletes_it(
    start: str, db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await _started(db, settings, master_key, sms_code, STARTS[start])
    with clock.fixed(_after(start, settings, -1)):
        assert await delete_expired(db) == 0
    with clock.fixed(_after(start, settings, 10)):
        assert await delete_expired(db) == 1
        assert (await text(db, settings, master_key, "4"))[0].startswith(GONE)
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 0
