"""The respondent's whole journey in real Chromium against `feedback serve`: a link whose
token leaves no trace, consent, answers, a receipt; without JavaScript; at 320 px; in
Arabic; leaving mid-answer; and entering by a join code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.e2e.axe import axe_violations
from tests.e2e.journey import (
    FREE_TEXT,
    HELPLINE,
    NO_TRACE,
    RECEIPT_PATTERN,
    agree,
    answer_questions,
    browser_keeps_no_trace,
    history_urls,
    new_code,
    new_link,
    no_horizontal_scroll,
    prepare_survey,
    send_answers,
    stored_responses,
)
from tests.e2e.servers import ExitSite, LiveServer
from tests.support.browser import NewPage

NARROW = {"width": 320, "height": 568}


@pytest.fixture(autouse=True)
def survey_on_server(live_server: LiveServer) -> None:
    prepare_survey(live_server)


def receipt_of(page: Page) -> str:
    code = page.locator(".receipt").inner_text().strip()
    assert re.match(RECEIPT_PATTERN, code), code
    return code


def test_a_link_journey_keeps_the_token_out_of_the_address_bar_and_history(
    browser_page: Page, live_server: LiveServer
) -> None:
    link = new_link(live_server)
    token = link.rsplit("/", 1)[1]
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))

    browser_page.goto(link)
    assert browser_page.url == live_server.url("/s")
    assert not any(token in url for url in history_urls(browser_page))
    assert browser_keeps_no_trace(browser_page) == NO_TRACE
    agree(browser_page)
    assert browser_page.url == live_server.url("/s/questions")
    answer_questions(browser_page)
    assert browser_keeps_no_trace(browser_page) == NO_TRACE
    send_answers(browser_page)

    assert browser_page.get_by_role("heading", name="Thank you").is_visible()
    receipt_of(browser_page)
    assert "999" in browser_page.inner_text("footer")
    assert HELPLINE in browser_page.inner_text("footer")
    assert browser_keeps_no_trace(browser_page) == NO_TRACE
    assert browser_page.context.cookies(live_server.base_url) == []  # Clear-Site-Data
    assert not any(token in url for url in history_urls(browser_page))
    assert [url for url in requested if token in url] == [link]  # only the first visit
    assert not any("Quokka" in url or "q_" in url for url in requested)


def test_the_whole_journey_works_without_javascript(
    new_page: NewPage, live_server: LiveServer
) -> None:
    page = new_page(java_script_enabled=False)
    before = stored_responses(live_server)
    page.goto(new_link(live_server))
    agree(page)
    answer_questions(page)
    send_answers(page)
    receipt_of(page)
    assert stored_responses(live_server) == before + 1


def test_the_journey_is_usable_at_320px(new_page: NewPage, live_server: LiveServer) -> None:
    page = new_page(viewport=NARROW)
    page.goto(new_link(live_server))
    assert no_horizontal_scroll(page), "consent page scrolls sideways"
    agree(page)
    assert no_horizontal_scroll(page), "questions page scrolls sideways"
    answer_questions(page, times_told="many")
    send_answers(page)
    assert page.locator(".error-summary").is_visible()
    assert no_horizontal_scroll(page), "questions page with errors scrolls sideways"
    page.fill("#q_times_told_story", "3")
    send_answers(page)
    receipt_of(page)
    assert no_horizontal_scroll(page), "thank-you page scrolls sideways"


def test_arabic_renders_right_to_left_and_passes_axe(
    axe_page: Page, live_server: LiveServer
) -> None:
    axe_page.goto(new_link(live_server))
    axe_page.goto(live_server.url("/s?lang=ar"))
    root = axe_page.locator("html")
    assert (root.get_attribute("lang"), root.get_attribute("dir")) == ("ar", "rtl")
    assert axe_violations(axe_page) == []
    agree(axe_page)
    assert axe_page.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(axe_page) == []


def test_leaving_mid_answer_submits_nothing(
    browser_page: Page, new_page: NewPage, live_server: LiveServer, exit_site: ExitSite
) -> None:
    link = new_link(live_server)
    before = stored_responses(live_server)
    browser_page.goto(link)
    agree(browser_page)
    answer_questions(browser_page)
    browser_page.focus("#q_what_helped_most")
    browser_page.click("#exit-this-page")
    browser_page.wait_for_url(exit_site.origin + "/**")
    assert browser_page.url in exit_site.urls
    assert stored_responses(live_server) == before
    # Leaving used nothing up: the same link still opens the survey, with no answer kept.
    again = new_page()
    again.goto(link)
    agree(again)
    assert again.input_value("#q_what_helped_most") == ""
    assert FREE_TEXT not in again.content()


def test_the_join_form_refuses_a_wrong_code_and_admits_the_right_one(
    browser_page: Page, live_server: LiveServer
) -> None:
    code = new_code(live_server)
    browser_page.goto(live_server.url("/join"))
    browser_page.fill("#code", "WRONG-CODE")
    with browser_page.expect_navigation() as navigation:
        browser_page.click("button[type=submit]")
    assert navigation.value is not None and navigation.value.status == 400
    summary = browser_page.locator(".error-summary")
    assert "That code did not work" in summary.inner_text()
    assert browser_page.url == live_server.url("/join")  # the code went in the body
    browser_page.fill("#code", code)
    with browser_page.expect_navigation():
        browser_page.click("button[type=submit]")
    assert browser_page.url == live_server.url("/s")
    assert not any(code in url for url in history_urls(browser_page))
    agree(browser_page)
    answer_questions(browser_page)
    send_answers(browser_page)
    receipt_of(browser_page)
