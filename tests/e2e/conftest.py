"""Browser fixtures for the e2e tests: Chromium against a real `feedback serve` process
(defined and described in tests/support/browser.py, shared with the consultations browser test)."""

from __future__ import annotations

from tests.support.browser import (
    axe_page,
    browser,
    browser_page,
    exit_site,
    live_server,
    live_server_env,
    new_page,
)

__all__ = [
    "axe_page",
    "browser",
    "browser_page",
    "exit_site",
    "live_server",
    "live_server_env",
    "new_page",
]
