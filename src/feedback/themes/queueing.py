"""Queueing a stored response for tagging: the one job name and job id every channel uses.

Apart from `themes.jobs` so that public routes can queue a response without importing the
tagging code (which opens answers): they import this and `feedback.job_queue` only."""

from __future__ import annotations

from feedback.job_queue import JobQueue, enqueue_or_leave_to_sweep


def tagging_job_id(response_id: str) -> str:
    """One job per response: enqueueing it again while it waits or runs is a no-op."""
    return f"tag:{response_id}"


async def queue_tagging(queue: JobQueue, response_id: str) -> None:
    """Queue a committed response for tagging, from any channel. A queue that is down must
    not turn "stored" into an error: `themes.jobs.sweep_untagged` finds the response later."""
    await enqueue_or_leave_to_sweep(
        queue, "tag_response", response_id, job_id=tagging_job_id(response_id)
    )


__all__ = ["queue_tagging", "tagging_job_id"]
