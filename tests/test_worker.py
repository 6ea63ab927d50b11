"""The arq worker runs on the real Redis with every registered job."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import SignInFailure, StaffSession
from feedback.db.base import utc_now
from feedback.links.models import JoinFailure
from feedback.settings import Settings
from feedback.worker import build_worker
from tests.factories import create_staff


async def test_worker_purges_idle_sessions_and_old_failures_and_guesses(
    settings: Settings, db: AsyncSession, redis_url: str
) -> None:
    staff = await create_staff(db)
    long_ago = utc_now() - timedelta(hours=3)
    db.add_all(
        [
            StaffSession(id="a" * 64, user_id=staff.id, created_at=long_ago, last_seen_at=long_ago),
            StaffSession(id="b" * 64, user_id=staff.id),
            SignInFailure(account_key="k" * 64, at=long_ago),
            SignInFailure(account_key="k" * 64),
            JoinFailure(client_key="c" * 64, at=long_ago),
            JoinFailure(client_key="c" * 64),
        ]
    )
    await db.commit()

    worker = build_worker(
        msgspec.structs.replace(settings, redis_url=redis_url), burst=True, poll_delay=0
    )
    try:
        await worker.main()
    finally:
        await worker.close()

    db.expire_all()
    assert list(await db.scalars(select(StaffSession.id))) == ["b" * 64]
    assert await db.scalar(select(func.count()).select_from(SignInFailure)) == 1
    assert await db.scalar(select(func.count()).select_from(JoinFailure)) == 1


def test_worker_without_redis_says_which_setting_is_missing(settings: Settings) -> None:
    import pytest

    from feedback.errors import SettingsInvalid

    with pytest.raises(SettingsInvalid, match="FEEDBACK_REDIS_URL"):
        build_worker(settings)
