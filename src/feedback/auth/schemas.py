"""Staff principals and account views; never a password hash or a secret."""

from __future__ import annotations

from datetime import datetime

import msgspec

from feedback.auth import roles
from feedback.auth.roles import Role


class Staff(msgspec.Struct, frozen=True):
    """The signed-in staff member, as guards and services see them."""

    id: int
    email: str
    role: Role
    service_ids: tuple[int, ...]
    two_factor_enabled: bool

    @property
    def must_use_two_factor(self) -> bool:
        """Roles that can open free text, export or manage keys must sign in with two factors."""
        return self.role in roles.TWO_FACTOR_REQUIRED

    def service_scope(self) -> tuple[int, ...] | None:
        """Service ids this person may read, or None for every service."""
        return None if self.role in roles.ALL_SERVICES else self.service_ids

    # What the console may offer this person. Each flag reads the same role set as the
    # guard on the pages it links to (feedback.auth.roles), so a link is shown exactly
    # when its page would let the person in.
    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD

    @property
    def is_scoped(self) -> bool:
        """A service manager: the console's figures and lists are of their own services."""
        return self.role in roles.SCOPED

    @property
    def may_read_reports(self) -> bool:
        return self.role in roles.REPORT_READERS

    @property
    def may_read_quotes(self) -> bool:
        return self.role in roles.QUOTE_READERS

    @property
    def may_distribute(self) -> bool:
        """Links, codes and SMS invitations for their services."""
        return self.role in roles.DISTRIBUTORS

    @property
    def may_draft_actions(self) -> bool:
        return self.role in roles.ACTION_DRAFTERS

    @property
    def may_review_themes(self) -> bool:
        return self.role in roles.THEME_REVIEWERS

    @property
    def may_manage_schools(self) -> bool:
        return self.role in roles.SCHOOL_STAFF


class StaffOut(msgspec.Struct, frozen=True):
    id: int
    email: str
    role: Role
    services: list[str]
    two_factor_enabled: bool

    @property
    def sees_every_service(self) -> bool:
        """Leads and analysts read every service, whatever services the account names."""
        return self.role in roles.ALL_SERVICES


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
