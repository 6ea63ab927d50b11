"""Browser tests: real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against a real `feedback serve` process over HTTP.

Fixtures for journey tests:

- ``exit_site`` (package): a stand-in neutral site on its own origin; ``exit_site.urls`` is
  what FEEDBACK_EXIT_SITES holds, ``exit_site.origin`` what a page lands on after leaving.
- ``live_server`` (package): ``feedback serve`` on a free port with a fresh SQLite data folder
  and FEEDBACK_EXIT_SITES pointed at ``exit_site``. ``live_server.url("/s/...")`` builds
  addresses; ``live_server.cli("links", "create", ...)`` runs a `feedback` verb against the
  same database and keys (publish a survey, create links) and returns the CompletedProcess.
  ``live_server_env`` (package) adds settings; ``live_server.now()`` is the server's clock
  and ``live_server.totp(secret)`` the second-factor code it accepts now.
  The database is shared by every test in tests/e2e: create what a test needs, fresh.
- ``browser`` (package): the launched Chromium.
- ``browser_page`` (function): a page in a new, empty context (a phone-sized viewport, no
  cookies), closed after the test. ``new_page(**context_options)`` opens more, e.g.
  ``new_page(viewport={"width": 320, "height": 568})`` or ``java_script_enabled=False``.
- ``axe_page`` (function): a page whose context bypasses our CSP, only so that
  ``axe_violations(page)`` (tests/e2e/axe.py) can inject axe-core; use it for nothing else.

Without /usr/bin/chromium these tests are skipped (scripts/test.sh installs it); in CI
(CI=true) they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.servers import ExitSite, LiveServer

CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
IN_CI = os.environ.get("CI", "").lower() == "true"

NewPage = Callable[..., Page]


@pytest.fixture(scope="package")
def exit_site() -> Iterator[ExitSite]:
    site = ExitSite()
    yield site
    site.close()


@pytest.fixture(scope="package")
def live_server_env() -> dict[str, str]:
    """More FEEDBACK_* settings for the package's server; a package's conftest overrides it
    (e.g. FEEDBACK_CLOCK_START, so its journeys happen on chosen dates)."""
    return {}


@pytest.fixture(scope="package")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, exit_site: ExitSite, live_server_env: dict[str, str]
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("e2e")
    env = {"FEEDBACK_EXIT_SITES": ",".join(exit_site.urls), **live_server_env}
    server = LiveServer(folder / "var", env)
    yield server
    server.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    contexts = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(**{"viewport": PHONE, **options})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page: NewPage) -> Page:
    return new_page()


@pytest.fixture
def axe_page(new_page: NewPage) -> Page:
    return new_page(bypass_csp=True)
