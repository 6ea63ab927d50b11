"""`feedback worker` as a process that outlives Redis: arq's Worker, made to wait and carry on.

arq 0.28 on its own ends the worker at the first Redis connection error (and a worker started
while Redis is down exits at once), keeps a job slot for good when Redis fails between taking
the slot and starting the job, and ends a SIGTERM with a cancelled main task (a traceback and
exit status 1). Here instead:

- Redis down, at start or later: one log line per retry, every 0.5 s doubling to 5 s, and the
  worker carries on when Redis answers again. Jobs already running keep running meanwhile.
- Redis back (maybe empty, having lost its queue): the jobs that run at start-up (the sweeps)
  run again at once, so work queued before the outage is found again.
- SIGTERM or SIGINT: no new jobs; jobs in hand get `SHUTDOWN_GRACE_SECONDS` to finish, then
  are cancelled and handed back to the queue (arq re-queues a cancelled job); exit status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from arq.connections import ArqRedis, create_pool
from arq.worker import Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# What Redis being away looks like from redis-py (a refused or reset connection, a timeout).
REDIS_DOWN: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
SHUTDOWN_GRACE_SECONDS = 20.0


class Backoff:
    """Retry delays: `first`, doubling up to `longest`; `reset` once the other side answers."""

    def __init__(self, first: float = 0.5, longest: float = 5.0) -> None:
        self.first, self.longest = first, longest
        self._next = first

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.longest)
        return delay

    def reset(self) -> None:
        self._next = self.first


class ResilientWorker(Worker):
    """An arq Worker that waits out Redis outages and stops cleanly (see the module doc)."""

    def __init__(
        self, *args: Any, shutdown_grace_seconds: float = SHUTDOWN_GRACE_SECONDS, **kwargs: Any
    ) -> None:
        # arq waits this long for jobs in hand after a signal (a float works; it is annotated int)
        kwargs["job_completion_wait"] = shutdown_grace_seconds
        super().__init__(*args, **kwargs)
        self.backoff = Backoff()
        self.stop_signal: signal.Signals | None = None
        self._outage_started: float | None = None
        where = self.redis_settings
        self._redis_address = f"{where.host}:{where.port}" if where else "(pool given)"

    # -- start-up: wait for Redis -------------------------------------------------------------

    async def main(self) -> None:
        if self._pool is None:
            self._pool = await self._connect()
        await super().main()

    async def _connect(self) -> ArqRedis:
        assert self.redis_settings is not None
        while True:
            try:
                pool = await create_pool(
                    self.redis_settings,
                    job_serializer=self.job_serializer,
                    job_deserializer=self.job_deserializer,
                    default_queue_name=self.queue_name,
                    expires_extra_ms=self.expires_extra_ms,
                )
            except REDIS_DOWN as error:
                await self._wait_for_redis(error, "waiting for Redis before starting")
                continue
            self._redis_answered()
            return pool

    # -- running: survive outages -------------------------------------------------------------

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_DOWN as error:
            await self._wait_for_redis(error, "Redis unreachable; jobs in hand carry on")
        else:
            self._redis_answered()

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's, one job at a time, giving the job slot back when Redis fails after arq took
        it and before the job started (arq 0.28 keeps it: after `max_jobs` such failures the
        worker would never take a job again)."""
        for job_id in job_ids:
            if self.job_counter >= self.max_jobs:
                return
            try:
                await super().start_jobs([job_id])
            except REDIS_DOWN:
                # The only Redis calls come after the slot is taken and before the job's task
                # exists, so this slot is certainly held and by nobody.
                self.job_counter -= 1
                self.sem.release()
                raise

    async def run_job(self, job_id: str, score: int) -> None:
        """A job whose start or finish could not be recorded because Redis went away is left
        to arq's expiry (it runs again after its in-progress key lapses) or, if Redis came back
        empty, to the sweeps: either way this worker keeps going."""
        try:
            await super().run_job(job_id, score)
        except REDIS_DOWN as error:
            log.warning(
                "job bookkeeping lost to a Redis outage; it runs again or its sweep finds it",
                extra={"error": type(error).__name__},
            )

    async def _wait_for_redis(self, error: BaseException, what: str) -> None:
        loop = asyncio.get_running_loop()
        if self._outage_started is None:
            self._outage_started = loop.time()
        delay = self.backoff.next_delay()
        log.warning(
            what,
            extra={
                "redis": self._redis_address,
                "error": type(error).__name__,
                "retry_in_s": delay,
            },
        )
        await asyncio.sleep(delay)

    def _redis_answered(self) -> None:
        if self._outage_started is None:
            return
        down_for = asyncio.get_running_loop().time() - self._outage_started
        self._outage_started = None
        self.backoff.reset()
        log.warning("Redis reachable again; carrying on", extra={"down_s": round(down_for, 1)})
        # Redis may be back empty: the start-up jobs (the sweeps) find what its queue lost.
        for cron_job in self.cron_jobs:
            if cron_job.run_at_startup:
                cron_job.next_run = None

    # -- stopping: finish or hand back, exit 0 -----------------------------------------------

    def handle_sig(self, signum: signal.Signals) -> None:
        self.stop_signal = signal.Signals(signum)
        super().handle_sig(signum)

    def handle_sig_wait_for_completion(self, signum: signal.Signals) -> None:
        self.stop_signal = signal.Signals(signum)
        super().handle_sig_wait_for_completion(signum)

    async def close(self) -> None:
        """arq's close, except that Redis being down at the end does not turn a clean stop into
        a traceback: jobs still finishing are awaited whatever they raise."""
        if not self._handle_signals:
            self.handle_sig(signal.SIGUSR1)
        if not self._pool:
            return
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        with contextlib.suppress(*REDIS_DOWN):  # the health key expires on its own
            await self.pool.delete(self.health_check_key)
        if self.on_shutdown:
            await self.on_shutdown(self.ctx)
        await self.pool.aclose(close_connection_pool=True)
        self._pool = None


async def run_until_stopped(worker: ResilientWorker) -> None:
    """Run until a signal stops the worker (or a burst worker drains), then close it."""
    try:
        await worker.async_run()
    except asyncio.CancelledError:
        if worker.stop_signal is None:
            raise  # cancelled from outside, not stopped by a signal
    finally:
        await worker.close()
    log.info("worker stopped", extra={"signal": worker.stop_signal and worker.stop_signal.name})
