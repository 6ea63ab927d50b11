"""Sealing responses with a period's PUBLIC key: intake can write what it can never read.

This module holds no private key and imports nothing that loads one (an import-linter
contract checks it): X25519 with a fresh ephemeral key per blob, HKDF-SHA256 over the
shared secret, AES-256-GCM with the caller's associated data (the response id and survey
version id), so a blob copied onto another response or survey version does not open.

Blob layout: 1 format byte, the 32-byte ephemeral public key, then ciphertext and tag.
The AES key and nonce both come from HKDF; each ephemeral key is used once, so a derived
nonce is safe and saves storing one.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.errors import NoSealingKey
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import period_label
from feedback.db.base import utc_now

__all__ = [
    "SEAL_FORMAT",
    "SealingKey",
    "current_sealing_key",
    "derive_blob_key",
    "response_associated_data",
    "seal",
]

SEAL_FORMAT = 1
KEY_BYTES = 32
_INFO = b"feedback sealed response v1"


class SealingKey(msgspec.Struct, frozen=True):
    """A period's public key and the id to store beside what it seals."""

    period_id: int
    label: str
    public_key: bytes


def seal(public_key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt to the holder of the period's private key; only they can open the result."""
    recipient = X25519PublicKey.from_public_bytes(public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key, nonce = derive_blob_key(ephemeral.exchange(recipient), ephemeral_public, public_key)
    sealed = AESGCM(key).encrypt(nonce, plaintext, associated_data)
    return bytes([SEAL_FORMAT]) + ephemeral_public + sealed


def derive_blob_key(
    shared: bytes, ephemeral_public: bytes, public_key: bytes
) -> tuple[bytes, bytes]:
    """AES key and nonce for one blob; both public keys are in the salt, binding the period."""
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
                KeyPeriod.label == label, KeyPeriod.destroyed_at.is_(None)
            )
        )
    ).first()
    if row is None:
        raise NoSealingKey(f"no sealing key for period {label}: run `feedback keys rotate`")
    return SealingKey(period_id=row.id, label=label, public_key=row.public_key)
