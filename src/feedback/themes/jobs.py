"""Background jobs of the themes domain: tag a response, and sweep up any left untagged.

Plain `async def job(ctx, ...)` functions, run by the arq worker or by the in-process
queue with the same ctx (feedback.queue.job_context). arq retries only on `Retry`: a
database hiccup is retried with a growing delay; anything else fails the job, and the
sweep offers the response again later.
"""

from __future__ import annotations

import logging
from typing import Any

from arq import Retry
from sqlalchemy.exc import DBAPIError, OperationalError

from feedback.crypto.master import MasterKeys
from feedback.themes.queueing import tagging_job_id
from feedback.themes.tagging import TaggingOutcome, tag_stored_response, untagged_responses

__all__ = ["RETRY_DELAY_SECONDS", "sweep_untagged", "tag_response"]

log = logging.getLogger(__name__)
RETRY_DELAY_SECONDS = 10


def _master_keys(ctx: dict[str, Any]) -> MasterKeys:
    keys = ctx["master_keys"]
    return keys if isinstance(keys, MasterKeys) else MasterKeys(tuple(keys))


async def tag_response(ctx: dict[str, Any], response_id: str) -> str:
    """Tag one response; enqueued after its submission commits, and by the sweep."""
    try:
        async with ctx["sessions"]() as session:
            outcome: TaggingOutcome = await tag_stored_response(
                session,
                response_id,
                master_keys=_master_keys(ctx),
                suppression_threshold=ctx["settings"].suppression_threshold,
            )
    except (OperationalError, DBAPIError) as error:  # the database went away: try again
        tries = int(ctx.get("job_try", 1))
        log.warning("tag_response: database error %s, retrying", type(error).__name__)
        raise Retry(defer=RETRY_DELAY_SECONDS * tries) from None
    return outcome.state


async def sweep_untagged(ctx: dict[str, Any]) -> int:
    """Enqueue every response without a tagging record. The job id is the same one intake
    uses, so a response whose job is still queued or running is not queued twice; one whose
    job was lost (Redis flushed, worker gone, process restarted) is queued again."""
    async with ctx["sessions"]() as session:
        waiting = await untagged_responses(session)
    for response_id in waiting:
        # Not `queue_tagging`: a queue failure here fails the sweep, which runs again later.
        await ctx["queue"].enqueue("tag_response", response_id, job_id=tagging_job_id(response_id))
    return len(waiting)
