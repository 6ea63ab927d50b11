"""Background jobs of the responses domain: carrying out withdrawals."""

from __future__ import annotations

from typing import Any

from feedback.crypto.master import MasterKeys
from feedback.db.lock_order import retry_conflicts
from feedback.responses.withdrawal import Outcome, pending_withdrawals, remove_response

__all__ = ["sweep_withdrawals", "withdraw_response"]


def _master_keys(ctx: dict[str, Any]) -> MasterKeys:
    keys = ctx["master_keys"]
    return keys if isinstance(keys, MasterKeys) else MasterKeys(tuple(keys))


async def withdraw_response(ctx: dict[str, Any], response_id: str) -> Outcome:
    """Remove one withdrawn response and correct the counts; enqueued by /withdraw. A lock
    conflict with intake or tagging is retried in a fresh transaction."""

    async def attempt() -> Outcome:
        async with ctx["sessions"]() as session:
            return await remove_response(
                session,
                response_id,
                master_keys=_master_keys(ctx),
                suppression_threshold=ctx["settings"].suppression_threshold,
            )

    return await retry_conflicts(attempt, what="withdraw_response")


async def sweep_withdrawals(ctx: dict[str, Any]) -> int:
    """Carry out any withdrawal whose job was lost (a worker killed mid-run, a queue
    outage after the request was stored): the request row outlives the job."""
    async with ctx["sessions"]() as session:
        waiting = await pending_withdrawals(session)
    done = 0
    for response_id in waiting:
        outcome = await withdraw_response(ctx, response_id)
        done += outcome != "absent"
    return done
