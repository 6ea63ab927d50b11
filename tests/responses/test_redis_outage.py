"""The web process through a Redis outage (its own redis-server, killed and restarted empty):
/ready says the queue is down, answers are still stored with a receipt, enqueueing works
again once Redis is back, and the sweep tags what the outage kept from the queue."""

from __future__ import annotations

import msgspec
from arq.connections import create_pool
from arq.constants import default_queue_name
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.queue import redis_settings
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.themes.models import ResponseTagging
from feedback.worker import build_worker
from tests.redis_server import RedisServer
from tests.support.responses import answer_survey, new_link_token

ANSWERS = {"q_felt_believed": "4", "q_what_helped_most": "Someone listened."}


async def test_answers_are_stored_through_a_redis_outage_and_tagged_after_it(
    settings: Settings, db: AsyncSession, link_token: str
) -> None:
    tokens = [link_token, await new_link_token(db), await new_link_token(db)]
    with RedisServer() as redis:
        on_redis = msgspec.structs.replace(settings, redis_url=redis.url)
        app = create_app(on_redis)
        async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
            assert (await client.get("/ready")).json()["queue"] == "ok"
            await answer_survey(client, tokens[0], ANSWERS)  # its job reaches Redis...
            redis.kill()  # ...and is lost with it

            down = await client.get("/ready")
            await answer_survey(client, tokens[1], ANSWERS)  # asserts the receipt is shown

            redis.start()  # empty
            up = await client.get("/ready")
            await answer_survey(client, tokens[2], ANSWERS)  # enqueued on the same pool again
        pool = await create_pool(redis_settings(on_redis))
        queued = await pool.zcard(default_queue_name)
        await pool.aclose()

        assert (down.status_code, down.json()["queue"]) == (503, "unreachable")
        assert (up.status_code, up.json()["queue"]) == (200, "ok")
        assert queued == 1
        assert await db.scalar(select(func.count()).select_from(Response)) == 3

        worker = build_worker(on_redis, burst=True, poll_delay=0)  # its start-up sweep runs
        try:
            await worker.main()
        finally:
            await worker.close()
    assert await db.scalar(select(func.count()).select_from(ResponseTagging)) == 3
