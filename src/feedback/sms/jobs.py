"""Background jobs of the SMS domain."""

from __future__ import annotations

from typing import Any

from arq import Retry

from feedback.sms.errors import SendDeferred
from feedback.sms.sending import send_invitation_message
from feedback.sms.state import delete_expired


async def delete_expired_conversations(ctx: dict[str, Any]) -> int:
    """Conversations nobody finished are deleted once past their expiry (24 hours by default)."""
    async with ctx["sessions"]() as session:
        return await delete_expired(session)


async def send_invitation(ctx: dict[str, Any], message_id: int, sealed: str) -> str:
    """Send one invitation at most once; a message over the provider's rate limit is
    deferred (arq Retry), never dropped. Returns our status word, never the number."""
    async with ctx["sessions"]() as session:
        try:
            return await send_invitation_message(
                session,
                ctx["settings"],
                master_keys=ctx["master_keys"].keys,
                message_id=message_id,
                sealed=sealed,
            )
        except SendDeferred as wait:
            raise Retry(defer=wait.seconds) from None
