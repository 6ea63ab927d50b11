"""Every page of the respondent journey, one by one: zero axe-core violations, and at most
14 KB of HTML plus CSS after gzip."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page
from playwright.sync_api import Response as PageResponse

from tests.e2e.axe import axe_violations
from tests.e2e.journey import (
    PAGE_BUDGET_BYTES,
    agree,
    answer_questions,
    gzipped_weight,
    new_link,
    prepare_survey,
    send_answers,
)
from tests.e2e.servers import LiveServer

Visit = Callable[[Page, LiveServer], "PageResponse | None"]


@pytest.fixture(autouse=True)
def survey_on_server(live_server: LiveServer) -> None:
    prepare_survey(live_server)


def consent(page: Page, live_server: LiveServer) -> PageResponse | None:
    return page.goto(new_link(live_server))


def questions(page: Page, live_server: LiveServer) -> PageResponse | None:
    consent(page, live_server)
    return agree(page)


def questions_in_arabic(page: Page, live_server: LiveServer) -> PageResponse | None:
    """Right to left, with the whole frame translated and the draft notice."""
    consent(page, live_server)
    page.goto(live_server.url("/s?lang=ar"))
    shown = agree(page)
    assert page.locator("html[dir=rtl]").count() == 1
    return shown


def questions_with_errors(page: Page, live_server: LiveServer) -> PageResponse | None:
    questions(page, live_server)
    answer_questions(page, times_told="lots")
    shown = send_answers(page)
    assert page.locator(".error-summary").is_visible()
    return shown


def thanks(page: Page, live_server: LiveServer) -> PageResponse | None:
    questions(page, live_server)
    answer_questions(page)
    shown = send_answers(page)
    assert page.locator(".receipt").is_visible()
    return shown


def declined(page: Page, live_server: LiveServer) -> PageResponse | None:
    consent(page, live_server)
    with page.expect_navigation() as navigation:
        page.click("button[name=choice][value=decline]")
    assert "Nothing has been saved" in page.inner_text("main")
    return navigation.value


def join_form(page: Page, live_server: LiveServer) -> PageResponse | None:
    return page.goto(live_server.url("/join"))


def join_with_error(page: Page, live_server: LiveServer) -> PageResponse | None:
    join_form(page, live_server)
    page.fill("#code", "NOT-A-CODE")
    with page.expect_navigation() as navigation:
        page.click("button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    return navigation.value


PAGES: dict[str, Visit] = {
    "consent": consent,
    "questions": questions,
    "questions in Arabic": questions_in_arabic,
    "questions with error summary": questions_with_errors,
    "thank-you": thanks,
    "declined": declined,
    "join form": join_form,
    "join form with error": join_with_error,
}


@pytest.mark.parametrize("name", PAGES)
def test_journey_page_has_no_axe_violations(
    axe_page: Page, live_server: LiveServer, name: str
) -> None:
    PAGES[name](axe_page, live_server)
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize("name", PAGES)
def test_journey_page_with_its_css_fits_14kb_gzipped(
    browser_page: Page,
    live_server: LiveServer,
    name: str,
    record_property: Callable[[str, object], None],
) -> None:
    document = PAGES[name](browser_page, live_server)
    weight = gzipped_weight(browser_page, document)
    record_property("gzipped_bytes", weight)
    print(f"{name}: {weight} bytes gzipped (HTML + CSS)")
    assert weight <= PAGE_BUDGET_BYTES
