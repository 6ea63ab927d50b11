"""Sealing responses with a period's PUBLIC key: intake can write what it can never read.

This module holds no private key and imports nothing that loads one (an import-linter
contract checks it): X25519 with a fresh ephemeral key, HKDF-SHA256 over the shared
secret, AES-256-GCM with the caller's associated data (the response id and survey version
id), so a blob copied onto another response or survey version does not open.

Format 2 (written now): 1 format byte, the 32-byte ephemeral public key, a 16-byte random
blob salt, then ciphertext and tag. HKDF-Extract (salt: both public keys) turns the shared
secret into a pseudorandom key; HKDF-Expand with the blob salt in its info gives each blob
its own AES key and nonce. One ephemeral key may therefore seal a group of blobs written
together (a Sealer): the key agreement, two thirds of a seal's CPU, is paid once per group,
and the ephemeral private key is dropped when the Sealer is made. Format 1 (still opened):
one ephemeral key per blob, key and nonce straight from HKDF, no blob salt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.errors import NoSealingKey
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import period_label
from feedback.db.base import utc_now

__all__ = [
    "BLOB_SALT_BYTES",
    "SEAL_FORMAT",
    "SEAL_FORMAT_SINGLE",
    "Sealer",
    "SealingKey",
    "current_sealing_key",
    "derive_blob_key",
    "expand_blob_key",
    "extract_group_key",
    "response_associated_data",
    "seal",
]

SEAL_FORMAT = 2
SEAL_FORMAT_SINGLE = 1  # format 1: one ephemeral key per blob (blobs written before 2026-11)
BLOB_SALT_BYTES = 16
KEY_BYTES = 32
_INFO = b"feedback sealed response v1"
_INFO_GROUP = b"feedback sealed response v2 blob "


class SealingKey(msgspec.Struct, frozen=True):
    """A period's public key and the id to store beside what it seals."""

    period_id: int
    label: str
    public_key: bytes


class Sealer:
    """Seals any number of blobs to one public key with one ephemeral key agreement."""

    __slots__ = ("_ephemeral_public", "_group_key")

    def __init__(self, public_key: bytes) -> None:
        ephemeral = X25519PrivateKey.generate()
        self._ephemeral_public = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
        self._group_key = extract_group_key(shared, self._ephemeral_public, public_key)

    def seal(self, plaintext: bytes, associated_data: bytes) -> bytes:
        blob_salt = os.urandom(BLOB_SALT_BYTES)
        key, nonce = expand_blob_key(self._group_key, blob_salt)
        sealed = AESGCM(key).encrypt(nonce, plaintext, associated_data)
        return bytes([SEAL_FORMAT]) + self._ephemeral_public + blob_salt + sealed


def seal(public_key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt to the holder of the period's private key; only they can open the result."""
    return Sealer(public_key).seal(plaintext, associated_data)


def extract_group_key(shared: bytes, ephemeral_public: bytes, public_key: bytes) -> bytes:
    """HKDF-Extract (RFC 5869: HMAC with the salt as key); both public keys are the salt,
    binding the period."""
    return hmac.new(ephemeral_public + public_key, shared, hashlib.sha256).digest()


def expand_blob_key(group_key: bytes, blob_salt: bytes) -> tuple[bytes, bytes]:
    """HKDF-Expand: one blob's AES key and nonce, distinct for every blob salt."""
    okm = HKDFExpand(
        algorithm=hashes.SHA256(), length=KEY_BYTES + 12, info=_INFO_GROUP + blob_salt
    ).derive(group_key)
    return okm[:KEY_BYTES], okm[KEY_BYTES:]


def derive_blob_key(
    shared: bytes, ephemeral_public: bytes, public_key: bytes
) -> tuple[bytes, bytes]:
    """Format 1's AES key and nonce for one blob; both public keys are in the salt, binding
    the period."""
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES + 12,
        salt=ephemeral_public + public_key,
        info=_INFO,
    ).derive(shared)
    return okm[:KEY_BYTES], okm[KEY_BYTES:]


def response_associated_data(response_id: str | int, survey_version_id: str | int) -> bytes:
    """The associated data that binds a sealed response to its id and survey version."""
    return msgspec.json.encode(["response", str(response_id), str(survey_version_id)])


def key_is_live() -> ColumnElement[bool]:
    """A period's key pair may seal only while it is not destroyed: a response sealed to a
    destroyed key could never be opened by anyone."""
    return KeyPeriod.__table__.c.destroyed_at.is_(None)


async def current_sealing_key(
    session: AsyncSession, *, period_kind: str, now: datetime | None = None
) -> SealingKey:
    """The live public key of the period containing `now`, in one query.

    Key pairs are made ahead of time by `feedback keys init`/`rotate` (which also make the
    next period's), never here: intake must not hold a private key even for a moment.
    """
    label = period_label(now or utc_now(), period_kind)
    row = (
        await session.execute(
            select(KeyPeriod.id, KeyPeriod.public_key).where(
                KeyPeriod.label == label, key_is_live()
            )
        )
    ).first()
    if row is None:
        raise NoSealingKey(f"no sealing key for period {label}: run `feedback keys rotate`")
    return SealingKey(period_id=row.id, label=label, public_key=row.public_key)
