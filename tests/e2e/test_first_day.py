"""Issue 19's "done when": the Strategic Lead's whole first day in Chromium, from a fresh
start with only the lead made by the start-up hint's one command. Services, an account for a
service manager, a survey authored, previewed and published in the browser, links and cards,
a round opened, a report read, a record drafted by the manager and approved by the lead.

Every page is photographed at 1280 and 375 px and checked with axe-core at both widths.
The screenshots are test artifacts in `test-artifacts/first-day/` (git-ignored, replaced on
every run, path printed at the end): look at them when a page changes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page

from feedback import clock
from tests.e2e.axe import axe_violations
from tests.e2e.journey import agree, answer_questions, send_answers
from tests.e2e.servers import ExitSite, LiveServer
from tests.e2e.test_console import PASSWORD, run, sign_in
from tests.support.browser import NewPage

LEAD = "first-lead@example.org"
MANAGER = "first-manager@example.org"
SERVICE = "Westminster Outreach"
SLUG = "first-day-feedback"
TITLE = "How was our service?"
WIDTHS = (1280, 375)
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "first-day"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, exit_site: ExitSite) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("first-day")
    server = LiveServer(folder / "var", {"FEEDBACK_EXIT_SITES": ",".join(exit_site.urls)})
    run(server, "users", "create", "--role", "lead", "--email", LEAD,
        "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    yield server
    server.close()


class Camera:
    """Photographs a page at each width and runs axe at each; collects what fails."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.failures: dict[str, list[object]] = {}
        self.shots: list[Path] = []

    def __call__(self, page: Page, name: str) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            path = self.folder / f"{len(self.shots) // 2 + 1:02}-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            self.shots.append(path)
            found = axe_violations(page)
            if found:
                self.failures[f"{name} at {width}px"] = found
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                self.failures[f"{name} at {width}px"] = [f"page is {wide} px wide"]
        page.set_viewport_size({"width": 1280, "height": 900})


