"""The staff console in real Chromium against a fresh `feedback serve`: the issue's
"done when" journey (lead publishes and sets up a service manager, who sets a password
and two-factor, makes 20 links with QR cards; one link answers; the console counts it,
suppressed), an analyst reviewing a tag, and axe on every console page each role reaches."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page

from feedback import clock
from feedback.crypto.periods import period_label
from tests.auth.test_access import ACCESS, _fill
from tests.e2e.axe import axe_violations
from tests.e2e.journey import ROOT, agree, answer_questions, send_answers
from tests.e2e.servers import ExitSite, LiveServer
from tests.support.browser import NewPage

PASSWORD = "correct horse battery staple"
SURVEY_FILE = ROOT / "surveys" / "service-satisfaction.yaml"
RECOVERY: dict[str, list[str]] = {}  # email -> unused recovery codes, for later sign-ins
SPANISH = "Muy buen servicio, me escucharon con paciencia"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, exit_site: ExitSite) -> Iterator[LiveServer]:
    """A fresh server of its own: nothing published, no service, no account but a lead."""
    folder = tmp_path_factory.mktemp("console")
    server = LiveServer(folder / "var", {"FEEDBACK_EXIT_SITES": ",".join(exit_site.urls)})
    run(server, "users", "create", "--role", "lead", "--email", "lead@example.org",
        "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    yield server
    server.close()


def run(server: LiveServer, *args: str, input: str | None = None) -> str:
    done = server.cli(*args, input=input)
    assert done.returncode == 0, f"feedback {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def query(server: LiveServer, sql: str) -> list[tuple[object, ...]]:
    path = Path(server.env["FEEDBACK_DATA_DIR"]) / "feedback.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(db.execute(sql).fetchall())


def no_axe_violations(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def sign_in(
    page: Page, server: LiveServer, email: str, password: str = PASSWORD, *, axe: bool = False
) -> None:
    """Sign in as a person does; the first time, set up two-factor from the page's key.
    With `axe`, the sign-in and two-factor pages are checked on the way."""
    page.goto(server.url("/staff/sign-in"))
    if axe:
        no_axe_violations(page)
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Continue").click()
    if page.url.endswith("/staff/two-factor/setup"):
        if axe:
            no_axe_violations(page)
        secret = page.inner_text("code.secret")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Confirm").click()
        RECOVERY[email] = [code.strip() for code in page.locator(".codes code").all_inner_texts()]
        if axe:
            no_axe_violations(page)
        page.get_by_role("link", name="Continue to the console").click()
    else:  # a code of this 30-second step may be spent already: use a recovery code
        page.fill("#code", RECOVERY[email].pop())
        page.get_by_role("button", name="Continue").click()
    assert page.url == server.url("/staff/"), page.url


def staff_account(server: LiveServer, role: str, email: str, *services: str) -> None:
    scope = [arg for name in services for arg in ("--service", name)]
    run(server, "users", "create", "--role", role, "--email", email, *scope,
        "--password-stdin", input=PASSWORD + "\n")  # fmt: skip


def test_done_when(new_page: NewPage, console: LiveServer) -> None:
    """Issue 9's "done when", start to finish, in the browser."""
    lead = new_page(bypass_csp=True)
    sign_in(lead, console, "lead@example.org", axe=True)
    lead.goto(console.url("/staff/surveys"))
    lead.set_input_files("#definition", str(SURVEY_FILE))
    lead.get_by_role("button", name="Check, then publish…").click()
    assert "It cannot be changed or removed afterwards" in lead.inner_text(".warning")
    lead.get_by_role("button", name="Publish version 1").click()
    assert "Published service-satisfaction version 1" in lead.inner_text(".notice")
    run(console, "keys", "init")  # key operations stay on the command line

    lead.goto(console.url("/staff/admin/services"))
    lead.fill("#name", "Done When Service")
    lead.get_by_label("Westminster").check()
    lead.get_by_role("button", name="Add service").click()
    assert "Added Done When Service" in lead.inner_text(".notice")

    lead.goto(console.url("/staff/admin/accounts/new"))
    lead.fill("#email", "manager@example.org")
    lead.select_option("#role", "service_manager")
    lead.get_by_label("Done When Service").check()
    lead.get_by_role("button", name="Create account").click()
    no_axe_violations(lead)
    link = lead.inner_text("code.one-time-link")

    manager = new_page(bypass_csp=True)
    manager.goto(link)
    no_axe_violations(manager)
    manager.fill("#password", "manager's own long passphrase")
    manager.fill("#confirm", "manager's own long passphrase")
    manager.get_by_role("button", name="Set password").click()
    assert manager.get_by_role("heading", name="Your password is set").is_visible()
    sign_in(manager, console, "manager@example.org", "manager's own long passphrase")

    manager.goto(console.url("/staff/links"))
    manager.select_option("#service", "Done When Service")
    manager.fill("#count", "20")
    manager.check("#output-cards")
    manager.get_by_role("button", name="Create").click()
    cards = manager.locator(".card")
    assert cards.count() == 20 and manager.locator(".card svg").count() == 20
    no_axe_violations(manager)
    # The card carries no URL to read out: a person without a camera types its code at /join.
    first_code = manager.locator(".card-code").first.inner_text().strip()

    respondent = new_page()
    respondent.goto(console.url("/join"))
    respondent.fill("#code", first_code)
    with respondent.expect_navigation():
        respondent.click("button[type=submit]")
    agree(respondent)
    answer_questions(respondent)
    send_answers(respondent)
    assert respondent.get_by_role("heading", name="Thank you").is_visible()

    for page in (lead, manager):
        page.goto(console.url("/staff/"))
        assert "Responses received" in page.inner_text("main")
        assert "fewer than 5" in page.inner_text("main")  # one response: suppressed
        page.goto(console.url("/staff/reports/service-satisfaction"))
        figures = page.inner_text(".legend")
        assert re.search(r"Responses:\s*c\b", figures), figures
    batches = manager.goto(console.url("/staff/links/batches"))
    assert batches is not None and batches.ok
    row = manager.locator("tbody tr").first.inner_text()
    # A batch never says "live" or "used up": beside its size, either would make the used
    # count, shown only as "fewer than 5" or "5 or more", exact (issue 21).
    assert "Done When Service" in row and "in date" in row and "fewer than 5" in row


