"""Slowing guesses at the short secrets a respondent types: join codes and receipt codes.

Each client has one budget of wrong guesses per hour, shared by both kinds of code, so a
guesser gains nothing by switching forms. The client is known only by a keyed hash that
changes every day: enough to slow guessing today, useless for recognising anyone tomorrow.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.errors import TooManyAttempts
from feedback.db.base import utc_now
from feedback.links import tokens
from feedback.links.models import JoinFailure

__all__ = ["GUESS_WINDOW", "check_guess_budget", "purge_old_guesses", "record_wrong_guess"]

GUESS_WINDOW = timedelta(hours=1)


async def check_guess_budget(
    session: AsyncSession,
    *,
    master_key: bytes,
    client: str,
    attempts_per_hour: int,
) -> str:
    """The client's key for today; TooManyAttempts once it has used up this hour's budget."""
    key = tokens.client_key(master_key, client, clock.today_london().isoformat())
    since = utc_now() - GUESS_WINDOW
    failures = await session.scalar(
        select(func.count()).where(JoinFailure.client_key == key, JoinFailure.at > since)
    )
    if (failures or 0) >= attempts_per_hour:
        raise TooManyAttempts(int(GUESS_WINDOW.total_seconds()))
    return key


async def record_wrong_guess(session: AsyncSession, client_key: str) -> None:
    """Count one wrong code against the client, committed at once so a failed request
    still uses up budget."""
    session.add(JoinFailure(client_key=client_key))
    await session.commit()


async def purge_old_guesses(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Forget wrong guesses once they no longer count: nothing about a client outlives the hour."""
    cutoff = (now or utc_now()) - GUESS_WINDOW
    result = await session.execute(delete(JoinFailure).where(JoinFailure.at < cutoff))
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
