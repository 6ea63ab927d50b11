"""Inbound SMS webhooks and delivery-status callbacks, on the public router with their
own signature guard.

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
from feedback.sms.delivery import record_status
from feedback.sms.interface import Inbound, InboundRequest
from feedback.sms.provider import provider_named
from feedback.sms.service import receive_text, send_replies

WEBHOOK_PATH = "/sms/inbound/{provider}"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def webhook_url(settings: Settings, provider: str) -> str:
    """The address the provider calls, as it signs it: from settings, never from headers a
    proxy could rewrite."""
    return f"{settings.public_base_url}/sms/inbound/{provider}"


def status_url(settings: Settings, provider: str) -> str:
    return f"{settings.public_base_url}/sms/status/{provider}"


async def _signed_request(
    connection: ASGIConnection[Any, Any, Any, Any], url: str
) -> InboundRequest:
    request = cast(Request[Any, Any, Any], connection)
    return InboundRequest(
        url=url,
        headers={key.lower(): value for key, value in request.headers.items()},
        body=await request.body(),
    )


async def require_provider_signature(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Only a request the provider signed (or that bore its bearer token) reaches the
    handler: an inbound text, or with `opt["sms_status"]` a delivery report."""
    settings: Settings = connection.app.state.settings
    name = str(handler.opt["sms_provider"])
    provider = provider_named(settings, name)
    if handler.opt.get("sms_status"):
        signed = await _signed_request(connection, status_url(settings, name))
        connection.state.sms_status = provider.parse_status(signed)
        return
    signed = await _signed_request(connection, webhook_url(settings, name))
    connection.state.sms_inbound = provider.parse_inbound(signed)


class SmsStatusCallbacks(Controller):
    """POST /sms/status/{notify,twilio}: a delivery report updates the message it names
    and so its batch's counts. Only the provider's message id and status word are read."""

    path = "/sms/status"
    guards = [require_provider_signature]
    include_in_schema = False

    @post(
        "/notify",
        status_code=200,
        opt={"sms_provider": "notify", "sms_status": True},
        media_type=MediaType.TEXT,
    )
    async def notify(self, request: Request[Any, Any, Any], db: AsyncSession) -> str:
        await record_status(db, "notify", request.state.sms_status)
        return ""

    @post(
        "/twilio",
        status_code=200,
        opt={"sms_provider": "twilio", "sms_status": True},
        media_type=MediaType.TEXT,
    )
    async def twilio(self, request: Request[Any, Any, Any], db: AsyncSession) -> str:
        await record_status(db, "twilio", request.state.sms_status)
        return ""


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
        master_keys: tuple[bytes, ...],
        queue: JobQueue,
    ) -> str:
        await _receive(request, db, settings, master_keys, queue, "notify")
        return ""

    @post("/twilio", status_code=200, opt={"sms_provider": "twilio"})
    async def twilio(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        settings: Settings,
        master_keys: tuple[bytes, ...],
        queue: JobQueue,
    ) -> Response[str]:
        await _receive(request, db, settings, master_keys, queue, "twilio")
        return Response(EMPTY_TWIML, media_type="text/xml")


async def _receive(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    settings: Settings,
    master_keys: tuple[bytes, ...],
    queue: JobQueue,
    name: str,
) -> None:
    """Handle the text, send the replies, and queue a completed response for tagging, as
    the web journey does."""
    inbound: Inbound = request.state.sms_inbound
    reply = await receive_text(
        db,
        settings,
        master_key=master_keys[0],
        provider=name,
        inbound=inbound,
        older_keys=master_keys[1:],
        queue=queue,
    )
    await send_replies(provider_named(settings, name), inbound.sender, reply)
