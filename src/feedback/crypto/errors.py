"""Errors of sealing and opening; each message is safe to show and never holds key material.

FeedbackError
 ├── NotFound
 │    └── NoSealingKey         the current period has no live key pair yet
 ├── Conflict
 │    ├── PeriodKeyDestroyed   the period's opening key was destroyed (retention)
 │    └── MasterKeyMissing     a key is wrapped by a master key that is not configured
 └── InvalidInput
      └── SealedBlobInvalid    wrong key, wrong associated data, or damaged bytes
"""

from __future__ import annotations

from feedback.errors import Conflict, InvalidInput, NotFound

__all__ = ["MasterKeyMissing", "NoSealingKey", "PeriodKeyDestroyed", "SealedBlobInvalid"]


class NoSealingKey(NotFound):
    """Nothing can be sealed until `feedback keys rotate` (or init) creates the period's pair."""


class PeriodKeyDestroyed(Conflict):
    """Responses sealed in this period can never be read again: that is the retention rule."""


class MasterKeyMissing(Conflict):
    """The master key that wrapped a private key is not in FEEDBACK_MASTER_KEY or the key file."""


class SealedBlobInvalid(InvalidInput):
    """The blob does not open with this key and associated data; nothing about why leaks."""
