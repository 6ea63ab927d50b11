"""Issue 19: a lead authors a small survey in real Chromium, previews it at 375 px as the
respondent page (in Arabic, right to left), and publishes it through the confirmation."""

from __future__ import annotations

from tests.e2e.servers import LiveServer
from tests.e2e.test_console import PASSWORD, run, sign_in
from tests.support.browser import NewPage

EMAIL = "author-lead@example.org"
SLUG = "authored-in-browser"


def test_a_lead_authors_previews_and_publishes_a_survey(
    new_page: NewPage, live_server: LiveServer
) -> None:
    run(live_server, "users", "create", "--role", "lead", "--email", EMAIL,
        "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    lead = new_page(viewport={"width": 1280, "height": 900})
    sign_in(lead, live_server, EMAIL)
    lead.goto(live_server.url("/staff/surveys/drafts"))
    lead.select_option("#template", "service-satisfaction.yaml")
    lead.get_by_role("button", name="Start from this survey").click()
    lead.fill("#slug", SLUG)
    lead.fill("#title_en", "A short check-in")
    lead.get_by_role("button", name="Save details").click()
    assert "Saved." in lead.inner_text(".notice")

    lead.get_by_role("link", name="Add a question to section 2").click()
    lead.fill("#id", "best_part")
    lead.select_option("#type", "single_choice")
    lead.fill("#text_en", "Which part helped most?")
    lead.fill("#choice_0_code", "talking")
    lead.fill("#choice_0_en", "Talking it through")
    lead.fill("#choice_1_code", "advice")
    lead.fill("#choice_1_en", "Practical advice")
    lead.get_by_role("button", name="Save question").click()
    assert "Saved." in lead.inner_text(".notice")
    draft_url = lead.url.rsplit("/questions/", 1)[0]

    lead.set_viewport_size({"width": 375, "height": 800})
    lead.goto(f"{draft_url}/preview?lang=ar")
    assert lead.get_attribute("html", "dir") == "rtl"
    assert lead.get_by_text("Which part helped most?").is_visible()
    assert lead.get_by_role("button").last.is_disabled()  # the preview sends nothing
    wide = lead.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"the preview is {wide} px wide on a 375 px screen"

    lead.set_viewport_size({"width": 1280, "height": 900})
    lead.goto(f"{draft_url}/publish")
    assert f"Publishing makes a new survey, {SLUG}, as version 1" in lead.inner_text("main")
    lead.get_by_role("button", name="Publish version 1").click()
    assert f"Published {SLUG} version 1." in lead.inner_text(".notice")
