"""Background jobs of the SMS domain."""

from __future__ import annotations

from typing import Any

from feedback.sms.state import delete_expired


async def delete_expired_conversations(ctx: dict[str, Any]) -> int:
    """Conversations nobody finished are deleted once past their expiry (24 hours by default)."""
    async with ctx["sessions"]() as session:
        return await delete_expired(session)
