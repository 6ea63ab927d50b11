"""A master-key rotation for tests: the same settings with a new key first, the old kept."""

from __future__ import annotations

import base64
import secrets

import msgspec

from feedback.crypto.master import load_master_keys
from feedback.settings import Settings


def rotated(settings: Settings) -> tuple[Settings, bytes, bytes]:
    """The settings with a new master key first and the old one kept for reading, as
    FEEDBACK_MASTER_KEY=new,old; also the new key and the old one."""
    old = load_master_keys(settings).current
    new = secrets.token_bytes(32)
    encoded = ",".join(base64.urlsafe_b64encode(key).decode() for key in (new, old))
    return msgspec.structs.replace(settings, master_key=encoded), new, old
