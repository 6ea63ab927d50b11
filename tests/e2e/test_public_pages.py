"""Every public page: accessible (axe), light, uncacheable, unframeable, no persistent
cookie, help on the page."""

from __future__ import annotations

import gzip

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.axe import axe_violations
from tests.e2e.servers import LiveServer

# The safety page, the neutral page for an unknown link, and any unknown public address.
PUBLIC_PAGES = ["/safety", "/s/unknown-token-xyz", "/no-such-page"]
PAGE_BUDGET_BYTES = 14_000


def gzipped_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(
    axe_page: Page, live_server: LiveServer, path: str
) -> None:
    axe_page.goto(live_server.url(path))
    assert axe_violations(axe_page) == []


def test_safety_page_has_no_axe_violations_at_320px(new_page, live_server: LiveServer) -> None:
    page = new_page(bypass_csp=True, viewport={"width": 320, "height": 568})
    page.goto(live_server.url("/safety"))
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_sends_the_safety_headers(live_server: LiveServer, path: str) -> None:
    headers = httpx.get(live_server.url(path)).headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    policy = [part.strip() for part in headers["content-security-policy"].split(";")]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "default-src 'none'",
        "script-src 'self'",
    ):
        assert directive in policy
    assert "http" not in headers["content-security-policy"]  # no third-party origin


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_sets_no_persistent_cookie(live_server: LiveServer, path: str) -> None:
    for cookie in httpx.get(live_server.url(path)).headers.get_list("set-cookie"):
        attributes = {part.split("=")[0].strip().lower() for part in cookie.split(";")[1:]}
        assert not attributes & {"expires", "max-age"}, cookie


def test_browser_keeps_only_session_cookies(browser_page: Page, live_server: LiveServer) -> None:
    for path in PUBLIC_PAGES:
        browser_page.goto(live_server.url(path))
    assert all(cookie["expires"] == -1 for cookie in browser_page.context.cookies())


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_html_and_css_fit_in_14_kb_compressed(
    live_server: LiveServer, path: str
) -> None:
    html = httpx.get(live_server.url(path)).content
    css = httpx.get(live_server.url("/static/public.css")).content
    assert gzipped_size(html) + gzipped_size(css) <= PAGE_BUDGET_BYTES


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_neutral_and_offers_help(
    browser_page: Page, live_server: LiveServer, path: str
) -> None:
    browser_page.goto(live_server.url(path))
    assert browser_page.title() == "Feedback"
    help_text = browser_page.locator("footer").inner_text()
    assert "999" in help_text and "55" in help_text and "0808 2000 247" in help_text
    assert browser_page.locator("footer a[href='/safety']").count() == 1
    assert browser_page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"


def test_every_asset_comes_from_our_own_origin(browser_page: Page, live_server: LiveServer) -> None:
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.goto(live_server.url("/safety"))
    browser_page.wait_for_load_state("load")
    assert requested and all(url.startswith(live_server.base_url) for url in requested)


def test_safety_page_covers_leaving_history_and_help(
    browser_page: Page, live_server: LiveServer
) -> None:
    browser_page.goto(live_server.url("/safety"))
    text = browser_page.locator("main").inner_text()
    for words in (
        "Exit this page",
        "Shift key 3 times",
        "history",
        "Refuge",
        "0808 2000 247",
        "999",
    ):
        assert words in text
