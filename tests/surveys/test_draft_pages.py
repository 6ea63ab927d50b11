"""The survey authoring pages (issue 19): start a draft, edit a question, see a problem at
its field, preview the respondent page, confirm and publish; the core data set page; a
check that publishes nothing; core.yaml uploaded by mistake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.surveys.models import SurveyDraft, SurveyVersion
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]


@pytest.fixture
async def lead(client: Client, db: AsyncSession) -> Client:
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    return client


async def _count(db: AsyncSession, table: type) -> int:
    await db.rollback()
    return int(await db.scalar(select(func.count()).select_from(table)) or 0)


async def _new_draft(lead: Client, template: str = "service-satisfaction.yaml") -> str:
    page = await lead.get("/staff/surveys/drafts")
    started = await lead.post(
        "/staff/surveys/drafts/from-template",
        data={"_csrf_token": csrf_token(page.text), "template": template},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    return str(started.headers["location"])


async def test_a_lead_edits_previews_and_publishes_a_draft_after_confirming(
    lead: Client, db: AsyncSession
) -> None:
    base = await _new_draft(lead)
    page = await lead.get(base)
    assert "It meets every rule for publishing." in page.text
    form = await lead.get(f"{base}/questions/1/1")
    assert 'value="what_should_change"' in form.text
    saved = await lead.post(
        f"{base}/questions/1/1",
        data={
            "_csrf_token": csrf_token(form.text),
            "id": "what_should_change",
            "type": "free_text",
            "text_en": "What should we do better?",
            "sms": "on",
            "max_length": "800",
        },
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    preview = await lead.get(f"{base}/preview")
    assert "What should we do better?" in preview.text and 'action="#"' in preview.text
    assert (await lead.get(f"{base}/preview?lang=ar")).text.count('dir="rtl"') == 1
    phone = await lead.get(f"{base}/phone?lang=ar")
    assert (
        'width="375"' in phone.text
        and "frame-src 'self'" in phone.headers["content-security-policy"]
    )
    confirm = await lead.get(f"{base}/publish")
    assert "Publishing makes a new survey, service-satisfaction, as version 1" in confirm.text
    assert await _count(db, SurveyVersion) == 0  # the confirmation stores nothing
    done = await lead.post(
        f"{base}/publish", data={"_csrf_token": csrf_token(confirm.text), "expected_version": "1"}
    )
    assert "Published service-satisfaction version 1" in done.text
    assert await _count(db, SurveyVersion) == 1 and await _count(db, SurveyDraft) == 0


async def test_a_problem_is_shown_at_its_field_with_the_page_label(lead: Client) -> None:
    base = await _new_draft(lead)
    form = await lead.get(f"{base}/questions/0/8")
    answer = await lead.post(
        f"{base}/questions/0/8",
        data={
            "_csrf_token": csrf_token(form.text),
            "id": "times_told_story",
            "type": "number",
            "text_en": "About how many times?",
            "min": "9",
            "max": "2",
        },
    )
    assert answer.status_code == 200  # saved: a draft may break a rule
    assert '<a href="#max">Highest number: max must not be less than min</a>' in answer.text
    assert re.search(r'class="field field-error"><label for="max">', answer.text)
    draft = await lead.get(base)
    assert f'href="{base}/questions/0/8#max"' in draft.text
    refused = await lead.get(f"{base}/publish")
    assert refused.status_code == 409 and "To fix before publishing" in refused.text


async def test_a_form_value_that_cannot_be_stored_is_named_and_not_saved(lead: Client) -> None:
    base = await _new_draft(lead)
    form = await lead.get(f"{base}/questions/1/0")
    answer = await lead.post(
        f"{base}/questions/1/0",
        data={"_csrf_token": csrf_token(form.text), "id": "What Helped", "type": "free_text"},
    )
    assert answer.status_code == 400
    assert '<a href="#id">Question id: ' in answer.text
    again = await lead.get(f"{base}/questions/1/0")
    assert 'value="what_helped_most"' in again.text


async def test_the_definition_downloads_as_the_yaml_a_file_holds(lead: Client) -> None:
    base = await _new_draft(lead)
    download = await lead.get(f"{base}/download")
    assert (
        download.headers["content-disposition"]
        == 'attachment; filename="service-satisfaction.yaml"'
    )
    assert download.text.startswith("slug: service-satisfaction")


async def test_the_core_data_set_page_lists_core_questions(lead: Client) -> None:
    page = await lead.get("/staff/surveys/core-data-set")
    assert (
        page.status_code == 200 and "I felt believed." in page.text and "felt_believed" in page.text
    )


async def test_checking_an_upload_publishes_nothing_and_core_yaml_is_explained(
    lead: Client, db: AsyncSession
) -> None:
    page = await lead.get("/staff/surveys")
    checked = await lead.post(
        "/staff/surveys",
        data={"_csrf_token": csrf_token(page.text), "action": "check"},
        files={"data": ("s.yaml", (ROOT / "surveys" / "service-satisfaction.yaml").read_bytes())},
    )
    assert checked.status_code == 200 and "meets every rule for publishing" in checked.text
    assert await _count(db, SurveyVersion) == 0
    core = await lead.post(
        "/staff/surveys",
        data={"_csrf_token": csrf_token(checked.text), "action": "publish"},
        files={"data": ("core.yaml", (ROOT / "surveys" / "core.yaml").read_bytes())},
    )
    assert core.status_code == 400
    assert "this is the core data set (core.yaml), not a survey" in core.text
    assert "unknown field" not in core.text


async def test_only_a_lead_may_start_a_draft(client: Client, db: AsyncSession) -> None:
    await create_staff(db, role="analyst", email="analyst@example.org")
    await sign_in_with_new_two_factor(client, "analyst@example.org", PASSWORD)
    assert (await client.get("/staff/surveys/drafts")).status_code == 403
    home = await client.get("/staff/surveys")
    refused = await client.post(
        "/staff/surveys/drafts/from-template",
        data={"_csrf_token": csrf_token(home.text), "template": "service-satisfaction.yaml"},
    )
    assert refused.status_code == 403 and await _count(db, SurveyDraft) == 0
