"""Leaving quickly: the button and Shift pressed three times blank the page, then replace it
and its history entry with a neutral site, so Back does not bring it back."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.servers import ExitSite, LiveServer

EXIT = "#exit-this-page"


def still_here(page: Page, live_server: LiveServer) -> bool:
    """Leaving blanks the page synchronously, so a page that still shows its exit link and
    address after the key events were handled has not started to leave."""
    return page.url.startswith(live_server.base_url) and page.locator(EXIT).is_visible()


def open_with_answer_box(page: Page, live_server: LiveServer) -> None:
    """A respondent page with the cursor in a text field (intake pages will have their own)."""
    page.goto(live_server.url("/safety"))
    page.evaluate("""() => {
        const box = document.createElement('textarea');
        box.id = 'answer';
        document.querySelector('main').prepend(box);
    }""")
    page.focus("#answer")


def test_exit_button_blanks_the_page_before_it_leaves(
    browser_page: Page, live_server: LiveServer, exit_site: ExitSite
) -> None:
    # Every request to the exit site goes through this handler first, so the page cannot have
    # been replaced before the synchronous look below has answered.
    browser_page.route(exit_site.origin + "/**", lambda route: route.continue_())
    browser_page.goto(live_server.url("/safety"))
    state = browser_page.evaluate("""() => {
        document.getElementById('exit-this-page').click();
        return {children: document.body.childElementCount, hidden: document.body.hidden};
    }""")
    assert state == {"children": 0, "hidden": True}
    browser_page.wait_for_url(exit_site.origin + "/**")
    assert browser_page.url in exit_site.urls


def test_back_after_exit_does_not_return_to_the_page(
    browser_page: Page, live_server: LiveServer, exit_site: ExitSite
) -> None:
    browser_page.goto(exit_site.origin + "/start")
    browser_page.goto(live_server.url("/safety"))
    entries = browser_page.evaluate("history.length")
    browser_page.click(EXIT)
    browser_page.wait_for_url(exit_site.origin + "/**")
    assert browser_page.evaluate("history.length") == entries  # replaced, not added
    browser_page.go_back()
    assert browser_page.url == exit_site.origin + "/start"
    browser_page.go_forward()
    assert browser_page.url in exit_site.urls


def test_exit_link_works_without_javascript(
    new_page, live_server: LiveServer, exit_site: ExitSite
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url("/safety"))
    page.click(EXIT)
    page.wait_for_url(exit_site.urls[0])


def test_shift_three_times_leaves_even_from_an_answer_box(
    browser_page: Page, live_server: LiveServer, exit_site: ExitSite
) -> None:
    open_with_answer_box(browser_page, live_server)
    for _ in range(3):
        browser_page.keyboard.press("Shift")
    browser_page.wait_for_url(exit_site.origin + "/**")
    assert browser_page.url in exit_site.urls


def test_shift_counts_on_release_not_on_press(browser_page: Page, live_server: LiveServer) -> None:
    open_with_answer_box(browser_page, live_server)
    for _ in range(2):
        browser_page.keyboard.press("Shift")
    browser_page.keyboard.down("Shift")
    assert still_here(browser_page, live_server)
    browser_page.keyboard.up("Shift")
    browser_page.wait_for_url(lambda url: not url.startswith(live_server.base_url))


def test_typing_capitals_does_not_leave(browser_page: Page, live_server: LiveServer) -> None:
    open_with_answer_box(browser_page, live_server)
    browser_page.keyboard.type("I Said It To The GP")
    for key in ("Shift+A", "Shift+B", "Shift+C"):
        browser_page.keyboard.press(key)
    assert still_here(browser_page, live_server)
    assert browser_page.input_value("#answer") == "I Said It To The GPABC"


def test_other_keys_between_shift_presses_start_the_count_again(
    browser_page: Page, live_server: LiveServer
) -> None:
    open_with_answer_box(browser_page, live_server)
    for key in ("Shift", "Shift", "a", "Shift", "b", "Shift"):
        browser_page.keyboard.press(key)
    assert still_here(browser_page, live_server)


def test_shift_presses_spread_over_more_than_five_seconds_do_not_leave(
    browser_page: Page, live_server: LiveServer
) -> None:
    browser_page.clock.install()
    open_with_answer_box(browser_page, live_server)
    browser_page.keyboard.press("Shift")
    browser_page.clock.fast_forward(2600)
    browser_page.keyboard.press("Shift")
    browser_page.clock.fast_forward(2600)
    browser_page.keyboard.press("Shift")
    assert still_here(browser_page, live_server)


def test_three_shift_presses_within_five_seconds_leave(
    browser_page: Page, live_server: LiveServer, exit_site: ExitSite
) -> None:
    browser_page.clock.install()
    open_with_answer_box(browser_page, live_server)
    browser_page.keyboard.press("Shift")
    browser_page.clock.fast_forward(2400)
    browser_page.keyboard.press("Shift")
    browser_page.clock.fast_forward(2400)
    browser_page.keyboard.press("Shift")
    browser_page.wait_for_url(exit_site.origin + "/**")
