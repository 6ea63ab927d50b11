"""Inbound SMS webhooks, on the public router with their own signature guard.

The guard checks the provider's signature or bearer token before the handler runs, and
keeps the parsed text on the request; a bad signature is 403 and a bad body 400, with
nothing stored and nothing echoed. Replies go back through the same provider.
"""

from __future__ import annotations

from typing import Any, cast

from litestar import Controller, MediaType, Request, Response, post
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.queue import JobQueue
from feedback.settings import Settings
from feedback.sms.provider import Inbound, InboundRequest, provider_named
from feedback.sms.service import receive_text, send_replies

WEBHOOK_PATH = "/sms/inbound/{provider}"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def webhook_url(settings: Settings, provider: str) -> str:
    """The address the provider calls, as it signs it: from settings, never from headers a
    proxy could rewrite."""
    return f"{settings.public_base_url}/sms/inbound/{provider}"


async def require_provider_signature(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Only a request the provider signed reaches the handler."""
    request = cast(Request[Any, Any, Any], connection)
    settings: Settings = connection.app.state.settings
    name = str(handler.opt["sms_provider"])
    provider = provider_named(settings, name)
    inbound = provider.parse_inbound(
        InboundRequest(
            url=webhook_url(settings, name),
            headers={key.lower(): value for key, value in request.headers.items()},
            body=await request.body(),
        )
    )
    connection.state.sms_inbound = inbound


class SmsWebhooks(Controller):
    path = "/sms/inbound"
    guards = [require_provider_signature]
    include_in_schema = False

    @post("/notify", status_code=200, opt={"sms_provider": "notify"}, media_type=MediaType.TEXT)
    async def notify(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        settings: Settings,
        master_key: bytes,
        queue: JobQueue,
    ) -> str:
        await _receive(request, db, settings, master_key, queue, "notify")
        return ""

    @post("/twilio", status_code=200, opt={"sms_provider": "twilio"})
    async def twilio(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        settings: Settings,
        master_key: bytes,
        queue: JobQueue,
    ) -> Response[str]:
        await _receive(request, db, settings, master_key, queue, "twilio")
        return Response(EMPTY_TWIML, media_type="text/xml")


async def _receive(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    settings: Settings,
    master_key: bytes,
    queue: JobQueue,
    name: str,
) -> None:
    """Handle the text, send the replies, and queue a completed response for tagging, as
    the web journey does."""
    inbound: Inbound = request.state.sms_inbound
    reply = await receive_text(db, settings, master_key=master_key, provider=name, inbound=inbound)
    await send_replies(provider_named(settings, name), inbound.sender, reply)
    if reply.stored_response_id is not None:
        rid = reply.stored_response_id
        await queue.enqueue("tag_response", rid, job_id=f"tag:{rid}")
