"""You said, we did in a real browser: a service manager drafts a record and sends it for
approval, the lead approves it, and it appears on the public page; the public pages and
the staff pages have no axe violations and the public page fits a 320 px screen."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page

from tests.e2e.axe import axe_violations
from tests.e2e.journey import SERVICE, SURVEY, no_horizontal_scroll, prepare_survey
from tests.e2e.servers import LiveServer
from tests.support.browser import NewPage

LEAD = "actions-lead@example.org"
MANAGER = "actions-manager@example.org"
PASSWORD = "a long passphrase for you said we did"
TITLE = "Appointments after work"
BASE = "/staff/you-said-we-did"


def _accounts(live_server: LiveServer) -> None:
    prepare_survey(live_server)
    for role, email, extra in (
        ("lead", LEAD, ()),
        ("service_manager", MANAGER, ("--service", SERVICE)),
    ):
        created = live_server.cli(
            "users",
            "create",
            "--role",
            role,
            "--email",
            email,
            *extra,
            "--password-stdin",
            input=PASSWORD,
        )
        assert created.returncode == 0, created.stdout + created.stderr


def _sign_in(page: Page, live_server: LiveServer, email: str) -> None:
    """Password, then enrol in two factors (a new account's first sign-in)."""
    page.goto(live_server.url("/staff/sign-in"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert "/two-factor/setup" in page.url, page.url
    page.fill("#code", pyotp.TOTP(page.inner_text("code.secret").strip()).now())
    page.get_by_role("button", name="Confirm").click()


def _clean(page: Page, where: str) -> None:
    found = axe_violations(page)
    assert found == [], (where, [v["id"] for v in found])


def test_a_drafted_record_is_approved_by_the_lead_and_appears_publicly(
    new_page: NewPage, live_server: LiveServer
) -> None:
    _accounts(live_server)
    manager = new_page(bypass_csp=True)
    _sign_in(manager, live_server, MANAGER)
    manager.goto(live_server.url(f"{BASE}/new?survey={SURVEY}&period=2026-Q1&theme=availability"))
    _clean(manager, "new record form")
    manager.fill("#title", TITLE)
    manager.fill("#you_said", "It was hard to get an appointment after work.")
    manager.fill("#we_did", "We now open until 8pm on Tuesdays and Thursdays.")
    manager.get_by_role("button", name="Save draft").click()
    assert "There is a problem" in manager.inner_text("main")  # no service chosen yet
    _clean(manager, "form with an error")
    assert manager.input_value("#title") == TITLE
    manager.select_option("#service", label=SERVICE)
    manager.get_by_label("I felt believed.").check()  # picked by its words, not its id
    manager.get_by_role("button", name="Save draft").click()
    manager.get_by_role("button", name="Send for approval").click()
    assert "Awaiting approval" in manager.inner_text("main")
    _clean(manager, "record awaiting approval")

    public = new_page(bypass_csp=True)
    public.goto(live_server.url("/you-said-we-did"))
    assert TITLE not in public.inner_text("main")

    lead = new_page(bypass_csp=True)
    _sign_in(lead, live_server, LEAD)
    lead.goto(live_server.url("/staff/"))
    assert "awaiting your approval" in lead.inner_text("main")
    lead.goto(live_server.url(BASE))
    _clean(lead, "records list")
    lead.get_by_role("link", name=TITLE).click()
    lead.get_by_role("button", name="Approve and publish").click()
    assert "Published on" in lead.inner_text("main")
    _clean(lead, "published record")

    public.goto(live_server.url("/you-said-we-did"))
    assert TITLE in public.inner_text("main")
    assert MANAGER not in public.content() and LEAD not in public.content()
    _clean(public, "public page")
    public.get_by_role("link", name=TITLE).click()
    _clean(public, "public record")
    public.goto(live_server.url("/you-said-we-did/young-people"))
    _clean(public, "young people's page")


def test_the_public_page_fits_a_320_px_screen(new_page: NewPage, live_server: LiveServer) -> None:
    page = new_page(viewport={"width": 320, "height": 568})
    page.goto(live_server.url("/you-said-we-did"))

    assert page.locator("#exit-this-page").is_visible()
    assert no_horizontal_scroll(page)
