"""The receipt code pages in a real browser: accessible (axe) with and without an error,
light, and working without JavaScript."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.axe import axe_violations
from tests.e2e.journey import (
    RECEIPT_PATTERN,
    agree,
    answer_questions,
    new_link,
    prepare_survey,
    send_answers,
)
from tests.e2e.servers import LiveServer

PAGES = ["/withdraw", "/receipt"]
PAGE_BUDGET_BYTES = 14_000
NEVER_ISSUED = "YXWV-UTRQ-PNMK-JHGF"


@pytest.mark.parametrize("path", PAGES)
def test_receipt_form_has_no_axe_violations(
    axe_page: Page, live_server: LiveServer, path: str
) -> None:
    axe_page.goto(live_server.url(path))
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize("path", PAGES)
def test_a_wrong_code_is_reported_accessibly(
    axe_page: Page, live_server: LiveServer, path: str
) -> None:
    axe_page.goto(live_server.url(path))
    axe_page.fill("#code", NEVER_ISSUED)
    axe_page.click("button[type=submit]")
    assert "That code did not work" in axe_page.inner_text(".error-summary")
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize("path", PAGES)
def test_a_code_can_be_sent_without_javascript(
    new_page, live_server: LiveServer, path: str
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url(path))
    page.fill("#code", NEVER_ISSUED)
    page.click("button[type=submit]")
    assert "That code did not work" in page.inner_text(".error-summary")


@pytest.mark.parametrize("path", PAGES)
def test_receipt_form_fits_in_14_kb_compressed(live_server: LiveServer, path: str) -> None:
    html = httpx.get(live_server.url(path)).content
    css = httpx.get(live_server.url("/static/public.css")).content
    size = len(gzip.compress(html, 6)) + len(gzip.compress(css, 6))
    assert size <= PAGE_BUDGET_BYTES


def test_the_thank_you_code_shows_a_receipt_and_withdraws_accessibly(
    axe_page: Page, live_server: LiveServer
) -> None:
    prepare_survey(live_server)
    axe_page.goto(new_link(live_server))
    agree(axe_page)
    answer_questions(axe_page)
    send_answers(axe_page)
    code = axe_page.inner_text(".receipt").strip()
    assert re.match(RECEIPT_PATTERN, code)

    axe_page.goto(live_server.url("/receipt"))
    axe_page.fill("#code", code)
    axe_page.click("button[type=submit]")
    assert "Your receipt" in axe_page.inner_text("h1")
    assert "Nothing has been published yet" in axe_page.inner_text("main")
    assert axe_violations(axe_page) == []

    axe_page.goto(live_server.url("/withdraw"))
    axe_page.fill("#code", code)
    axe_page.click("button[type=submit]")
    assert "will be removed" in axe_page.inner_text("h1")
    assert axe_violations(axe_page) == []
