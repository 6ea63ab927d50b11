"""`feedback worker` as an operator runs it: a real process on its own Redis server, which the
tests stop, kill and restart empty. The worker waits, carries on, and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import msgspec
import pytest
from arq import cron
from arq.connections import create_pool
from arq.constants import default_queue_name, in_progress_key_prefix
from arq.jobs import Job
from arq.worker import func
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import text

from feedback.db.engine import create_engine
from feedback.queue import ArqQueue, redis_settings
from feedback.settings import Settings
from feedback.worker_process import ResilientWorker, run_until_stopped
from tests.conftest import settings_environment
from tests.redis_server import RedisServer

FEEDBACK = Path(sys.executable).parent / "feedback"
PROBE_JOB = "sweep_withdrawals"  # a registered job that needs no data to run


async def until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 30) -> None:
    """Poll what another process does (the test cannot be told of it)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class WorkerProcess:
    """`feedback worker` in a subprocess, its log (stderr) kept in a file."""

    def __init__(self, settings: Settings, log_file: Path) -> None:
        self.settings, self.log_file = settings, log_file
        self._env = {**os.environ, **settings_environment(settings)}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> WorkerProcess:
        with self.log_file.open("wb") as log:
            self.process = subprocess.Popen([str(FEEDBACK), "worker"], env=self._env, stderr=log)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_lines(self) -> list[str]:
        return self.log_file.read_text().splitlines()

    async def logged(self, event: str) -> None:
        async def seen() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log_lines()
            return any(event in line for line in self.log_lines())

        await until(seen, f"the worker to log {event!r}")

    async def stop(self) -> int:
        """SIGTERM, then the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.process.wait, 40)

    def assert_log_is_clean(self) -> None:
        """JSON lines only: no traceback, nothing printed raw."""
        for line in self.log_lines():
            msgspec.json.decode(line)
        assert "Traceback" not in self.log_file.read_text()


async def run_probe(settings: Settings, job_id: str) -> None:
    """Enqueue the probe job as the app enqueues, and wait for a worker to have run it."""
    queue = ArqQueue(settings)
    await queue.enqueue(PROBE_JOB, job_id=job_id)
    await queue.close()
    pool = await create_pool(redis_settings(settings))
    try:
        await Job(job_id, pool).result(timeout=30, poll_delay=0.05)
    finally:
        await pool.aclose()


@pytest.fixture
def postgres_settings(settings: Settings, backend: str) -> Settings:
    if backend != "postgres":
        pytest.skip("the production shape: PostgreSQL (the worker does not depend on it)")
    return settings


async def test_a_worker_started_while_redis_is_down_waits_then_runs_jobs(
    postgres_settings: Settings, tmp_path: Path
) -> None:
    with RedisServer(start=False) as redis:
        on_redis = msgspec.structs.replace(postgres_settings, redis_url=redis.url)
        with WorkerProcess(on_redis, tmp_path / "worker.log") as worker:
            await worker.logged("waiting for Redis before starting")
            redis.start()
            await run_probe(on_redis, "probe-after-start")
            assert await worker.stop() == 0
    worker.assert_log_is_clean()
    assert any("Redis reachable again" in line for line in worker.log_lines())


async def test_a_worker_outlives_redis_killed_and_restarted_empty(
    postgres_settings: Settings, tmp_path: Path
) -> None:
    with RedisServer() as redis:
        on_redis = msgspec.structs.replace(postgres_settings, redis_url=redis.url)
        with WorkerProcess(on_redis, tmp_path / "worker.log") as worker:
            await run_probe(on_redis, "probe-before")
            redis.kill()
            await worker.logged("Redis unreachable")
            started = asyncio.get_running_loop().time()
            await asyncio.sleep(2)  # a short outage: the worker must sit it out, not exit
            redis.start()
            await run_probe(on_redis, "probe-after")
            outage = asyncio.get_running_loop().time() - started
            assert await worker.stop() == 0
    worker.assert_log_is_clean()
    retries = [line for line in worker.log_lines() if "Redis unreachable" in line]
    # one line per retry, 0.5 s doubling: a handful over the outage, not a storm
    assert 1 <= len(retries) <= 2 + outage / 0.5
    assert any("Redis reachable again" in line for line in worker.log_lines())


async def test_sigterm_mid_job_lets_the_job_finish_and_exits_0(
    postgres_settings: Settings, tmp_path: Path
) -> None:
    with RedisServer() as redis:
        on_redis = msgspec.structs.replace(postgres_settings, redis_url=redis.url)
        engine = create_engine(postgres_settings)
        locker = await engine.connect()
        try:
            with WorkerProcess(on_redis, tmp_path / "worker.log") as worker:
                await run_probe(on_redis, "probe-warm")  # start-up jobs are done by now
                transaction = await locker.begin()
                await locker.execute(
                    text("LOCK TABLE withdrawal_requests IN ACCESS EXCLUSIVE MODE")
                )
                queue = ArqQueue(on_redis)
                await queue.enqueue(PROBE_JOB, job_id="probe-in-hand")
                await queue.close()

                async def job_waits_on_lock() -> bool:
                    async with engine.connect() as probe:
                        waiting = await probe.scalar(
                            text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        )
                    return bool(waiting)

                await until(job_waits_on_lock, "the job to block mid-way")
                assert worker.process is not None
                worker.process.send_signal(signal.SIGTERM)
                await asyncio.sleep(1)  # well inside the grace period
                assert worker.process.poll() is None, "the worker left its job unfinished"
                await transaction.rollback()
                assert await asyncio.to_thread(worker.process.wait, 30) == 0
        finally:
            await locker.close()
            await engine.dispose()
        pool = await create_pool(redis_settings(on_redis))
        try:
            info = await Job("probe-in-hand", pool).result_info()
        finally:
            await pool.aclose()
    assert info is not None and info.success
    worker.assert_log_is_clean()


async def test_jobs_still_running_at_the_end_of_the_grace_period_are_handed_back(
    redis_url: str,
) -> None:
    started = asyncio.Event()

    async def stuck(ctx: dict[str, Any]) -> None:
        started.set()
        await asyncio.Event().wait()

    settings = Settings(redis_url=redis_url)
    worker = ResilientWorker(
        functions=[func(stuck, name="stuck")],
        redis_settings=redis_settings(settings),
        poll_delay=0.01,
        shutdown_grace_seconds=0.2,
    )
    queue = ArqQueue(settings)
    await queue.enqueue("stuck", job_id="in-hand")
    running = asyncio.create_task(run_until_stopped(worker))
    await asyncio.wait_for(started.wait(), 10)
    worker.handle_sig_wait_for_completion(signal.SIGTERM)
    await asyncio.wait_for(running, 10)  # returns: no CancelledError escapes

    pool = await create_pool(redis_settings(settings))
    try:
        assert await pool.zscore(default_queue_name, "in-hand") is not None  # queued again
        assert not await pool.exists(in_progress_key_prefix + "in-hand")  # and free to take
    finally:
        await pool.aclose()
        await queue.close()


async def test_a_job_slot_is_given_back_when_redis_fails_as_a_job_starts() -> None:
    ran: list[str] = []

    async def job(ctx: dict[str, Any]) -> None:
        ran.append("job")

    with RedisServer() as redis:
        settings = Settings(redis_url=redis.url)
        pool = await create_pool(redis_settings(settings))
        worker = ResilientWorker(functions=[func(job, name="job")], redis_pool=pool, max_jobs=1)
        redis.kill()
        for _ in range(3):  # more failures than the worker has job slots
            with pytest.raises(RedisConnectionError):
                await worker.start_jobs([b"queued-job"])
        assert worker.job_counter == 0
        redis.start()
        queue = ArqQueue(settings)
        await queue.enqueue("job", job_id="queued-job")
        await queue.close()
        await worker.start_jobs([b"queued-job"])
        await asyncio.wait_for(worker.tasks["queued-job"], 10)
        await pool.aclose()
    assert ran == ["job"]


async def test_start_up_jobs_run_again_when_redis_comes_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redis may come back empty, its queue lost: the sweeps (start-up jobs) look again."""
    runs: list[str] = []

    async def sweep(ctx: dict[str, Any]) -> None:
        runs.append("sweep")

    async def ran(times: int) -> bool:
        return len(runs) >= times

    async def outage_noticed() -> bool:
        return "Redis unreachable" in caplog.text

    with RedisServer() as redis:
        worker = ResilientWorker(
            cron_jobs=[cron(sweep, hour=0, minute=0, second=0, run_at_startup=True)],
            redis_settings=redis_settings(Settings(redis_url=redis.url)),
            poll_delay=0.05,
        )
        running = asyncio.create_task(run_until_stopped(worker))
        await until(lambda: ran(1), "the start-up run")
        redis.kill()
        await until(outage_noticed, "the worker to notice the outage")
        redis.start()
        await until(lambda: ran(2), "the run after Redis came back")
        worker.handle_sig_wait_for_completion(signal.SIGTERM)
        await asyncio.wait_for(running, 10)
    assert runs == ["sweep", "sweep"]
