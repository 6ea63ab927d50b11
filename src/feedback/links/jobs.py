"""Background jobs of the links domain."""

from __future__ import annotations

from typing import Any

from feedback.links.throttle import purge_old_guesses


async def purge_wrong_guesses(ctx: dict[str, Any]) -> int:
    """Delete wrong-code records older than the hour in which they count."""
    async with ctx["sessions"]() as session:
        return await purge_old_guesses(session)
