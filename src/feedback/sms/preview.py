"""The console's check-then-send step without keeping numbers on the server.

Checking an upload gives the staff member a *sealed preview*: the valid numbers, the
survey, the service, who checked it and until when, encrypted (AES-GCM) under a key
derived from the master key. It travels in the confirm form and only the server can open
it; nothing is written anywhere until "Send" is pressed. The alternative, asking for the
file again, could send a different file from the one checked. A preview is good for
PREVIEW_MINUTES and only for the person who made it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Sequence

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from feedback import clock
from feedback.crypto.master import derive_key, master_key_id
from feedback.errors import InvalidInput

PURPOSE = "sms-console-preview"
PREVIEW_MINUTES = 30


class Preview(msgspec.Struct, frozen=True):
    staff_id: int
    survey: str
    service: str
    numbers: list[str]
    requested: int
    invalid: int
    until: float


def seal_preview(master_key: bytes, preview: Preview) -> str:
    nonce = secrets.token_bytes(12)
    box = AESGCM(derive_key(master_key, PURPOSE)).encrypt(
        nonce, msgspec.json.encode(preview), PURPOSE.encode()
    )
    return f"{master_key_id(master_key)}.{base64.urlsafe_b64encode(nonce + box).decode()}"


def open_preview(master_keys: Sequence[bytes], sealed: str, *, staff_id: int) -> Preview:
    """The preview this staff member checked; InvalidInput if it is not theirs, was
    altered, or is older than PREVIEW_MINUTES (check the file again)."""
    key_id, _, text = sealed.partition(".")
    key = next((k for k in master_keys if master_key_id(k) == key_id), None)
    preview = None
    if key is not None:
        try:
            raw = base64.urlsafe_b64decode(text.encode())
            plain = AESGCM(derive_key(key, PURPOSE)).decrypt(raw[:12], raw[12:], PURPOSE.encode())
            preview = msgspec.json.decode(plain, type=Preview)
        except (InvalidTag, ValueError, binascii.Error, msgspec.DecodeError):
            preview = None
    if preview is None or preview.staff_id != staff_id or preview.until < clock.epoch_seconds():
        raise InvalidInput(
            "this check has expired or is not yours; upload the file again", field="numbers"
        )
    return preview


def new_preview(
    *, staff_id: int, survey: str, service: str, numbers: list[str], requested: int, invalid: int
) -> Preview:
    return Preview(
        staff_id=staff_id,
        survey=survey,
        service=service,
        numbers=numbers,
        requested=requested,
        invalid=invalid,
        until=clock.epoch_seconds() + PREVIEW_MINUTES * 60,
    )
