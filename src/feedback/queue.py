"""The job queue: arq on Redis when FEEDBACK_REDIS_URL is set; otherwise jobs run in-process."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from arq import Retry
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms
from redis.commands.core import AsyncScript
from sqlalchemy.ext.asyncio import AsyncEngine

from feedback.crypto.master import MasterKeys
from feedback.db.engine import session_factory

# The interface lives apart, arq-free, so that services can use it; re-exported here.
from feedback.job_queue import JobQueue as JobQueue
from feedback.job_queue import enqueue_or_leave_to_sweep as enqueue_or_leave_to_sweep
from feedback.settings import Settings

log = logging.getLogger(__name__)


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


JobFunction = Callable[..., Awaitable[Any]]


def job_context(settings: Settings, engine: AsyncEngine, master_keys: MasterKeys) -> dict[str, Any]:
    """The ctx every job receives, built the same way by the arq worker's startup and by the
    in-process queue, so a job cannot tell which one ran it."""
    return {
        "settings": settings,
        "engine": engine,
        "sessions": session_factory(engine),
        "master_keys": master_keys,
    }


# KEYS: the queue, then each job's job key and result key; ARGV: the job keys' expiry,
# then each job's pickled job, score and id. A job id already queued, running or holding
# a result is not queued again (also when it comes twice in one call).
_ENQUEUE_SCRIPT = """
for i = 1, (#KEYS - 1) / 2 do
  if redis.call('exists', KEYS[2 * i], KEYS[2 * i + 1]) == 0 then
    redis.call('psetex', KEYS[2 * i], ARGV[1], ARGV[3 * i - 1])
    redis.call('zadd', KEYS[1], ARGV[3 * i], ARGV[3 * i + 1])
  end
end
return 0
"""
MAX_BATCH = 500


class _WaitingJob:
    __slots__ = ("done", "job_id", "payload", "score")

    def __init__(self, job_id: str, payload: bytes, score: int) -> None:
        self.job_id = job_id
        self.payload = payload
        self.score = score
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class ArqQueue:
    """Jobs go to Redis for `feedback worker`; a job id makes a repeated enqueue a no-op
    while that job is queued, running or its result is kept."""

    def __init__(self, settings: Settings, pool: ArqRedis | None = None) -> None:
        self._settings = settings
        self._pool = pool
        self._owns_pool = pool is None
        self._enqueue_script: AsyncScript | None = None
        self._waiting: list[_WaitingJob] = []
        self._sending: asyncio.Task[None] | None = None

    async def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None:
        """What arq's `enqueue_job` does (same keys, expiry and pickled job, so `feedback
        worker` runs it unchanged), as a Lua script: atomic per job like arq's WATCH /
        EXISTS / MULTI..EXEC, in one round trip. Jobs enqueued while a script call is in
        flight go together in the next call (a busy web process enqueues a job per
        response); each caller returns once its job is in Redis, or gets the error."""
        enqueued_ms = timestamp_ms()
        job = _WaitingJob(
            job_id or uuid.uuid4().hex,
            serialize_job(function, args, {}, None, enqueued_ms),
            enqueued_ms,
        )
        self._waiting.append(job)
        if self._sending is None or self._sending.done():
            self._sending = asyncio.create_task(self._send_waiting())
        await job.done

    async def _send_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                await self._send(batch)
            except BaseException as error:  # noqa: BLE001 - each caller hears of it
                for job in batch:
                    if not job.done.done():
                        job.done.set_exception(error)
                if not isinstance(error, Exception):
                    raise  # cancelled (shutting down): no caller is left waiting on this batch
                continue
            for job in batch:
                if not job.done.done():
                    job.done.set_result(None)

    async def _send(self, batch: list[_WaitingJob]) -> None:
        if self._pool is None:
            self._pool = await create_pool(redis_settings(self._settings))
        if self._enqueue_script is None:
            self._enqueue_script = self._pool.register_script(_ENQUEUE_SCRIPT)
        keys: list[str] = [self._pool.default_queue_name]
        args: list[Any] = [self._pool.expires_extra_ms]
        for job in batch:
            keys += [job_key_prefix + job.job_id, result_key_prefix + job.job_id]
            args += [job.payload, job.score, job.job_id]
        await self._enqueue_script(keys=keys, args=args)

    async def drain(self) -> None:
        """Nothing to wait for here: the worker processes run the jobs."""

    async def close(self) -> None:
        if self._sending is not None and not self._sending.done():
            await asyncio.wait([self._sending])  # jobs already accepted still reach Redis
        if self._pool is not None and self._owns_pool:
            await self._pool.aclose()
        self._pool = None
        self._enqueue_script = None


class InProcessQueue:
    """The embedded default: the very job function the worker would run, as an asyncio task
    in this process, with the same ctx. A job that fails is retried after `retry_delays`
    (seconds), then given up and left to the periodic sweep; logs name the job, never its
    arguments' content."""

    def __init__(
        self,
        ctx: dict[str, Any],
        functions: Iterable[JobFunction],
        *,
        retry_delays: Sequence[float] = (1.0, 5.0, 30.0),
    ) -> None:
        self.ctx = {**ctx, "queue": self}  # jobs that enqueue jobs (the sweep) use this queue
        self._functions = {function.__name__: function for function in functions}
        self._retry_delays = tuple(retry_delays)
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._periodic: list[asyncio.Task[None]] = []

    async def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None:
        if function not in self._functions:
            raise LookupError(f"job {function!r} is not registered in worker.FUNCTIONS")
        key = job_id or f"{function}:{uuid.uuid4().hex}"
        if key in self._pending:  # the same job is already waiting or running
            return
        task = asyncio.create_task(self._run(function, args))
        self._pending[key] = task
        task.add_done_callback(lambda _task: self._pending.pop(key, None))

    async def _run(self, function: str, args: tuple[Any, ...]) -> None:
        job = self._functions[function]
        for attempt in range(len(self._retry_delays) + 1):
            try:
                await self._call_deferring(job, args)
                return
            except Exception as error:  # noqa: BLE001 - a job failure is logged, not raised
                if attempt == len(self._retry_delays):
                    log.error("job %s failed for good: %s", function, type(error).__name__)
                    return
                log.warning(
                    "job %s failed (%s), retry %d", function, type(error).__name__, attempt + 1
                )
                await asyncio.sleep(self._retry_delays[attempt])

    async def _call_deferring(self, job: JobFunction, args: tuple[Any, ...]) -> None:
        """Run the job; an arq `Retry(defer=...)` (e.g. a rate limit) waits and runs it again
        without counting as a failure, as arq does, up to arq's default of 5 tries."""
        for _try in range(4):
            try:
                await job(self.ctx, *args)
                return
            except Retry as retry:
                await asyncio.sleep((retry.defer_score or 0) / 1000)
        await job(self.ctx, *args)

    def run_every(self, function: str, seconds: float) -> None:
        """Run a registered job now and then every `seconds` (the in-process arq cron)."""
        if function not in self._functions:
            raise LookupError(f"job {function!r} is not registered in worker.FUNCTIONS")

        async def loop() -> None:
            while True:
                await self.enqueue(function, job_id=f"periodic:{function}")
                await asyncio.sleep(seconds)

        self._periodic.append(asyncio.create_task(loop()))

    async def drain(self) -> None:
        """Wait until every job enqueued so far, and any it enqueued in turn, has finished."""
        while self._pending:
            await asyncio.gather(*list(self._pending.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in self._periodic:
            task.cancel()
        await asyncio.gather(*self._periodic, return_exceptions=True)
        self._periodic.clear()
        await self.drain()


def build_queue(
    settings: Settings,
    *,
    functions: Iterable[JobFunction],
    engine: AsyncEngine,
    master_keys: MasterKeys,
) -> JobQueue:
    """arq when FEEDBACK_REDIS_URL is set, otherwise the in-process runner on `engine`."""
    if settings.redis_url is not None:
        return ArqQueue(settings)
    return InProcessQueue(job_context(settings, engine, master_keys), functions)
