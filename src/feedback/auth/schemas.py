"""Staff principals and account views; never a password hash or a secret."""

from __future__ import annotations

from datetime import datetime

import msgspec

TWO_FACTOR_REQUIRED_ROLES = frozenset({"lead", "service_manager", "analyst"})
ALL_SERVICES_ROLES = frozenset({"lead", "analyst"})


class Staff(msgspec.Struct, frozen=True):
    """The signed-in staff member, as guards and services see them."""

    id: int
    email: str
    role: str
    service_ids: tuple[int, ...]
    two_factor_enabled: bool

    @property
    def must_use_two_factor(self) -> bool:
        """Roles that can open free text, export or manage keys must sign in with two factors."""
        return self.role in TWO_FACTOR_REQUIRED_ROLES

    def service_scope(self) -> tuple[int, ...] | None:
        """Service ids this person may read, or None for every service."""
        return None if self.role in ALL_SERVICES_ROLES else self.service_ids


class StaffOut(msgspec.Struct, frozen=True):
    id: int
    email: str
    role: str
    services: list[str]
    two_factor_enabled: bool


class AccountOut(StaffOut, frozen=True):
    """An account as the lead's pages show it: also whether it is enabled and whether its
    person has set a password yet (never the password or its hash)."""

    active: bool
    has_password: bool


class ApiTokenOut(msgspec.Struct, frozen=True):
    """A token as lists show it: never the secret, which only its creator saw, once."""

    id: int
    email: str
    created_at: datetime
    revoked_at: datetime | None


class PasswordLinkOut(msgspec.Struct, frozen=True):
    """A one-time password link, as shown once to the lead who made it."""

    email: str
    url: str
    expires_at: datetime


class PasswordSignIn(msgspec.Struct, frozen=True):
    """The result of a correct email and password: a session still short of two factors."""

    session_secret: str
    next_step: str  # "done", "two_factor" or "two_factor_setup"


class TwoFactorSetup(msgspec.Struct, frozen=True):
    secret: str
    uri: str
    qr_svg: str
