"""Master keys: read from the environment or a key file, never from the database.

Several master keys may be configured, the current one first: FEEDBACK_MASTER_KEY takes a
comma-separated list, the key file one key per line. Each key has a short id (the first 8
hex digits of its SHA-256) that is stored beside everything it wraps, so an old key can be
kept for reading while the current one wraps everything new. Introducing a key without
downtime: add it *last* everywhere, then move it first, run `feedback keys rewrap`, and
only then remove the old one.

Lookups under several keys: anything found by a digest or checked by a signature made
with a master key (join, class-session and card codes, the respondent's entry cookie) is
tried under every configured key, current first (`candidate_digests`), so what was issued
before a rotation still works; whatever is written or issued uses the current key alone.

Purpose keys (CSRF signing, wrapping TOTP secrets and period private keys) are derived from
a master key with HKDF, so each use gets an independent key.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from feedback.crypto.master_format import (
    MASTER_KEY_BYTES,
    decode_master_key,
    decode_master_keys,
    master_key_id,
)
from feedback.errors import SettingsInvalid
from feedback.settings import Settings

__all__ = [
    "MASTER_KEY_BYTES",
    "MasterKeys",
    "candidate_digests",
    "decode_master_key",
    "decode_master_keys",
    "derive_key",
    "load_master_key",
    "load_master_keys",
    "master_key_id",
]


class MasterKeys(msgspec.Struct, frozen=True):
    """The configured master keys, current first; `by_id` finds the one that wrapped a row."""

    keys: tuple[bytes, ...]

    def __repr__(self) -> str:  # key material never reaches a log or a traceback
        return f"MasterKeys(ids={list(self.by_id)})"

    @property
    def current(self) -> bytes:
        return self.keys[0]

    @property
    def current_id(self) -> str:
        return master_key_id(self.keys[0])

    @property
    def by_id(self) -> dict[str, bytes]:
        return {master_key_id(key): key for key in self.keys}


def load_master_keys(settings: Settings, *, create: bool = False) -> MasterKeys:
    """Every configured master key, current first; with create=True, make the key file if none."""
    if settings.master_key:
        try:
            return MasterKeys(decode_master_keys(settings.master_key))
        except ValueError as error:
            raise SettingsInvalid(f"FEEDBACK_MASTER_KEY: {error}") from None
    assert settings.key_file is not None
    path = settings.key_file
    if not path.exists():
        if not create:
            raise SettingsInvalid(
                f"FEEDBACK_KEY_FILE: {path} does not exist; create it with `feedback keys init` "
                "or set FEEDBACK_MASTER_KEY"
            )
        create_key_file(path)
    try:
        return MasterKeys(decode_master_keys(path.read_text()))
    except ValueError as error:
        raise SettingsInvalid(f"FEEDBACK_KEY_FILE: {path} {error}") from None


def load_master_key(settings: Settings, *, create: bool = False) -> bytes:
    """The current master key (the first configured): everything new is wrapped with it."""
    return load_master_keys(settings, create=create).current


def create_key_file(path: Path) -> bool:
    """Write a fresh key to an owner-only file; False if the file already existed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = base64.urlsafe_b64encode(secrets.token_bytes(MASTER_KEY_BYTES)).decode()
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    return True


def derive_key(master_key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose; different purposes never share key material."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(master_key)


def candidate_digests(
    master_keys: Sequence[bytes], value: str, digest: Callable[[bytes, str], str]
) -> list[str]:
    """`digest(key, value)` under every configured master key, current first, without
    repeats: a lookup tries each, so a code or cookie made before a rotation still counts."""
    return list(dict.fromkeys(digest(key, value) for key in master_keys))
