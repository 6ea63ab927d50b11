"""The in-process queue: same ctx as the worker, retries with backoff, one job per id."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arq.worker import Worker, func

from feedback.queue import ArqQueue, InProcessQueue, redis_settings
from feedback.settings import Settings


async def test_a_failing_job_is_retried_and_logged_without_its_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tries: list[str] = []

    async def flaky(ctx: dict[str, Any], secret: str) -> None:
        tries.append(secret)
        if len(tries) < 3:
            raise ValueError(secret)

    queue = InProcessQueue({"settings": None}, [flaky], retry_delays=(0, 0, 0))
    await queue.enqueue("flaky", "my address is 12 Example Road")
    await queue.drain()

    assert len(tries) == 3
    assert "Example Road" not in caplog.text and "flaky failed (ValueError)" in caplog.text


async def test_a_job_id_already_pending_is_not_queued_twice() -> None:
    runs: list[str] = []

    async def job(ctx: dict[str, Any], value: str) -> None:
        runs.append(value)

    queue = InProcessQueue({}, [job])
    await queue.enqueue("job", "a", job_id="same")
    await queue.enqueue("job", "a", job_id="same")
    await queue.drain()
    assert runs == ["a"]


async def test_jobs_get_the_queue_in_their_ctx_to_enqueue_more() -> None:
    seen: list[object] = []

    async def job(ctx: dict[str, Any]) -> None:
        seen.append(ctx["queue"])

    queue = InProcessQueue({}, [job])
    await queue.enqueue("job")
    await queue.drain()
    assert seen == [queue]


async def test_an_unregistered_job_is_refused_at_enqueue() -> None:
    with pytest.raises(LookupError, match="not registered"):
        await InProcessQueue({}, []).enqueue("nope")


async def test_arq_queue_takes_a_job_id_once_and_the_worker_runs_it(redis_url: str) -> None:
    """One Lua call per enqueue, with arq's own keys and pickled job: a real burst worker
    runs it, and an id already queued (or done, its result kept) is not queued again."""
    runs: list[str] = []

    async def job(ctx: dict[str, Any], value: str) -> str:
        runs.append(value)
        return value

    settings = Settings(redis_url=redis_url)
    queue = ArqQueue(settings)
    await queue.enqueue("job", "a", job_id="same")
    await queue.enqueue("job", "b", job_id="same")
    worker = Worker(
        functions=[func(job, name="job")],
        redis_settings=redis_settings(settings),
        burst=True,
        poll_delay=0,
        handle_signals=False,
    )
    await worker.main()
    await queue.enqueue("job", "c", job_id="same")  # its result is kept: still the same job
    await worker.main()
    await worker.close()
    await queue.close()
    assert runs == ["a"]


async def test_jobs_enqueued_at_once_share_script_calls_and_each_runs_once(
    redis_url: str,
) -> None:
    """A busy web process enqueues a job per response: concurrent enqueues go to Redis
    together (fewer calls than jobs), each id once, and a real worker runs every job."""
    runs: list[str] = []

    async def job(ctx: dict[str, Any], value: str) -> None:
        runs.append(value)

    settings = Settings(redis_url=redis_url)
    queue = ArqQueue(settings)
    calls = 0
    await queue.enqueue("job", "first", job_id="first")  # makes the pool and the script
    script = queue._enqueue_script
    assert script is not None

    async def counted(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return await script(**kwargs)

    queue._enqueue_script = counted  # type: ignore[assignment]
    await asyncio.gather(
        *(queue.enqueue("job", f"v{n % 40}", job_id=f"id{n % 40}") for n in range(120))
    )
    worker = Worker(
        functions=[func(job, name="job")],
        redis_settings=redis_settings(settings),
        burst=True,
        poll_delay=0,
        handle_signals=False,
        max_jobs=50,
    )
    await worker.main()
    await worker.close()
    await queue.close()
    assert 1 <= calls < 120
    assert sorted(runs) == sorted(["first", *(f"v{n}" for n in range(40))])
