"""Twilio: send through its REST API, receive on POST /sms/inbound/twilio.

Inbound requests are checked with the `twilio` package's RequestValidator against the
public URL from settings (what Twilio signed), before any field is read.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
from twilio.request_validator import RequestValidator

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


class TwilioProvider:
    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str | None,
        base_url: str,
        status_callback: str | None = None,
    ) -> None:
        self.status_callback = status_callback
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.base_url = base_url

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioProvider:
        if not (settings.sms_twilio_account_sid and settings.sms_twilio_auth_token):
            raise ProviderNotConfigured("twilio")
        return cls(
            account_sid=settings.sms_twilio_account_sid,
            auth_token=settings.sms_twilio_auth_token,
            sender=settings.sms_twilio_from,
            base_url=settings.sms_twilio_base_url,
            status_callback=f"{settings.public_base_url}/sms/status/twilio",
        )

    async def send(self, to: str, body: str) -> Sent:
        if not self.sender:
            raise ProviderNotConfigured("twilio")
        # A messaging service id (MG…) lets Twilio pick the sender; otherwise a number.
        sender_field = "MessagingServiceSid" if self.sender.startswith("MG") else "From"
        url = f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                answer = await client.post(
                    url,
                    data=self._send_fields(to, sender_field, body),
                    auth=(self.account_sid, self.auth_token),
                )
        except httpx.HTTPError:
            raise ProviderFailed("twilio", "unreachable") from None
        if answer.status_code not in (200, 201):
            raise ProviderFailed("twilio", answer.status_code)
        message = answer.json()
        return Sent(message_id=str(message["sid"]), status=str(message.get("status", "queued")))

    def _send_fields(self, to: str, sender_field: str, body: str) -> dict[str, str]:
        fields = {"To": to, sender_field: self.sender or "", "Body": body}
        if self.status_callback:  # Twilio reports delivery there, signed like inbound texts
            fields["StatusCallback"] = self.status_callback
        return fields

    def parse_status(self, request: InboundRequest) -> StatusUpdate:
        """Twilio's status callback (form fields MessageSid and MessageStatus), signed."""
        fields = self._signed_fields(request)
        if "MessageSid" not in fields or "MessageStatus" not in fields:
            raise InboundMalformed("expected Twilio's form fields MessageSid and MessageStatus")
        return StatusUpdate(message_id=fields["MessageSid"], status=fields["MessageStatus"])

    def parse_inbound(self, request: InboundRequest) -> Inbound:
        fields = self._signed_fields(request)
        if "From" not in fields or "MessageSid" not in fields:
            raise InboundMalformed("expected Twilio's form fields From, Body and MessageSid")
        return Inbound(
            sender=normalise_sender(fields["From"]),
            text=fields.get("Body", ""),
            message_id=fields["MessageSid"],
        )

    def _signed_fields(self, request: InboundRequest) -> dict[str, str]:
        signature = request.headers.get("x-twilio-signature", "")
        try:
            fields = {
                name: values[0]
                for name, values in parse_qs(
                    request.body.decode(), keep_blank_values=True, strict_parsing=bool(request.body)
                ).items()
            }
        except (UnicodeDecodeError, ValueError):
            fields = None
        valid = RequestValidator(self.auth_token).validate(request.url, fields or {}, signature)
        if not signature or not valid:
            raise SignatureInvalid()
        if not fields:
            raise InboundMalformed("expected Twilio's form fields")
        return fields
