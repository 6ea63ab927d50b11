"""Codes never used for pairing expire: a waiting intake is deleted after
`outcome_pairing_expiry_months` (18 by default), so a code cannot be used to link
answers years later and the table does not grow for ever.

A waiting row keeps only the month it was kept in (as coarse as the counters): it lives
at least the whole period and at most one month more. A paired row has no month and is
never expired here; it goes when either response is withdrawn. A waiting row from before
expiry was added (no month) is given the current month the first time the sweep sees it,
so it too is kept at least the whole period.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, delete, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.outcomes.models import OutcomePairing

__all__ = ["expire_waiting_pairings", "last_kept_month", "this_month"]

_PAIRINGS = cast(Table, OutcomePairing.__table__)


def this_month() -> str:
    return clock.today_london().strftime("%Y-%m")


def last_kept_month(months: int) -> str:
    """The newest month whose waiting rows are past `months` whole months: kept in
    2025-01 with 18 months, the row goes once August 2026 begins."""
    today = clock.today_london()
    index = today.year * 12 + (today.month - 1) - months - 1
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def expire_waiting_pairings(session: AsyncSession, *, months: int) -> int:
    """Delete waiting rows kept `months` whole months ago or earlier; the number deleted.
    One statement each (db/lock_order.py step 3a): no counter is touched."""
    waiting = _PAIRINGS.c.paired.is_(False)
    await session.execute(
        update(_PAIRINGS)
        .where(waiting, _PAIRINGS.c.kept_month.is_(None))
        .values(kept_month=this_month())
    )
    result = cast(
        CursorResult[object],
        await session.execute(
            delete(_PAIRINGS).where(waiting, _PAIRINGS.c.kept_month <= last_kept_month(months))
        ),
    )
    await session.commit()
    return int(result.rowcount or 0)
