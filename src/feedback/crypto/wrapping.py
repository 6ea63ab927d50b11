"""Key pairs for periods, and wrapping their private halves under a master key.

A private key is wrapped with AES-256-GCM under a key derived from the master key; the
period label and public key are the associated data, so a wrapped key moved onto another
row does not unwrap. Only the service that creates or re-wraps keys and the opening side
import this module; the sealing side never does.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from feedback.crypto.master import derive_key

__all__ = ["WRAP_FORMAT", "new_key_pair", "unwrap_private_key", "wrap_private_key"]

WRAP_FORMAT = 1  # first byte of a wrapped key, so the format can change without guessing
_PURPOSE = "key-period-private-key"
_NONCE_BYTES = 12


def new_key_pair() -> tuple[X25519PrivateKey, bytes]:
    """A fresh X25519 private key and its raw 32-byte public key."""
    private_key = X25519PrivateKey.generate()
    return private_key, private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def wrap_private_key(
    master_key: bytes, private_key: X25519PrivateKey, *, label: str, public_key: bytes
) -> bytes:
    """The private key sealed under the master key, bound to its period and public key."""
    raw = private_key.private_bytes_raw()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(derive_key(master_key, _PURPOSE)).encrypt(
        nonce, raw, _associated_data(label, public_key)
    )
    return bytes([WRAP_FORMAT]) + nonce + sealed


def unwrap_private_key(
    master_key: bytes, wrapped: bytes, *, label: str, public_key: bytes
) -> X25519PrivateKey | None:
    """The private key, or None when this master key (or this row) did not wrap it."""
    if len(wrapped) <= 1 + _NONCE_BYTES or wrapped[0] != WRAP_FORMAT:
        return None
    nonce, sealed = wrapped[1 : 1 + _NONCE_BYTES], wrapped[1 + _NONCE_BYTES :]
    try:
        raw = AESGCM(derive_key(master_key, _PURPOSE)).decrypt(
            nonce, sealed, _associated_data(label, public_key)
        )
    except InvalidTag:
        return None
    return X25519PrivateKey.from_private_bytes(raw)


def _associated_data(label: str, public_key: bytes) -> bytes:
    return b"feedback key period\x00" + label.encode() + b"\x00" + public_key
