"""GOV.UK Notify: send through the official client, receive on POST /sms/inbound/notify.

Notify sends texts from templates, so the configured template must be a single
placeholder, `((body))`. Inbound texts arrive as JSON with the bearer token set when the
callback was registered; it is compared in constant time before the body is read.
"""

from __future__ import annotations

import asyncio
import hmac

import msgspec
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from feedback.settings import Settings
from feedback.sms.errors import (
    InboundMalformed,
    ProviderFailed,
    ProviderNotConfigured,
    SignatureInvalid,
)
from feedback.sms.interface import Inbound, InboundRequest, Sent, StatusUpdate
from feedback.sms.numbers import normalise_sender

TIMEOUT_SECONDS = 10


class _NotifyInbound(msgspec.Struct, frozen=True):
    id: str
    source_number: str
    message: str


class _NotifyStatus(msgspec.Struct, frozen=True):
    id: str
    status: str


class NotifyProvider:
    name = "notify"

    def __init__(
        self,
        *,
        api_key: str | None,
        template_id: str | None,
        base_url: str,
        inbound_token: str | None,
    ) -> None:
        self.api_key = api_key
        self.template_id = template_id
        self.base_url = base_url
        self.inbound_token = inbound_token

    @classmethod
    def from_settings(cls, settings: Settings) -> NotifyProvider:
        if not (settings.sms_notify_api_key or settings.sms_notify_inbound_token):
            raise ProviderNotConfigured("notify")
        return cls(
            api_key=settings.sms_notify_api_key,
            template_id=settings.sms_notify_template_id,
            base_url=settings.sms_notify_base_url,
            inbound_token=settings.sms_notify_inbound_token,
        )

    async def send(self, to: str, body: str) -> Sent:
        if not (self.api_key and self.template_id):
            raise ProviderNotConfigured("notify")
        client = NotificationsAPIClient(
            self.api_key, base_url=self.base_url, timeout=TIMEOUT_SECONDS
        )
        try:
            answer = await asyncio.to_thread(
                client.send_sms_notification,
                phone_number=to,
                template_id=self.template_id,
                personalisation={"body": body},
            )
        except HTTPError as error:
            raise ProviderFailed("notify", error.status_code) from None
        except OSError:
            raise ProviderFailed("notify", "unreachable") from None
        # Notify's first status for every accepted message is "created".
        return Sent(message_id=str(answer["id"]), status="created")

    def _check_token(self, request: InboundRequest) -> None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {self.inbound_token}" if self.inbound_token else None
        if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureInvalid()

    def parse_status(self, request: InboundRequest) -> StatusUpdate:
        """Notify's delivery receipt, with the same callback bearer token as inbound texts
        (set both callbacks to one token in Notify). Only `id` and `status` are read."""
        self._check_token(request)
        try:
            body = msgspec.json.decode(request.body, type=_NotifyStatus)
        except msgspec.DecodeError:
            raise InboundMalformed("expected Notify's JSON with id and status") from None
        return StatusUpdate(message_id=body.id, status=body.status)

    def parse_inbound(self, request: InboundRequest) -> Inbound:
        self._check_token(request)
        try:
            body = msgspec.json.decode(request.body, type=_NotifyInbound)
        except msgspec.DecodeError:
            raise InboundMalformed(
                "expected Notify's JSON with id, source_number and message"
            ) from None
        return Inbound(
            sender=normalise_sender(body.source_number), text=body.message, message_id=body.id
        )
