"""Password hashing with argon2id; parameters live in each hash so they can be raised later.

argon2-cffi's defaults (t=3, m=64 MiB, p=4, RFC 9106's low-memory profile) exceed OWASP's
minimum for argon2id (m=19 MiB, t=2, p=1). Hashing takes ~100 ms, so callers run it off the
event loop.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from feedback.errors import InvalidInput

MINIMUM_LENGTH = 12
MAXIMUM_LENGTH = 256
_HASHER = PasswordHasher()
# Stored for an account whose person has not chosen a password yet (or whose password was
# reset): no password matches it, and checking it costs the same as a real one.
UNUSABLE_PASSWORD = "!unusable"  # noqa: S105 - a marker no argon2 hash can equal
# Verifying against this keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a real password, only for timing")


def check_password_policy(password: str) -> None:
    """NCSC-style policy: length, not composition rules; long passphrases welcome."""
    if len(password) < MINIMUM_LENGTH:
        raise InvalidInput(f"must be at least {MINIMUM_LENGTH} characters", field="password")
    if len(password) > MAXIMUM_LENGTH:
        raise InvalidInput(f"must be at most {MAXIMUM_LENGTH} characters", field="password")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing account is checked against a dummy hash."""
    real = None if password_hash == UNUSABLE_PASSWORD else password_hash
    return await asyncio.to_thread(_verify, real or _DUMMY_HASH, password, real)


def _verify(password_hash: str, password: str, real: str | None) -> bool:
    try:
        _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return real is not None


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
