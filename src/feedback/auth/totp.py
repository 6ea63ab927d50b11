"""Time-based one-time codes (RFC 6238) and one-time recovery codes.

TOTP secrets are sealed with a key derived from the master key, so a leaked database backup
does not hand over anyone's second factor.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from feedback import clock
from feedback.crypto.master import derive_key

ISSUER = "Survivor feedback"
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG, drawn here: no third-party image service."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")


def matching_step(
    secret: str, code: str, *, after_step: int, now: float | None = None
) -> int | None:
    """The time step a code is valid for (±1 step of drift), if later than `after_step`.

    Refusing steps at or before the last one used stops a code seen over a shoulder from
    being replayed within its 30 seconds.
    """
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((clock.epoch_seconds() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if step > after_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def seal_secret(master_key: bytes, secret: str) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(derive_key(master_key, "totp-secret")).encrypt(
        nonce, secret.encode(), None
    )


def open_secret(master_keys: bytes | Sequence[bytes], sealed: bytes) -> str | None:
    """The secret, trying each configured master key; None when none of them sealed it.

    Trying every key keeps second factors working while a new master key is introduced and
    before `feedback keys rewrap` has re-sealed the secrets under it.
    """
    for master_key in [master_keys] if isinstance(master_keys, bytes) else master_keys:
        aead = AESGCM(derive_key(master_key, "totp-secret"))
        try:
            plain = aead.decrypt(sealed[:12], sealed[12:], None)
        except InvalidTag:
            continue
        return plain.decode()
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 10 characters from an alphabet without look-alikes, shown once."""
    return [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def hash_code(code: str) -> str:
    """Recovery codes and tokens carry ≥50 bits of randomness: a plain SHA-256 suffices."""
    return hashlib.sha256("".join(code.lower().split()).encode()).hexdigest()
