"""Submitting a response queues its tagging after the commit, in both queue modes."""

from __future__ import annotations

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.themes.models import ResponseTagging, ThemeTag
from feedback.worker import build_worker
from tests.support.responses import answer_survey

ANSWERS = {
    "q_felt_believed": "4",
    "q_had_to_repeat_story": "no",
    "q_what_helped_most": "The waiting list was far too long.",
    "q_age_band": "prefer_not_to_say",
}


async def _theme_ids(db: AsyncSession) -> list[str]:
    db.expire_all()
    return list(await db.scalars(select(ThemeTag.theme_id)))


async def test_the_embedded_default_tags_in_process_after_submission(
    app: Litestar, db: AsyncSession, link_token: str
) -> None:
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        await answer_survey(client, link_token, ANSWERS)
    # the app's shutdown drains the in-process queue (the test client runs the app in a
    # loop of its own, so the test cannot await the queue directly)
    assert "waiting_times" in await _theme_ids(db)


async def test_with_redis_the_worker_tags_what_the_web_process_queued(
    settings: Settings, db: AsyncSession, redis_url: str, link_token: str
) -> None:
    with_redis = msgspec.structs.replace(settings, redis_url=redis_url)
    app = create_app(with_redis)
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        await answer_survey(client, link_token, ANSWERS)
    response_id = await db.scalar(select(Response.id))
    assert await db.get(ResponseTagging, response_id) is None  # queued, not yet run

    worker = build_worker(with_redis, burst=True, poll_delay=0)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert "waiting_times" in await _theme_ids(db)
