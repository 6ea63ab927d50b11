"""Leaving through /leave: the browser is told to clear the site's cookies, cache and storage
on the way out (Clear-Site-Data), and the page still lands on the neutral site quickly."""

from __future__ import annotations

import time

from playwright.sync_api import Page

from tests.e2e.servers import ExitSite, LiveServer

EXIT = "#exit-this-page"


def test_leaving_clears_the_sites_cookies(
    browser_page: Page, live_server: LiveServer, exit_site: ExitSite
) -> None:
    browser_page.goto(live_server.url("/safety"))
    browser_page.context.add_cookies(
        [{"name": "left-behind", "value": "1", "url": live_server.base_url}]
    )
    assert browser_page.context.cookies(live_server.base_url)

    started = time.perf_counter()
    browser_page.click(EXIT)
    browser_page.wait_for_url(exit_site.origin + "/**")
    took = time.perf_counter() - started

    assert browser_page.url in exit_site.urls
    assert browser_page.context.cookies(live_server.base_url) == []
    assert took < 2, f"leaving took {took:.2f}s"
