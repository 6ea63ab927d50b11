"""Fixtures for the report tests (defined in tests/support/reports.py, shared with the
actions tests)."""

from __future__ import annotations

from tests.support.reports import survey_version_id

__all__ = ["survey_version_id"]
