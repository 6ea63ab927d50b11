"""A real `feedback worker` process killed with SIGKILL mid-job: the job still completes.

arq re-runs a job whose worker died once its in-progress key expires (job_timeout + 10 s),
so the test sets FEEDBACK_JOB_TIMEOUT_SECONDS=5 (long enough to catch the job blocked).
PostgreSQL only: the test holds a table lock so the job is provably mid-way (waiting on
it) when the process is killed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.db.engine import create_engine
from feedback.queue import ArqQueue
from feedback.settings import Settings
from feedback.themes.models import ResponseTagging
from feedback.worker import build_worker
from tests.conftest import settings_environment
from tests.support.themes import NewResponse

FEEDBACK = Path(sys.executable).parent / "feedback"


async def _until(check: object, what: str, seconds: float = 30) -> None:
    """Poll a condition the test cannot be told about (another process's progress)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_a_job_whose_worker_was_killed_is_run_again(
    settings: Settings, db: AsyncSession, redis_url: str, backend: str, new_response: NewResponse
) -> None:
    if backend != "postgres":
        pytest.skip("the mid-job lock is a PostgreSQL table lock")
    arq_settings = msgspec.structs.replace(settings, redis_url=redis_url, job_timeout_seconds=5)
    response_id = await new_response()
    queue = ArqQueue(arq_settings)
    await queue.enqueue("tag_response", response_id, job_id=f"tag:{response_id}")
    await queue.close()

    engine = create_engine(settings)
    locker = await engine.connect()
    transaction = await locker.begin()
    await locker.execute(text("LOCK TABLE response_tagging IN EXCLUSIVE MODE"))
    env = {
        **os.environ,
        **settings_environment(arq_settings),
        "FEEDBACK_JOB_TIMEOUT_SECONDS": "5",
    }
    # A real process is the point of this test; starting it does not block for long.
    worker = subprocess.Popen([str(FEEDBACK), "worker"], env=env)  # noqa: ASYNC220
    try:

        async def job_waits_on_lock() -> bool:
            async with engine.connect() as probe:
                waiting = await probe.scalar(
                    text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                )
            return bool(waiting)

        await _until(job_waits_on_lock, "the job to block mid-way")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        await transaction.rollback()
        await locker.close()
        await engine.dispose()

    assert await db.get(ResponseTagging, response_id) is None
    again = build_worker(arq_settings, burst=True, poll_delay=0.2, cron_jobs=[])
    try:
        await again.main()  # returns once the re-run job is done
    finally:
        await again.close()
    db.expire_all()
    assert await db.get(ResponseTagging, response_id) is not None
