"""Background jobs of the auth domain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from feedback.auth.sign_in import purge_expired


async def purge_expired_sign_ins(ctx: dict[str, Any]) -> int:
    """Delete idle staff sessions and sign-in failure counts older than their window."""
    settings = ctx["settings"]
    async with ctx["sessions"]() as session:
        return await purge_expired(session, idle=timedelta(minutes=settings.session_idle_minutes))