def test_an_analyst_reviews_a_tag(new_page: NewPage, console: LiveServer) -> None:
    run(console, "surveys", "publish", str(SURVEY_FILE))  # unchanged if already published
    run(console, "services", "add", "Review Service", "--borough", "westminster")
    run(console, "keys", "init")
    created = run(console, "links", "create", "--survey", "service-satisfaction",
                  "--service", "Review Service", "--format", "json")  # fmt: skip
    url = re.search(r'"url":\s*"([^"]+)"', created)
    assert url is not None
    respondent = new_page()
    respondent.goto(url.group(1))
    agree(respondent)
    answer_questions(respondent)
    respondent.fill("#q_what_helped_most", SPANISH)
    send_answers(respondent)
    run(console, "themes", "retag")  # tag now, in this process, rather than wait for a job
    staff_account(console, "analyst", "analyst@example.org")

    analyst = new_page(bypass_csp=True)
    sign_in(analyst, console, "analyst@example.org")
    analyst.get_by_role("link", name="Theme review").click()
    assert "not in English" in analyst.inner_text("main")
    assert "escucharon" not in analyst.content()
    no_axe_violations(analyst)
    (spanish_id,) = query(
        console,
        "SELECT r.id FROM responses r JOIN services s ON s.id = r.service_id"
        " WHERE s.name = 'Review Service'",
    )[0]
    if str(spanish_id) not in analyst.inner_text("main"):  # the queue holds others too
        analyst.goto(console.url(f"/staff/themes/review/{spanish_id}"))
    analyst.get_by_role("button", name="Open the redacted text").click()
    assert SPANISH in analyst.inner_text(".answer-text")
    no_axe_violations(analyst)
    analyst.select_option("#theme_id", label="Listened to and respected")
    analyst.get_by_role("button", name="Add theme").click()
    assert "added" in analyst.inner_text(".notice")
    assert "escucharon" not in analyst.content()  # reading it again is another opening
    actions = {row[0] for row in query(console, "SELECT action FROM audit_events")}
    assert {"free_text.open", "theme.add"} <= actions


