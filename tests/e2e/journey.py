"""What the respondent-journey browser tests share: a published survey on the live server,
fresh links and codes from the real CLI, answering the form as a person would, and the
checks that the browser kept no trace (storage, service workers, persistent cookies,
history entries holding the token)."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import Response as PageResponse

from tests.e2e.servers import LiveServer

ROOT = Path(__file__).resolve().parents[2]
SURVEY = "service-satisfaction"
SERVICE = "Journey Test Service"
PAGE_BUDGET_BYTES = 14_000
HELPLINE = "0808 2000 247"
RECEIPT_PATTERN = r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$"
# Distinctive words a respondent types: they must reach no URL, no storage, no log.
FREE_TEXT = "Quokka-lantern advocate answered every Tuesday"
_PREPARED: set[str] = set()  # live servers (one per test package run) already prepared


def prepare_survey(live_server: LiveServer) -> None:
    """Publish the survey and add a service through the CLI, as an operator would. Keys
    exist already: `feedback serve` makes them on the embedded default; `keys init` keeps
    them."""
    steps = (
        ("surveys", "publish", str(ROOT / "surveys" / f"{SURVEY}.yaml")),
        ("services", "add", SERVICE, "--borough", "westminster"),
        ("keys", "init"),
    )
    if live_server.base_url in _PREPARED:
        return
    for step in steps:
        done = live_server.cli(*step)
        assert done.returncode == 0, f"feedback {' '.join(step)}: {done.stdout}{done.stderr}"
    _PREPARED.add(live_server.base_url)


def new_link(live_server: LiveServer) -> str:
    """One fresh single-use link URL."""
    return _create(live_server)[0]["url"]


def new_code(live_server: LiveServer, cap: int = 5) -> str:
    """One fresh shared join code."""
    return _create(live_server, "--kind", "code", "--cap", str(cap))[0]["code"]


def _create(live_server: LiveServer, *extra: str) -> list[dict[str, str]]:
    done = live_server.cli(
        "links", "create", "--survey", SURVEY, "--service", SERVICE, "--format", "json", *extra
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return list(json.loads(done.stdout))


def stored_responses(live_server: LiveServer) -> int:
    """Responses in the live server's SQLite file, read-only and beside the server."""
    path = Path(live_server.env["FEEDBACK_DATA_DIR"]) / "feedback.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM responses").fetchone()[0])


def agree(page: Page) -> PageResponse | None:
    with page.expect_navigation() as navigation:
        page.click("button[name=choice][value=agree]")
    return navigation.value


def answer_questions(page: Page, *, times_told: str = "3") -> None:
    """Several question types: scales and a yes/no (radios), a number that shows only after
    "yes", free text, and an equality monitoring item left as prefer-not-to-say."""
    page.check("input[name=q_felt_believed][value='5']")
    page.check("input[name=q_felt_listened_to][value='4']")
    page.check("input[name=q_had_to_repeat_story][value='yes']")
    page.fill("#q_times_told_story", times_told)
    page.fill("#q_what_helped_most", FREE_TEXT)
    prefer_not = page.locator("input[name=q_age_band][value='prefer_not_to_say']")
    if prefer_not.count():
        prefer_not.check()


def send_answers(page: Page) -> PageResponse | None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send my answers").click()
    return navigation.value


def gzipped_weight(page: Page, document: PageResponse | None) -> int:
    """The page's own HTML plus every stylesheet it links, gzip level 6, as sent."""
    assert document is not None
    total = len(gzip.compress(document.body(), compresslevel=6))
    for href in page.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(link => link.href)"
    ):
        css = page.request.get(href)
        total += len(gzip.compress(css.body(), compresslevel=6))
    return total


def browser_keeps_no_trace(page: Page) -> dict[str, Any]:
    """Everything a later look at this browser could find from the site itself."""
    kept = page.evaluate("""async () => ({
        localStorage: localStorage.length,
        sessionStorage: sessionStorage.length,
        serviceWorkers: navigator.serviceWorker
            ? (await navigator.serviceWorker.getRegistrations()).length : 0,
        getForms: [...document.forms].filter(form => form.method !== 'post').length,
    })""")
    kept["persistentCookies"] = [
        cookie["name"] for cookie in page.context.cookies() if cookie["expires"] != -1
    ]
    return dict(kept)


NO_TRACE = {
    "localStorage": 0,
    "sessionStorage": 0,
    "serviceWorkers": 0,
    "getForms": 0,
    "persistentCookies": [],
}


def history_urls(page: Page) -> list[str]:
    """Every entry of the tab's history, as Chromium's DevTools protocol lists it."""
    session = page.context.new_cdp_session(page)
    try:
        history = session.send("Page.getNavigationHistory")
    finally:
        session.detach()
    return [entry["url"] for entry in history["entries"]]


def no_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )
