"""Staff roles and which roles may do what: every set of roles is written here, once.

Route guards (`requires_role(*REPORT_READERS)`), services and the console's navigation
(`Staff.may_read_reports`) all read these sets, so a page cannot be linked for a role its
guard refuses, nor guarded for a role that the service then lets through.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff role; each value is the string stored in the database and shown in the API."""

    LEAD = "lead"
    SERVICE_MANAGER = "service_manager"
    SCHOOL_COORDINATOR = "school_coordinator"
    ANALYST = "analyst"


# Plain strings in this order: the table's check constraint and the CLI's choices spell them.
ROLES: tuple[str, ...] = tuple(role.value for role in Role)

# Roles that can open free text, export or manage keys sign in with two factors.
TWO_FACTOR_REQUIRED = frozenset({Role.LEAD, Role.SERVICE_MANAGER, Role.ANALYST})
# Roles that read every service; a service manager reads only the services named on the
# account (and must have at least one).
ALL_SERVICES = frozenset({Role.LEAD, Role.ANALYST})
SCOPED = frozenset({Role.SERVICE_MANAGER})

REPORT_READERS = frozenset({Role.LEAD, Role.ANALYST, Role.SERVICE_MANAGER})
# Redacted quotes and theme tags are free text, even redacted: lead and analysts only.
QUOTE_READERS = frozenset({Role.LEAD, Role.ANALYST})
THEME_REVIEWERS = frozenset({Role.LEAD, Role.ANALYST})
# Links, codes and SMS invitations for a service; "you said, we did" drafts for it.
DISTRIBUTORS = frozenset({Role.LEAD, Role.SERVICE_MANAGER})
ACTION_DRAFTERS = frozenset({Role.LEAD, Role.SERVICE_MANAGER})
# A school coordinator may also revoke the code they opened for a class.
LINK_REVOKERS = frozenset({Role.LEAD, Role.SERVICE_MANAGER, Role.SCHOOL_COORDINATOR})
SCHOOL_STAFF = frozenset({Role.LEAD, Role.SCHOOL_COORDINATOR})

__all__ = [
    "ACTION_DRAFTERS",
    "ALL_SERVICES",
    "DISTRIBUTORS",
    "LINK_REVOKERS",
    "QUOTE_READERS",
    "REPORT_READERS",
    "ROLES",
    "SCHOOL_STAFF",
    "SCOPED",
    "THEME_REVIEWERS",
    "TWO_FACTOR_REQUIRED",
    "Role",
]
