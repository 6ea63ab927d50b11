"""The one small interface every SMS provider implements, and the messages it passes.

A provider sends a text and reads an inbound webhook or a delivery-status callback.
Reading checks the provider's own signature or token first: a request that fails raises
SignatureInvalid before any of its content is looked at. The adapters (`outbox`, `notify`,
`twilio`) import this module; `provider` chooses between them.
"""

from __future__ import annotations

from typing import Protocol

import msgspec

__all__ = ["Inbound", "InboundRequest", "Sent", "SmsProvider", "StatusUpdate"]


class Sent(msgspec.Struct, frozen=True):
    """What a provider says about a message it accepted."""

    message_id: str
    status: str


class Inbound(msgspec.Struct, frozen=True):
    """One inbound text: the sender in E.164, the text, and the provider's message id."""

    sender: str
    text: str
    message_id: str


class StatusUpdate(msgspec.Struct, frozen=True):
    """A provider's delivery report: its message id and its status word. Nothing else of
    the callback (in particular the recipient's number) is read or kept."""

    message_id: str
    status: str


class InboundRequest(msgspec.Struct, frozen=True):
    """A webhook request, free of any web framework: the public URL it was sent to, its
    headers (lower-case names) and its raw body."""

    url: str
    headers: dict[str, str]
    body: bytes


class SmsProvider(Protocol):
    name: str

    async def send(self, to: str, body: str) -> Sent: ...

    def parse_inbound(self, request: InboundRequest) -> Inbound: ...

    def parse_status(self, request: InboundRequest) -> StatusUpdate: ...
