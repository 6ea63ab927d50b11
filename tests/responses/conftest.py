"""Fixtures for the responses tests: a published survey, a service, keys and a fresh link
(defined in tests/support/responses.py, shared with other packages' tests)."""

from __future__ import annotations

from tests.support.responses import link_token, survey_ready

__all__ = ["link_token", "survey_ready"]
