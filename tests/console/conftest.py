"""A signed-in lead in the console (tests/support/staff.py)."""

from __future__ import annotations

from tests.support.staff import lead

__all__ = ["lead"]
