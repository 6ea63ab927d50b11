"""Fixtures for the themes tests: stored responses with free text, the queue both ways
(tests/support/themes.py), and a signed-in lead for the review page (tests/support/staff.py)."""

from __future__ import annotations

from tests.support.staff import lead
from tests.support.themes import jobs, link_token, new_response, survey_ready

__all__ = ["jobs", "lead", "link_token", "new_response", "survey_ready"]
