"""The report pages added for issue 6 in a real browser, signed in as a lead: the board pack,
the themes page and a theme's redacted quotes are accessible (axe)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyotp
from playwright.sync_api import Page

from feedback.clock import LONDON
from feedback.reports.quotes import QUOTES_SHOWN
from tests.e2e.axe import axe_violations
from tests.e2e.journey import (
    SURVEY,
    agree,
    answer_questions,
    new_link,
    prepare_survey,
    send_answers,
)
from tests.e2e.servers import LiveServer

LEAD = "report-lead@example.org"
PASSWORD = "a long passphrase for the report lead"
RESPONSES = 5
_READY: set[str] = set()


def _responses_with_a_theme(live_server: LiveServer, page: Page) -> None:
    """Five real responses through the respondent pages, each tagged `believed` (as the
    tagger would) in the server's SQLite file; then a lead account."""
    if live_server.base_url in _READY:
        return
    prepare_survey(live_server)
    for _ in range(RESPONSES):
        page.goto(new_link(live_server))
        agree(page)
        answer_questions(page)
        send_answers(page)
    path = Path(live_server.env["FEEDBACK_DATA_DIR"]) / "feedback.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO theme_tags (response_id, question_id, theme_id, source, sentiment, "
            "polarity, decision) SELECT id, 'what_helped_most', 'believed', 'machine', "
            "'positive', 0.5, 'pending' FROM responses"
        )
    created = live_server.cli(
        "users", "create", "--role", "lead", "--email", LEAD, "--password-stdin", input=PASSWORD
    )
    assert created.returncode == 0, created.stdout + created.stderr
    _READY.add(live_server.base_url)


def _sign_in_as_lead(page: Page, live_server: LiveServer) -> None:
    """Password, then enrol in two factors (a new account's first sign-in)."""
    page.goto(live_server.url("/staff/sign-in"))
    page.fill("#email", LEAD)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert "/two-factor/setup" in page.url, page.url
    secret = page.inner_text("code.secret").strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()


def test_board_pack_themes_and_quotes_have_no_axe_violations(
    axe_page: Page, live_server: LiveServer
) -> None:
    """One sign-in for the three pages: a two-factor code is good once."""
    _responses_with_a_theme(live_server, axe_page)
    _sign_in_as_lead(axe_page, live_server)
    year = live_server.now().astimezone(LONDON).year  # the server's year in London
    found = {}
    for path in ("", "/board-pack", "/themes", "/themes/believed/quotes"):
        shown = axe_page.goto(live_server.url(f"/staff/reports/{SURVEY}{path}"))
        assert shown is not None and shown.status == 200, (path, shown and shown.status)
        if path == "":
            assert axe_page.locator(f"a[href^='/staff/reports/{SURVEY}/board-pack']").count()
        if path == "/board-pack":
            assert axe_page.locator(".board-page").count() >= 2
            assert axe_page.locator("svg.chart").count() > 0
        if path == "/themes":
            assert axe_page.locator("svg.chart").count() == 1
            assert f"quotes?period={year}" in axe_page.content()
        if path.endswith("quotes"):
            # However many responses are tagged (the server is shared), a fixed number shows.
            assert axe_page.locator("blockquote").count() == QUOTES_SHOWN
        found[path] = axe_violations(axe_page)
    assert found == {path: [] for path in found}
