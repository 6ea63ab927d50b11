"""Opening sealed responses with a period's PRIVATE key: the worker and staff tools only.

A period's private key is unwrapped with whichever configured master key wrapped it (its
id is stored beside it). A destroyed period has no private key left: its responses raise
PeriodKeyDestroyed, which is the retention rule working, not a fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.errors import (
    MasterKeyMissing,
    PeriodKeyDestroyed,
    SealedBlobInvalid,
)
from feedback.crypto.master import MasterKeys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.sealing import (
    BLOB_SALT_BYTES,
    KEY_BYTES,
    SEAL_FORMAT,
    SEAL_FORMAT_SINGLE,
    derive_blob_key,
    expand_blob_key,
    extract_group_key,
)
from feedback.crypto.wrapping import unwrap_private_key
from feedback.errors import NotFound

__all__ = ["OpeningKey", "load_opening_key", "open_sealed", "unwrap_period_key"]


@dataclass(frozen=True)
class OpeningKey:
    """A period's unwrapped private key; keep it in memory only as long as the work needs."""

    period_id: int
    label: str
    private_key: X25519PrivateKey = field(repr=False)
    public_key: bytes = field(repr=False)


async def load_opening_key(
    session: AsyncSession, period_id: int, *, master_keys: MasterKeys
) -> OpeningKey:
    """Unwrap the private key of a period; a destroyed period raises PeriodKeyDestroyed."""
    row = await session.get(KeyPeriod, period_id)
    if row is None:
        raise NotFound(f"key period {period_id} does not exist")
    return unwrap_period_key(row, master_keys)


def unwrap_period_key(row: KeyPeriod, master_keys: MasterKeys) -> OpeningKey:
    """The private key of a stored period, with the master key its row names."""
    if row.private_key_wrapped is None or row.destroyed_at is not None:
        destroyed = f" on {row.destroyed_at:%Y-%m-%d}" if row.destroyed_at else ""
        raise PeriodKeyDestroyed(
            f"the opening key of period {row.label} was destroyed{destroyed}: "
            "its responses can no longer be read"
        )
    master_key = master_keys.by_id.get(row.master_key_id or "")
    if master_key is None:
        raise MasterKeyMissing(
            f"period {row.label} is wrapped by master key {row.master_key_id}, which is not "
            "configured: add it to FEEDBACK_MASTER_KEY or the key file"
        )
    private_key = unwrap_private_key(
        master_key, row.private_key_wrapped, label=row.label, public_key=row.public_key
    )
    if private_key is None:
        raise MasterKeyMissing(
            f"period {row.label}: its wrapped key does not open with master key "
            f"{row.master_key_id}; the key or the row has been changed"
        )
    return OpeningKey(
        period_id=row.id, label=row.label, private_key=private_key, public_key=row.public_key
    )


_BLOB_SALT_BYTES = {SEAL_FORMAT: BLOB_SALT_BYTES, SEAL_FORMAT_SINGLE: 0}  # by format byte


def open_sealed(key: OpeningKey, blob: bytes, associated_data: bytes) -> bytes:
    """The plaintext of a blob sealed to this period with exactly this associated data."""
    salt_bytes = _BLOB_SALT_BYTES.get(blob[0]) if blob else None
    if salt_bytes is None or len(blob) < 1 + KEY_BYTES + salt_bytes + 16:
        raise SealedBlobInvalid("sealed response: unknown format or truncated")
    ephemeral_public = blob[1 : 1 + KEY_BYTES]
    sealed = blob[1 + KEY_BYTES + salt_bytes :]
    try:
        shared = key.private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:  # a low-order point gives an all-zero secret; cryptography refuses it
        raise SealedBlobInvalid("sealed response: does not open with this key") from None
    if salt_bytes:
        group_key = extract_group_key(shared, ephemeral_public, key.public_key)
        aes_key, nonce = expand_blob_key(
            group_key, blob[1 + KEY_BYTES : 1 + KEY_BYTES + salt_bytes]
        )
    else:
        aes_key, nonce = derive_blob_key(shared, ephemeral_public, key.public_key)
    try:
        return AESGCM(aes_key).decrypt(nonce, sealed, associated_data)
    except InvalidTag:
        raise SealedBlobInvalid(
            "sealed response: does not open with this key and associated data"
        ) from None
