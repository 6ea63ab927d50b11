"""What key operations report: labels, statuses, counts and master key ids; never key material."""

from __future__ import annotations

from datetime import datetime

import msgspec

__all__ = ["KeyPeriodOut", "KeysInitialised", "KeysRewrapped", "KeysRotated", "PeriodDestroyed"]


class KeyPeriodOut(msgspec.Struct, frozen=True):
    """One key pair: `status` is current, upcoming, past or destroyed."""

    label: str
    status: str
    master_key_id: str | None
    master_key_configured: bool
    created_at: datetime
    destroyed_at: datetime | None


class KeysRotated(msgspec.Struct, frozen=True):
    """Periods whose key pair was made now, and those that already had one."""

    created: list[str]
    existing: list[str]
    master_key_id: str


class KeysInitialised(msgspec.Struct, frozen=True):
    master_key_source: str  # "environment" or "key file"
    key_file: str | None
    key_file_created: bool
    master_key_ids: list[str]  # current first
    periods: KeysRotated


class KeysRewrapped(msgspec.Struct, frozen=True):
    master_key_id: str
    periods_rewrapped: int
    periods_already_current: int
    secrets_rewrapped: int
    secrets_already_current: int
    secrets_unreadable: int  # sealed under no configured master key: that person re-enrols


class PeriodDestroyed(msgspec.Struct, frozen=True):
    label: str
    destroyed_at: datetime
    already_destroyed: bool
    replaced: bool  # a live period got a fresh key pair so intake keeps working
