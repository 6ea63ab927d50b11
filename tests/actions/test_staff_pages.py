"""The console pages, driven as a browser would: draft, send for approval, approve or send
back, progress; the form keeps what was typed and names the problem; the home to-do."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from feedback.app import create_app
from feedback.settings import Settings
from tests.actions.conftest import SLUG, People
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor, submit
from tests.factories import PASSWORD

Client = AsyncTestClient[Litestar]
BASE = "/staff/you-said-we-did"


def _own_app_client(settings: Settings) -> Client:
    """A second person's browser: its own app instance (a test client runs its app's
    lifespan on its own loop, so two clients cannot share one app)."""
    return AsyncTestClient(app=create_app(settings), base_url="http://127.0.0.1:8000")


@pytest.fixture
async def manager(settings: Settings, people: People) -> AsyncIterator[Client]:
    async with _own_app_client(settings) as client:
        await sign_in_with_new_two_factor(client, "own@example.org", PASSWORD)
        yield client


@pytest.fixture
async def lead(settings: Settings, people: People) -> AsyncIterator[Client]:
    async with _own_app_client(settings) as client:
        await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
        yield client


def _fields(service_id: int, **changes: str) -> dict[str, str]:
    return {
        "title": "Evening appointments",
        "service": str(service_id),
        "you_said": "Hard to get an appointment after work.",
        "we_did": "Open until 8pm on Tuesdays.",
        "survey": SLUG,
        "period": "2026-Q1",
        "questions": "felt_believed",
        "status": "planned",
        **changes,
    }


async def _draft(client: Client, service_id: int, **changes: str) -> str:
    made = await submit(client, f"{BASE}/new", f"{BASE}/new", _fields(service_id, **changes))
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


async def _post(client: Client, page: str, action: str, **fields: str) -> int:
    shown = await client.get(page)
    token = csrf_token(shown.text)
    done = await client.post(action, data={"_csrf_token": token, **fields}, follow_redirects=False)
    return done.status_code


async def test_a_manager_drafts_and_the_lead_approves_it_onto_the_public_page(
    manager: Client, lead: Client, people: People, client: Client
) -> None:
    record = await _draft(manager, people.own)
    assert await _post(manager, record, f"{record}/submit") == 303
    assert "Evening appointments" not in (await client.get("/you-said-we-did")).text

    home = await lead.get("/staff/")
    assert "1 record awaiting your approval" in home.text
    detail = await lead.get(record)
    assert "Approve and publish" in detail.text
    assert await _post(lead, record, f"{record}/approve") == 303

    public = await client.get("/you-said-we-did")
    assert "Evening appointments" in public.text
    assert "own@example.org" not in public.text


async def test_the_form_keeps_values_and_links_the_error_to_its_field(
    manager: Client, people: People
) -> None:
    refused = await submit(
        manager, f"{BASE}/new", f"{BASE}/new", _fields(people.own, period="next spring")
    )

    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert 'href="#period"' in refused.text
    assert 'value="next spring"' in refused.text
    assert "Hard to get an appointment after work." in refused.text


async def test_a_manager_cannot_draft_for_another_service_through_the_form(
    manager: Client, people: People
) -> None:
    refused = await submit(manager, f"{BASE}/new", f"{BASE}/new", _fields(people.other))

    assert refused.status_code == 403
    assert "your own services" in refused.text
    assert 'href="#service"' in refused.text


async def test_the_new_record_form_takes_prefilled_values(lead: Client, people: People) -> None:
    page = await lead.get(
        f"{BASE}/new?survey={SLUG}&period=2026-Q3&theme=safety&service={people.other}"
    )

    assert page.status_code == 200
    assert re.search(rf'<option value="{SLUG}" selected>', page.text)
    assert 'value="2026-Q3"' in page.text
    assert re.search(r'id="theme-safety" name="themes" value="safety" checked', page.text)
    assert re.search(rf'<option value="{people.other}" selected>', page.text)


async def test_another_services_record_is_not_found_for_a_manager(
    lead: Client, settings: Settings, people: People
) -> None:
    record = await _draft(lead, people.other)
    async with _own_app_client(settings) as own_manager:
        await sign_in_with_new_two_factor(own_manager, "own@example.org", PASSWORD)
        assert (await own_manager.get(record)).status_code == 404
        listing = await own_manager.get(BASE)
        assert "Evening appointments" not in listing.text


async def test_sending_back_shows_the_comment_to_the_manager(
    manager: Client, lead: Client, people: People
) -> None:
    record = await _draft(manager, people.own)
    await _post(manager, record, f"{record}/submit")

    assert await _post(lead, record, f"{record}/send-back", comment="Say which days.") == 303

    shown = await manager.get(record)
    assert "Say which days." in shown.text and "Send for approval" in shown.text


async def test_a_progress_update_appears_on_the_public_record(
    manager: Client, lead: Client, people: People, client: Client
) -> None:
    record = await _draft(manager, people.own)
    await _post(manager, record, f"{record}/submit")
    await _post(lead, record, f"{record}/approve")

    status = await _post(
        manager,
        record,
        f"{record}/progress",
        on="2026-04-02",
        status="in_progress",
        text="Tuesday evenings started.",
    )

    assert status == 303
    record_id = record.rsplit("/", 1)[1]
    public = await client.get(f"/you-said-we-did/{record_id}")
    assert "Tuesday evenings started." in public.text and "In progress" in public.text


async def test_the_nav_links_to_the_records(manager: Client) -> None:
    home = await manager.get("/staff/")

    assert f'href="{BASE}"' in home.text


async def test_questions_are_picked_by_their_words_from_the_chosen_survey(
    lead: Client, people: People
) -> None:
    page = await lead.get(f"{BASE}/new?survey={SLUG}&question=felt_believed")

    picked = re.search(r'<input type="checkbox" id="question-felt_believed"[^>]*>', page.text)
    assert picked and "checked" in picked.group(0)
    assert '<label class="inline" for="question-felt_believed">I felt believed.</label>' in (
        page.text
    )
    assert 'id="question-told_what_next"' in page.text  # every question of the survey
    assert 'type="text" id="questions"' not in page.text  # no box to type ids into


async def test_showing_a_surveys_questions_keeps_what_was_typed_and_saves_nothing(
    lead: Client, people: People
) -> None:
    shown = await submit(
        lead, f"{BASE}/new", f"{BASE}/new", _fields(people.own, step="questions", questions="")
    )

    assert shown.status_code == 200
    assert 'for="question-felt_believed">I felt believed.</label>' in shown.text
    assert "Hard to get an appointment after work." in shown.text
    listing = await lead.get(BASE)
    assert "Evening appointments" not in listing.text


async def test_a_picked_question_is_shown_by_its_words_on_the_record(
    lead: Client, people: People
) -> None:
    record = await _draft(lead, people.own)

    shown = await lead.get(record)

    assert "<dt>Questions</dt><dd>I felt believed.</dd>" in shown.text


async def test_errors_name_the_field_as_the_form_labels_it(lead: Client, people: People) -> None:
    no_survey = await submit(lead, f"{BASE}/new", f"{BASE}/new", _fields(people.own, survey=""))
    no_service = await submit(lead, f"{BASE}/new", f"{BASE}/new", _fields(people.own, service=""))

    assert '<a href="#survey">Survey: choose a survey</a>' in no_survey.text
    assert '<a href="#service">Service: choose a service</a>' in no_service.text
    for page in (no_survey, no_service):
        assert "survey_slug" not in page.text and "service_id" not in page.text


async def test_a_report_links_to_a_draft_prefilled_with_its_survey_period_and_question(
    lead: Client, people: People
) -> None:
    report = await lead.get(f"/staff/reports/{SLUG}?period=2026-Q1")
    found = re.search(
        rf'href="({BASE}/new\?survey={SLUG}&amp;period=2026-Q1&amp;question=felt_believed)"',
        report.text,
    )
    assert found, "the report offers no draft link for the question"

    form = await lead.get(found.group(1).replace("&amp;", "&"))

    assert re.search(r'id="question-felt_believed"[^>]*checked', form.text)
    assert 'value="2026-Q1"' in form.text
    assert re.search(rf'<option value="{SLUG}" selected>', form.text)


async def test_a_record_sent_for_approval_offers_its_manager_no_change_link(
    manager: Client, lead: Client, people: People
) -> None:
    """Only the lead may change a record waiting for approval (the service answers anyone
    else with a conflict), so only the lead is offered the link; approval is theirs too."""
    record = await _draft(manager, people.own)
    assert "Change this record" in (await manager.get(record)).text
    assert await _post(manager, record, f"{record}/submit") == 303

    waiting = await manager.get(record)
    assert "Change this record" not in waiting.text
    assert "Send for approval" not in waiting.text
    assert "Approve and publish" not in waiting.text
    for_lead = await lead.get(record)
    assert "Change this record" in for_lead.text
    assert "Approve and publish" in for_lead.text
