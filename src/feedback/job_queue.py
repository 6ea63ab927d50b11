"""The job queue as services see it: the JobQueue interface, and enqueueing that survives a
queue that is down. Apart from `queue.py` (arq and the in-process runner) so that a service
can hand work to the background without importing arq."""

from __future__ import annotations

import logging
from typing import Any, Protocol, runtime_checkable

__all__ = ["JobQueue", "enqueue_or_leave_to_sweep"]

log = logging.getLogger("feedback.queue")


@runtime_checkable
class JobQueue(Protocol):
    """Where a request hands work to the background after its transaction commits."""

    async def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None: ...

    async def drain(self) -> None: ...

    async def close(self) -> None: ...


async def enqueue_or_leave_to_sweep(
    queue: JobQueue, function: str, *args: Any, job_id: str
) -> None:
    """Enqueue work whose record is already committed. A queue that is down must not turn a
    respondent's success page into an error: the job's periodic sweep finds the record."""
    try:
        await queue.enqueue(function, *args, job_id=job_id)
    except Exception as error:  # noqa: BLE001 - any queue failure is recovered by the sweep
        log.warning(
            "job not enqueued; its sweep will pick it up",
            extra={"job": function, "error": type(error).__name__},
        )