def test_the_leads_first_day(new_page: NewPage, fresh: LiveServer) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    shoot = Camera(ARTIFACTS)
    lead = new_page(bypass_csp=True, viewport={"width": 1280, "height": 900})
    sign_in(lead, fresh, LEAD)
    shoot(lead, "home")

    # Services, and the sealing keys the server made at start-up.
    lead.goto(fresh.url("/staff/admin/services"))
    lead.fill("#name", SERVICE)
    lead.get_by_label("Westminster").check()
    lead.get_by_role("button", name="Add service").click()
    assert f"Added {SERVICE}." in lead.inner_text(".notice")
    shoot(lead, "services")
    lead.goto(fresh.url("/staff/admin/keys"))
    assert "current" in lead.inner_text("table")
    shoot(lead, "keys")

    # An account for the service manager: a one-time link, never a password the lead knows.
    lead.goto(fresh.url("/staff/admin/accounts/new"))
    lead.fill("#email", MANAGER)
    lead.select_option("#role", "service_manager")
    lead.get_by_label(SERVICE).check()
    lead.get_by_role("button", name="Create account").click()
    set_password_link = lead.inner_text("code.one-time-link")
    shoot(lead, "account-created")

    # A survey authored, previewed and published in the browser.
    lead.goto(fresh.url("/staff/surveys/drafts"))
    shoot(lead, "drafts")
    lead.select_option("#template", "service-satisfaction.yaml")
    lead.get_by_role("button", name="Start from this survey").click()
    lead.fill("#slug", SLUG)
    lead.fill("#title_en", TITLE)
    lead.get_by_role("button", name="Save details").click()
    assert "Saved." in lead.inner_text(".notice")
    draft_url = lead.url.split("?", 1)[0]
    shoot(lead, "draft")
    lead.goto(f"{draft_url}/preview?lang=en")
    shoot(lead, "preview")
    lead.goto(f"{draft_url}/publish")
    shoot(lead, "publish-confirmation")
    lead.get_by_role("button", name=re.compile(r"Publish version 1")).click()
    assert f"Published {SLUG} version 1." in lead.inner_text(".notice")
    lead.goto(fresh.url(f"/staff/surveys/{SLUG}"))
    assert lead.inner_text("h1").startswith(TITLE)  # the title, not the slug
    shoot(lead, "survey")

    # The manager sets a password and two-factor, then makes cards.
    manager = new_page(bypass_csp=True, viewport={"width": 1280, "height": 900})
    manager.goto(set_password_link)
    manager.fill("#password", "manager's own long passphrase")
    manager.fill("#confirm", "manager's own long passphrase")
    manager.get_by_role("button", name="Set password").click()
    sign_in(manager, fresh, MANAGER, "manager's own long passphrase")
    manager.goto(fresh.url("/staff/links"))
    shoot(manager, "links-form")
    manager.select_option("#survey", SLUG)
    manager.select_option("#service", SERVICE)
    manager.fill("#count", "6")
    manager.check("#output-cards")
    manager.get_by_role("button", name="Create").click()
    assert manager.locator(".card").count() == 6
    code = manager.locator(".card-code").first.inner_text().strip()
    shoot(manager, "cards")
    manager.goto(fresh.url("/staff/links/batches"))
    assert TITLE in manager.inner_text("tbody")
    shoot(manager, "batches")

    # A round, opened by the lead.
    today = clock.today_london()
    lead.goto(fresh.url("/staff/consultations/new"))
    lead.fill("#title", "Winter check-in")
    lead.fill("#purpose", "We want to hear how the service treats you, so we can do better.")
    lead.check(f"input[name=surveys][value='{SLUG}']")
    lead.fill("#opens_on", today.isoformat())
    lead.fill("#closes_on", (today + timedelta(days=30)).isoformat())
    lead.check(f"input[name=services][value='{SERVICE}']")
    shoot(lead, "round-form")
    lead.get_by_role("button", name="Open the round").click()
    assert re.search(r"/staff/consultations/\d+$", lead.url), lead.url
    shoot(lead, "round")

    # One person answers from a card; the lead reads the report.
    respondent = new_page()
    respondent.goto(fresh.url("/join"))
    respondent.fill("#code", code)
    with respondent.expect_navigation():
        respondent.click("button[type=submit]")
    agree(respondent)
    answer_questions(respondent)
    send_answers(respondent)
    lead.goto(fresh.url(f"/staff/reports/{SLUG}"))
    assert lead.inner_text("h1").startswith(TITLE)
    chart = lead.locator("svg.chart").first
    assert "hidden because fewer than 5 people" in " ".join((chart.text_content() or "").split())
    smallest = lead.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart')].map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(svg.getAttribute('font-size')) * scale; }))"""
    )
    assert smallest >= 12, f"chart text is {smallest:.1f} px"
    shoot(lead, "report")

    # A record drafted by the manager, approved and published by the lead.
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    manager.goto(fresh.url(f"/staff/you-said-we-did/new?survey={SLUG}&period={quarter}"))
    manager.fill("#title", "Evening appointments")
    manager.fill("#you_said", "It was hard to get an appointment after work.")
    manager.fill("#we_did", "We now open until 8pm on Tuesdays and Thursdays.")
    manager.select_option("#service", label=SERVICE)
    manager.get_by_label("I felt believed.").check()
    shoot(manager, "record-form")
    manager.get_by_role("button", name="Save draft").click()
    manager.get_by_role("button", name="Send for approval").click()
    assert "Awaiting approval" in manager.inner_text("main")
    shoot(manager, "record-awaiting")
    lead.goto(fresh.url("/staff/you-said-we-did"))
    shoot(lead, "records")
    lead.get_by_role("link", name="Evening appointments").click()
    lead.get_by_role("button", name="Approve and publish").click()
    assert "Published on" in lead.inner_text("main")
    shoot(lead, "record-published")

    print(f"\nfirst-day screenshots: {shoot.folder}")
    assert shoot.failures == {}
