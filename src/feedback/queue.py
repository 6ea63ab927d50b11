"""The job queue: arq on Redis when FEEDBACK_REDIS_URL is set; otherwise jobs run in-process."""

from __future__ import annotations

import asyncio

from arq.connections import RedisSettings, create_pool

from feedback.settings import Settings


def redis_settings(settings: Settings) -> RedisSettings:
    assert settings.redis_url is not None
    redis = RedisSettings.from_dsn(settings.redis_url)
    redis.conn_timeout = 2
    redis.conn_retries = 0
    return redis


async def ping_queue(settings: Settings) -> str:
    """ "ok" when Redis answers, "in-process" when none is configured, else "unreachable"."""
    if settings.redis_url is None:
        return "in-process"
    try:
        pool = await asyncio.wait_for(create_pool(redis_settings(settings)), timeout=3)
        try:
            await asyncio.wait_for(pool.ping(), timeout=2)
        finally:
            await pool.aclose()
    except Exception:  # noqa: BLE001 - any failure means "not ready", reported not raised
        return "unreachable"
    return "ok"
