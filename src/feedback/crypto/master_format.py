"""How a master key is written down: urlsafe base64 of 32 bytes, several separated by commas
or new lines, each known by a short id.

Kept apart from `master` (which loads keys from Settings) so that Settings can check
FEEDBACK_MASTER_KEY when it is read without importing the module that imports Settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

__all__ = ["MASTER_KEY_BYTES", "decode_master_key", "decode_master_keys", "master_key_id"]

MASTER_KEY_BYTES = 32


def master_key_id(master_key: bytes) -> str:
    """A short public name for a master key: safe to store and print, useless to an attacker."""
    return hashlib.sha256(master_key).hexdigest()[:8]


def decode_master_key(text: str) -> bytes:
    """Decode a urlsafe-base64 master key; it must hold exactly 32 bytes."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise ValueError("must be urlsafe base64") from None
    if len(key) != MASTER_KEY_BYTES:
        raise ValueError(f"must decode to {MASTER_KEY_BYTES} bytes")
    return key


def decode_master_keys(text: str) -> tuple[bytes, ...]:
    """Decode keys separated by commas or new lines, current first; `#` starts a comment line."""
    items = [
        item.strip()
        for line in text.splitlines()
        if not line.lstrip().startswith("#")
        for item in line.split(",")
    ]
    keys: list[bytes] = []
    for number, item in enumerate((item for item in items if item), start=1):
        try:
            key = decode_master_key(item)
        except ValueError as error:
            raise ValueError(f"key {number} {error}") from None
        if key not in keys:
            keys.append(key)
    if not keys:
        raise ValueError("holds no key")
    if len({master_key_id(key) for key in keys}) != len(keys):
        raise ValueError("two keys share an id; generate another key")
    return tuple(keys)
