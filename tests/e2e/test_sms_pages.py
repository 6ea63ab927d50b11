"""The console's SMS invitation pages in a real browser, signed in as a service manager:
the upload form, the row-by-row check and the batch page are accessible (axe), and the
whole upload-check-send path works with the embedded default's in-process sending."""

from __future__ import annotations

from pathlib import Path

import pyotp
from playwright.sync_api import Page

from tests.e2e.axe import axe_violations
from tests.e2e.journey import SERVICE, SURVEY, prepare_survey
from tests.e2e.servers import LiveServer

MANAGER = "sms-manager@example.org"
PASSWORD = "a long passphrase for the sms manager"
_READY: set[str] = set()
_SECRETS: dict[str, str] = {}


def _manager(live_server: LiveServer) -> None:
    if live_server.base_url in _READY:
        return
    prepare_survey(live_server)
    created = live_server.cli(
        "users",
        "create",
        "--role",
        "service_manager",
        "--email",
        MANAGER,
        "--service",
        SERVICE,
        "--password-stdin",
        input=PASSWORD,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    _READY.add(live_server.base_url)


def _sign_in(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/staff/sign-in"))
    page.fill("#email", MANAGER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    if "/two-factor/setup" in page.url:
        _SECRETS[MANAGER] = page.inner_text("code.secret").strip()
        page.fill("#code", pyotp.TOTP(_SECRETS[MANAGER]).now())
        page.get_by_role("button", name="Confirm").click()
    elif "/two-factor" in page.url:
        page.fill("#code", pyotp.TOTP(_SECRETS[MANAGER]).now())
        page.click("button[type=submit]")


def test_sms_invitation_pages_have_no_axe_violations_and_send(
    axe_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    _manager(live_server)
    _sign_in(axe_page, live_server)
    axe_page.goto(live_server.url("/staff/"))
    axe_page.get_by_role("link", name="SMS invitations").click()
    assert axe_page.url.endswith("/staff/sms")
    assert axe_violations(axe_page) == []

    numbers = tmp_path / "numbers.csv"
    numbers.write_text("mobile\n07700 123456\n020 7946 0000\n07412 345678\n")
    # The shared server holds other surveys too (an exit survey needs a safe-contact tick).
    axe_page.select_option("#survey", SURVEY)
    axe_page.set_input_files("#numbers", str(numbers))
    axe_page.get_by_role("button", name="Check the numbers").click()
    assert "Check before sending" in axe_page.content()
    assert "not a mobile number" in axe_page.content() and "123456" not in axe_page.content()
    assert axe_violations(axe_page) == []

    axe_page.get_by_role("button", name="Send 2 invitations").click()
    assert "/staff/sms/batches/" in axe_page.url
    assert "123456" not in axe_page.content()
    assert axe_violations(axe_page) == []
    outbox = live_server.cli("sms", "outbox")
    assert outbox.stdout.count("Your feedback link:") >= 2, outbox.stdout
