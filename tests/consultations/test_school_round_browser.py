"""Issue 8's "done when", in real Chromium against `feedback serve` on the embedded default:
the lead opens a round with two services and one school; a coordinator opens a class session
and six pupils complete it with the join code; the seventh (past the cap) and anyone after
the code expired get the neutral closed page; the lead sees progress during the round and
the closing summary after it. axe checks the assent page and every staff page on the way.

The server's clock is set (FEEDBACK_CLOCK_START), never the real date: the round runs from
2 December 2026 to 15 January 2027, and the server is started again in January for the
pupils who answer then (issue 14)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from feedback.clock import LONDON
from tests.e2e.axe import axe_violations
from tests.e2e.servers import LiveServer
from tests.support.browser import NewPage

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
LEAD = "lead@partnership.example"
COORDINATOR = "coordinator@hillside.example"
SCHOOL = "Hillside Academy"
OPENS_ON, CLOSES_ON = date(2026, 12, 2), date(2027, 1, 15)  # the server starts on OPENS_ON
LETTER_SENT = date(2026, 12, 1)
AFTER_THE_HOLIDAYS = datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)
_SECRETS: dict[str, str] = {}  # each account's second-factor secret, from its enrolment


def _cli(live_server: LiveServer, *args: str, password: bool = False) -> None:
    done = live_server.cli(*args, input=PASSWORD + "\n" if password else None)
    assert done.returncode == 0, f"feedback {' '.join(args)}: {done.stdout}{done.stderr}"


def _prepare(live_server: LiveServer) -> None:
    for survey in ("service-satisfaction", "young-person-consultation"):
        _cli(live_server, "surveys", "publish", str(ROOT / "surveys" / f"{survey}.yaml"))
    for service in ("Advocacy Service", "Outreach Service", "Schools Programme"):
        _cli(live_server, "services", "add", service, "--borough", "westminster")
    _cli(live_server, "keys", "init")
    _cli(
        live_server,
        "users",
        "create",
        "--role",
        "lead",
        "--email",
        LEAD,
        "--password-stdin",
        password=True,
    )
    _cli(
        live_server,
        "users",
        "create",
        "--role",
        "school_coordinator",
        "--email",
        COORDINATOR,
        "--password-stdin",
        password=True,
    )


def _sign_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(live_server.url("/staff/sign-in"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    if "/two-factor/setup" in page.url:
        _SECRETS[email] = page.locator("code.secret").inner_text().strip()
        page.fill("#code", live_server.totp(_SECRETS[email]))
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
    elif "/two-factor" in page.url:
        page.fill("#code", live_server.totp(_SECRETS[email]))
        page.click("button[type=submit]")
        page.wait_for_load_state()


def _no_axe_violations(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def _pupil_completes(
    new_page: NewPage, live_server: LiveServer, code: str, *, check_axe: bool
) -> None:
    page = new_page(bypass_csp=True) if check_axe else new_page()
    page.goto(live_server.url("/join"))
    page.fill("#code", code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Before you start", level=1)).to_be_visible()
    page.wait_for_load_state("load")  # measured with its stylesheet applied
    start = page.get_by_role("button", name="Start")
    refuse = page.get_by_role("button", name="I don't want to take part")
    start_box, refuse_box = start.bounding_box(), refuse.bounding_box()
    assert start_box is not None and refuse_box is not None
    for side in ("width", "height"):  # just as prominent
        assert abs(start_box[side] - refuse_box[side]) < 1, (side, start_box, refuse_box)
    assert "0800 1111" in page.content() and "safeguarding lead" in page.content()
    if check_axe:
        _no_axe_violations(page)
    start.click()
    page.wait_for_load_state()
    assert page.locator("textarea").count() == 0  # ages 11-12: free text hidden
    body = page.content().lower()
    assert "date of birth" not in body and "postcode" not in body and "your name" not in body
    page.check("input[name=q_know_healthy_relationship][value='yes']")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Thank you for telling us what you think")).to_be_visible()


def _closed_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="This page is not available")).to_be_visible()
    assert "closed" in page.content()
    assert "If you need help now" in page.content()  # help is on the closed page too


def _open_session(coordinator: Page, school_url: str, year: str, band: str, size: str) -> str:
    """Plan a class session at the school, record the letter and open it: its join code."""
    coordinator.goto(school_url)
    coordinator.fill("#year_group", year)
    coordinator.select_option("#age_band", band)
    coordinator.fill("#class_size", size)
    coordinator.get_by_role("button", name="Plan the session").click()
    coordinator.wait_for_load_state()
    _no_axe_violations(coordinator)
    # The letter went out the day before the round opened: its 24 hours' notice have passed.
    coordinator.fill("#letter_sent_on", LETTER_SENT.isoformat())
    coordinator.get_by_role("button", name="Record the letter").click()
    coordinator.wait_for_load_state()
    coordinator.fill("#margin", "2")
    coordinator.get_by_role("button", name="Open the session and show the join code").click()
    coordinator.wait_for_load_state()
    _no_axe_violations(coordinator)
    return coordinator.locator("#join-code").inner_text().strip()


def _open_winter_round(lead: Page, live_server: LiveServer) -> str:
    """The lead adds the school and opens the round from 2 December to 15 January."""
    lead.goto(live_server.url("/staff/schools"))
    _no_axe_violations(lead)
    lead.fill("#name", SCHOOL)
    lead.select_option("#borough", "westminster")
    lead.select_option("#service", "Schools Programme")
    lead.fill("#coordinators", COORDINATOR)
    lead.get_by_role("button", name="Add school").click()
    lead.wait_for_load_state()

    lead.goto(live_server.url("/staff/consultations/new"))
    _no_axe_violations(lead)
    lead.fill("#title", "Winter consultation")
    lead.fill("#purpose", "We want to hear how services treat you, so we can make them better.")
    for survey in ("service-satisfaction", "young-person-consultation"):
        lead.check(f"input[name=surveys][value='{survey}']")
    lead.fill("#opens_on", OPENS_ON.isoformat())
    lead.fill("#closes_on", CLOSES_ON.isoformat())
    for service in ("Advocacy Service", "Outreach Service"):
        lead.check(f"input[name=services][value='{service}']")
    lead.check(f"input[name=schools][value='{SCHOOL}']")
    lead.get_by_role("button", name="Open the round").click()
    lead.wait_for_load_state()
    assert re.search(r"/staff/consultations/\d+$", lead.url), lead.url
    expect(lead.get_by_text("Advocacy Service, Outreach Service")).to_be_visible()
    _no_axe_violations(lead)
    return lead.url


def test_done_when_a_school_round_from_opening_to_closing_summary(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """Issue 14's "done when" too: the round runs from 2 December to 15 January, pupils answer
    in both months, and the closing summary counts all of them."""
    assert live_server.now().astimezone(LONDON).date() == OPENS_ON  # the server's own clock
    _prepare(live_server)
    lead = new_page(bypass_csp=True)
    _sign_in(lead, live_server, LEAD)
    round_url = _open_winter_round(lead, live_server)

    coordinator = new_page(bypass_csp=True)
    _sign_in(coordinator, live_server, COORDINATOR)
    coordinator.goto(live_server.url("/staff/schools"))
    _no_axe_violations(coordinator)
    coordinator.get_by_role("link", name=SCHOOL).click()
    coordinator.wait_for_load_state()
    school_url = coordinator.url
    _no_axe_violations(coordinator)
    class_code = _open_session(coordinator, school_url, "Year 7", "11-12", "4")
    first_session = coordinator.get_by_role(
        "link", name="See how many have finished"
    ).get_attribute("href")
    assert first_session is not None
    expect(coordinator.get_by_text("6", exact=True)).to_be_visible()  # 4 pupils + 2
    later_code = _open_session(coordinator, school_url, "Year 9", "13-14", "20")

    for pupil in range(6):
        _pupil_completes(new_page, live_server, class_code, check_axe=pupil == 0)

    coordinator.goto(live_server.url(first_session))
    # Six finished: the coordinator is told only that the threshold was reached (issue 21).
    expect(coordinator.locator("#completed")).to_contain_text("Completed responses: 5 or more of 6")
    assert "know_healthy_relationship" not in coordinator.content()  # a count, never answers
    _no_axe_violations(coordinator)

    seventh = new_page()
    seventh.goto(live_server.url(f"/join/{class_code}"))
    _closed_page(seventh)
    seventh.goto(live_server.url("/join"))  # typing the code: the same words for any failure
    seventh.fill("#code", class_code)
    seventh.get_by_role("button", name="Continue").click()
    expect(seventh.locator(".error-summary")).to_contain_text("full or closed")

    lead.goto(round_url)
    # The round's responses are its report's figures (6 pupils in December), not code uses.
    expect(
        lead.locator("#responses-young-person-consultation tr", has_text="All services")
    ).to_contain_text("6")
    expect(lead.get_by_role("cell", name="Schools Programme")).to_be_visible()
    _no_axe_violations(lead)

    # After the holidays: the same data, the server's clock now in January.
    live_server.restart_at(AFTER_THE_HOLIDAYS)
    late = new_page()  # the Year 9 lesson ended weeks ago, and its code with it
    late.goto(live_server.url(f"/join/{later_code}"))
    _closed_page(late)
    _sign_in(coordinator, live_server, COORDINATOR)  # idle for weeks: signed out
    january_code = _open_session(coordinator, school_url, "Year 8", "11-12", "3")
    for _pupil in range(5):
        _pupil_completes(new_page, live_server, january_code, check_axe=False)

    _sign_in(lead, live_server, LEAD)
    lead.goto(round_url)
    expect(
        lead.locator("#responses-young-person-consultation tr", has_text="All services")
    ).to_contain_text("11")
    lead.get_by_role("link", name="Close the round early…").click()
    lead.wait_for_load_state()
    expect(lead.get_by_role("heading", name="What will happen")).to_be_visible()
    expect(lead.get_by_text("Every link and code issued for it stops working")).to_be_visible()
    _no_axe_violations(lead)
    lead.get_by_role("button", name="Yes, close the round now").click()
    lead.wait_for_load_state()
    expect(lead.get_by_role("heading", name="Closing summary")).to_be_visible()
    expect(lead.get_by_text("Report period: December 2026 to January 2027.")).to_be_visible()
    expect(lead.get_by_text("Responses: 11.")).to_be_visible()  # 6 in December, 5 in January
    _no_axe_violations(lead)
    lead.get_by_role("link", name="Open the next round from this one").click()
    lead.wait_for_load_state()
    assert lead.input_value("#title") == "Winter consultation"
    _no_axe_violations(lead)
