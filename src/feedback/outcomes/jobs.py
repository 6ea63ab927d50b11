"""Background jobs of the outcomes domain."""

from __future__ import annotations

from typing import Any

from feedback.outcomes.expiry import expire_waiting_pairings

__all__ = ["expire_pairing_codes"]


async def expire_pairing_codes(ctx: dict[str, Any]) -> int:
    """Intake codes never used for pairing are forgotten after the configured months."""
    async with ctx["sessions"]() as session:
        return await expire_waiting_pairings(
            session, months=ctx["settings"].outcome_pairing_expiry_months
        )
