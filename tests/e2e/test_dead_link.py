"""A dead link leaves no token behind: Chromium lands on the neutral page by a redirect, so
neither the address bar nor any history entry holds the token."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page

from tests.e2e.journey import history_urls
from tests.e2e.servers import LiveServer


def test_a_dead_link_leaves_no_token_in_the_address_bar_or_history(
    browser_page: Page, live_server: LiveServer
) -> None:
    token = secrets.token_urlsafe(24)  # shaped like a real link's, but never issued

    browser_page.goto(live_server.url(f"/s/{token}"))

    assert browser_page.url == live_server.url("/s/unavailable")
    assert browser_page.get_by_role("heading", name="This page is not available").is_visible()
    history = history_urls(browser_page)
    assert history and not any(token in url for url in history)
