"""The master key: read from the environment or a key file, never from the database.

Purpose keys (CSRF signing, wrapping TOTP secrets) are derived from it with HKDF, so one
secret is kept and each use gets an independent key.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from feedback.errors import SettingsInvalid
from feedback.settings import Settings

MASTER_KEY_BYTES = 32


def decode_master_key(text: str) -> bytes:
    """Decode a urlsafe-base64 master key; it must hold exactly 32 bytes."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise ValueError("must be urlsafe base64") from None
    if len(key) != MASTER_KEY_BYTES:
        raise ValueError(f"must decode to {MASTER_KEY_BYTES} bytes")
    return key


def load_master_key(settings: Settings, *, create: bool = False) -> bytes:
    """Return the master key; with create=True, make an owner-only key file if none exists."""
    if settings.master_key:
        return decode_master_key(settings.master_key)
    assert settings.key_file is not None
    path = settings.key_file
    if not path.exists():
        if not create:
            raise SettingsInvalid(
                f"FEEDBACK_KEY_FILE: {path} does not exist; create it with `feedback keys init` "
                "or set FEEDBACK_MASTER_KEY"
            )
        _create_key_file(path)
    try:
        return decode_master_key(path.read_text())
    except ValueError as error:
        raise SettingsInvalid(f"FEEDBACK_KEY_FILE: {path} {error}") from None


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = base64.urlsafe_b64encode(secrets.token_bytes(MASTER_KEY_BYTES)).decode()
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")


def derive_key(master_key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose; different purposes never share key material."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(master_key)
