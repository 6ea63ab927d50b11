"""Receiving a text and sending the replies: the one path the webhooks and the CLI share.

Logs name the provider and counts only, never a number or a message's words.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.job_queue import JobQueue
from feedback.settings import Settings
from feedback.sms import state as store
from feedback.sms.conversation import Reply, handle_text, message_digest
from feedback.sms.errors import ProviderFailed
from feedback.sms.interface import Inbound, Sent, SmsProvider
from feedback.sms.segments import split_message

log = logging.getLogger(__name__)


async def receive_text(
    session: AsyncSession,
    settings: Settings,
    *,
    master_key: bytes,
    provider: str,
    inbound: Inbound,
    older_keys: Sequence[bytes] = (),
    queue: JobQueue | None = None,
) -> Reply:
    """Handle one inbound text once: a redelivered provider message id gets no second reply.
    A response it completes is queued for tagging on `queue` (none: the sweep tags it)."""
    if not await store.first_delivery(session, provider, message_digest(inbound.message_id)):
        log.info("sms inbound repeated", extra={"provider": provider})
        return Reply([])
    reply = await handle_text(
        session,
        settings,
        master_key=master_key,
        sender=inbound.sender,
        text=inbound.text,
        older_keys=older_keys,
        queue=queue,
    )
    log.info("sms inbound handled", extra={"provider": provider, "replies": len(reply.messages)})
    return reply


async def send_replies(provider: SmsProvider, to: str, reply: Reply) -> list[Sent]:
    """Send each reply in order, each within two SMS segments; a refused message stops the
    rest (they would read out of order) and is logged by provider and status only."""
    sent: list[Sent] = []
    for message in (part for text in reply.messages for part in split_message(text)):
        try:
            sent.append(await provider.send(to, message))
        except ProviderFailed as error:
            log.warning(
                "sms reply not sent", extra={"provider": provider.name, "problem": error.message}
            )
            break
    return sent
