"""A signed-in lead in the console (tests/support/staff.py), and API tokens for a lead and
for a manager of one of two services (tests/support/api.py)."""

from __future__ import annotations

from tests.support.api import lead_token, manager_token, two_services
from tests.support.staff import lead

__all__ = ["lead", "lead_token", "manager_token", "two_services"]