ROLES = {
    "lead": "axe-lead@example.org",
    "service_manager": "axe-manager@example.org",
    "school_coordinator": "axe-coordinator@example.org",
    "analyst": "axe-analyst@example.org",
}


def _sample_values(server: LiveServer) -> dict[str, str]:
    """Real ids from the server's database, so each page shows something."""
    run(server, "tokens", "create", "--email", ROLES["analyst"])

    def first(sql: str) -> str:
        rows = query(server, sql)
        return str(rows[0][0]) if rows else "1"

    return {
        "slug": "service-satisfaction",
        "number": "1",
        "batch_id": first("SELECT id FROM link_batches"),
        "user_id": first(f"SELECT id FROM staff_users WHERE email = '{ROLES['analyst']}'"),
        "token_id": first("SELECT id FROM api_tokens"),
        "response_id": first("SELECT id FROM responses"),
        "theme": "safety",
        "round_id": "1",
        "school_id": "1",
        "session_id": "1",
        "record_id": "1",
        "service_id": first("SELECT id FROM services"),
        "draft_id": first("SELECT id FROM survey_drafts"),
        "section": "0",
    }


def _start_a_draft(page: Page, server: LiveServer) -> None:
    """A survey draft, so the lead's authoring pages are checked with something on them."""
    page.goto(server.url("/staff/surveys/drafts"))
    page.get_by_role("button", name="Start from this survey").click()
    page.wait_for_url("**/staff/surveys/drafts/*")


@pytest.fixture(scope="module")
def axe_accounts(console: LiveServer) -> dict[str, str]:
    run(console, "surveys", "publish", str(SURVEY_FILE))
    run(console, "services", "add", "Axe Service", "--borough", "westminster")
    for role, email in ROLES.items():
        scope = ("Axe Service",) if role in ("service_manager", "school_coordinator") else ()
        staff_account(console, role, email, *scope)
    run(console, "links", "create", "--survey", "service-satisfaction", "--service", "Axe Service")
    return ROLES


QUERIES = {
    "/staff/reports/service-satisfaction/compare": "?question=felt_believed",
    # the confirmation page of a live period (the server made this quarter's at start-up)
    "/staff/admin/keys/destroy": f"?period={period_label(clock.now_utc(), 'quarter')}",
}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_console_page_a_role_reaches_passes_axe(
    axe_page: Page, console: LiveServer, axe_accounts: dict[str, str], role: str
) -> None:
    """Every GET page in the access table this role may use (exports are files, not pages)."""
    sign_in(axe_page, console, axe_accounts[role])
    if role == "lead":
        _start_a_draft(axe_page, console)
    values = _sample_values(console)
    pages = sorted(
        _fill(route.split(" ", 1)[1], values)
        for route, roles in ACCESS.items()
        if route.startswith("GET ") and role in roles
        and not route.endswith(("/export", "/download"))  # files, not pages
        and "/set-password" not in route and "/two-factor" not in route and "/sign-in" not in route
    )  # fmt: skip
    assert "/staff" in pages and len(pages) >= 5, pages
    failing = {}
    for path in pages:
        axe_page.goto(console.url(path + QUERIES.get(path, "")))
        found = axe_violations(axe_page)
        if found:
            failing[path] = found
    assert failing == {}
