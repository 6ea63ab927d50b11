"""The local provider (the embedded default): texts are appended to a file under the data
directory instead of being sent, so a whole conversation can be tried on one machine.

It is a developer tool, and still stores no number: each message names its recipient by
the first 8 hex digits of the number's keyed hash and the number's last 4 digits, which is
enough to follow one tester's conversation. Only outbound texts are kept (the service's own
words, including invitation links); what a respondent texts in is never written here.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from pathlib import Path

import msgspec

from feedback.crypto.master import load_master_key
from feedback.settings import Settings
from feedback.sms.errors import InboundMalformed, ProviderNotConfigured
from feedback.sms.interface import Inbound, InboundRequest, Sent, StatusUpdate
from feedback.sms.numbers import last_digits, normalise_sender, number_key

OUTBOX_FILE = "sms-outbox.jsonl"


class OutboxMessage(msgspec.Struct, frozen=True):
    message_id: str
    to: str
    text: str


class _InboundBody(msgspec.Struct, frozen=True):
    sender: str
    text: str
    message_id: str = ""


def outbox_path(settings: Settings) -> Path:
    return settings.data_dir / OUTBOX_FILE


def recipient_label(master_key: bytes, e164: str) -> str:
    return f"{number_key(master_key, e164)[:8]} {last_digits(e164)}"


class OutboxProvider:
    name = "outbox"

    def __init__(self, settings: Settings) -> None:
        self.path = outbox_path(settings)
        self.master_key = load_master_key(settings)

    async def send(self, to: str, body: str) -> Sent:
        message = OutboxMessage(
            message_id="outbox-" + secrets.token_hex(8),
            to=recipient_label(self.master_key, to),
            text=body,
        )
        append_message(self.path, message)
        return Sent(message_id=message.message_id, status="delivered")

    def parse_status(self, request: InboundRequest) -> StatusUpdate:
        """The outbox reports "delivered" as it writes: it never calls back."""
        raise ProviderNotConfigured("outbox status callbacks")

    def parse_inbound(self, request: InboundRequest) -> Inbound:
        """Local inbound texts are JSON `{"sender": ..., "text": ...}` from the CLI."""
        try:
            body = msgspec.json.decode(request.body, type=_InboundBody)
        except msgspec.DecodeError:
            raise InboundMalformed("expected JSON with sender and text") from None
        message_id = body.message_id or "outbox-in-" + secrets.token_hex(8)
        return Inbound(sender=normalise_sender(body.sender), text=body.text, message_id=message_id)


def append_message(path: Path, message: OutboxMessage) -> None:
    """One JSON line per message, appended under a lock so two processes never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = msgspec.json.encode(message) + b"\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def read_outbox(settings: Settings) -> list[OutboxMessage]:
    path = outbox_path(settings)
    if not path.exists():
        return []
    decoder = msgspec.json.Decoder(OutboxMessage)
    return [decoder.decode(line) for line in path.read_bytes().splitlines() if line.strip()]
