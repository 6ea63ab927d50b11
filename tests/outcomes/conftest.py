"""Fixtures for the outcome tests (defined in tests/support/outcomes.py, shared with the
SMS pairing tests)."""

from __future__ import annotations

from tests.support.outcomes import master_key, surveys

__all__ = ["master_key", "surveys"]
