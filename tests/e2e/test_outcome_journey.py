"""Issue 20's browser journey: a survivor answers the intake survey on a phone and keeps
the code shown, later answers the exit survey with it; the lead's outcome report and the
quarterly return show the pair and its matched n on a server whose threshold is 1, and
the same figures are `c` on the package's server with the default threshold (5). One
journey on purpose: browser tests are slow."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pyotp
from playwright.sync_api import Page

from feedback.clock import LONDON
from tests.e2e.journey import agree, send_answers
from tests.e2e.servers import LiveServer
from tests.support.browser import NewPage

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "Outcome Journey Service"
PASSWORD = "a long passphrase for the outcome lead"
# `feedback serve` with one setting changed in code: the environment refuses a threshold
# under 3 (the floor that protects production), and this test needs one pair to show.
THRESHOLD_ONE = (
    "import sys, msgspec\n"
    "from feedback.serving import run_web\n"
    "from feedback.settings import Settings\n"
    "run_web(msgspec.structs.replace(Settings.from_env(), suppression_threshold=1),"
    " host='127.0.0.1', port=int(sys.argv[1]))\n"
)


class ThresholdOneServer(LiveServer):
    """A second web process on the package server's data (same database and keys)."""

    def _launch(self) -> None:
        self.launched = time.monotonic()
        with self.output_path.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", THRESHOLD_ONE, str(self.port)],
                cwd=self.cwd,
                env=self.env,
                text=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()


def _cli(live_server: LiveServer, *args: str, input: str | None = None) -> str:
    done = live_server.cli(*args, input=input)
    assert done.returncode == 0, f"feedback {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def _prepare(live_server: LiveServer) -> None:
    for survey in ("service-intake", "service-exit"):
        _cli(live_server, "surveys", "publish", str(ROOT / "surveys" / f"{survey}.yaml"))
    _cli(live_server, "services", "add", SERVICE, "--borough", "westminster")
    _cli(live_server, "keys", "init")
    for email in ("outcome-lead-1@example.org", "outcome-lead-5@example.org"):
        _cli(
            live_server,
            *("users", "create", "--role", "lead", "--email", email, "--password-stdin"),
            input=PASSWORD,
        )


def _link(live_server: LiveServer, survey: str) -> str:
    out = _cli(
        live_server, "links", "create", "--survey", survey, "--service", SERVICE, "--format", "json"
    )
    return str(json.loads(out)[0]["url"])


def _sign_in(page: Page, server: LiveServer, email: str) -> None:
    """Password, then enrol in two factors (each lead's first sign-in)."""
    page.goto(server.url("/staff/sign-in"))
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert "/two-factor/setup" in page.url, page.url
    secret = page.inner_text("code.secret").strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()


def _report_cells(page: Page, server: LiveServer, quarter: str) -> dict[str, str]:
    """What the lead reads: the report's matched n and safety change, the return's total."""
    page.goto(server.url(f"/staff/reports/outcomes?period={quarter}"))
    change = page.locator("#outcome-indicators tr[data-indicator=safety_now_change]")
    cells = {
        "report matched n": page.inner_text("#matched-n").strip(),
        "report safety change": change.locator(".figure").inner_text().strip(),
        "report safety n": change.locator(".n").inner_text().strip(),
    }
    page.goto(server.url(f"/staff/reports/outcomes/return?quarter={quarter}"))
    for row in (SERVICE, "Partnership total"):
        line = page.locator(f"#quarterly-return tr[data-service='{row}']")
        cells[f"{row} matched n"] = line.locator(".matched-n").inner_text().strip()
        cells[f"{row} safety change"] = (
            line.locator(".figure[data-indicator=safety_now_change]").inner_text().strip()
        )
    return cells


def test_a_pair_made_on_a_phone_shows_in_the_report_and_return(
    new_page: NewPage, live_server: LiveServer
) -> None:
    _prepare(live_server)

    # At intake, on a phone: a few answers, and the code shown on the thank-you page.
    phone = new_page()
    phone.goto(_link(live_server, "service-intake"))
    agree(phone)
    phone.check("input[name=q_safety_now][value='2']")
    phone.check("input[name=q_ons_life_satisfaction][value='3']")
    send_answers(phone)
    code = phone.inner_text(".receipt").strip()
    assert phone.get_by_role("heading", name="When your support ends").is_visible()
    phone.context.close()  # she leaves; the code is all she keeps

    # At exit, later, in a fresh browser: the code first, then the answers.
    phone = new_page()
    phone.goto(_link(live_server, "service-exit"))
    agree(phone)
    phone.fill("#pairing_code", code.lower())
    phone.check("input[name=q_felt_safer_v2][value='much_safer']")
    phone.check("input[name=q_safety_now][value='8']")
    phone.check("input[name=q_ons_life_satisfaction][value='7']")
    phone.check("input[name=q_helped_cope][value='yes_a_lot']")
    send_answers(phone)
    assert phone.get_by_role("heading", name="Thank you").is_visible()
    assert phone.inner_text(".receipt").strip() != code

    quarter = _quarter(live_server)
    loose = ThresholdOneServer(Path(live_server.env["FEEDBACK_DATA_DIR"]), _env(live_server))
    try:
        lead = new_page(viewport={"width": 1280, "height": 900})
        _sign_in(lead, loose, "outcome-lead-1@example.org")
        shown = _report_cells(lead, loose, quarter)
    finally:
        loose.close()
    assert shown == {
        "report matched n": "1",
        "report safety change": "+6.0",
        "report safety n": "matched n 1",
        f"{SERVICE} matched n": "1",
        f"{SERVICE} safety change": "+6.0",
        "Partnership total matched n": "1",
        "Partnership total safety change": "+6.0",
    }

    lead = new_page(viewport={"width": 1280, "height": 900})
    _sign_in(lead, live_server, "outcome-lead-5@example.org")
    hidden = _report_cells(lead, live_server, quarter)
    assert hidden == {
        "report matched n": "c",
        "report safety change": "c",
        "report safety n": "matched n c",
        f"{SERVICE} matched n": "c",
        f"{SERVICE} safety change": "c",
        "Partnership total matched n": "c",
        "Partnership total safety change": "c",
    }


def _quarter(server: LiveServer) -> str:
    today = server.now().astimezone(LONDON)
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _env(server: LiveServer) -> dict[str, str]:
    """The package server's FEEDBACK_* settings but its address (the new one gets its own)."""
    env = {k: v for k, v in server.env.items() if k.startswith("FEEDBACK_")}
    env.pop("FEEDBACK_PUBLIC_BASE_URL", None)
    return env
