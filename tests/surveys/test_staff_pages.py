"""The surveys console: upload to publish (lead), versions, diff, a preview that sends nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.surveys.models import SurveyVersion
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "surveys" / "service-satisfaction.yaml"
Client = AsyncTestClient[Litestar]


async def _signed_in(client: Client, db: AsyncSession, role: str) -> Client:
    await create_staff(
        db,
        role=role,
        email=f"{role}@example.org",
        services=["Own Service"] if role == "service_manager" else [],
    )
    await sign_in_with_new_two_factor(client, f"{role}@example.org", PASSWORD)
    return client


async def _send_file(client: Client, content: bytes) -> Any:
    page = await client.get("/staff/surveys")
    return await client.post(
        "/staff/surveys",
        data={"_csrf_token": csrf_token(page.text), "action": "publish"},
        files={"data": ("survey.yaml", content, "application/yaml")},
        follow_redirects=False,
    )


async def _upload(client: Client, content: bytes) -> Any:
    """Publish a file as a lead does: upload it, read what publishing will do, confirm."""
    sent = await _send_file(client, content)
    if sent.status_code != 303:
        return sent
    confirm = await client.get(sent.headers["location"])
    offered = re.search(r'name="expected_version" value="(\d+)"', confirm.text)
    if offered is None:
        return confirm  # nothing to publish: the page says why
    return await client.post(
        sent.headers["location"],
        data={"_csrf_token": csrf_token(confirm.text), "expected_version": offered.group(1)},
    )


@pytest.fixture
async def lead(client: Client, db: AsyncSession) -> Client:
    return await _signed_in(client, db, "lead")


async def _versions(db: AsyncSession) -> int:
    await db.rollback()
    return int(await db.scalar(select(func.count()).select_from(SurveyVersion)) or 0)


async def test_a_lead_publishes_by_upload_then_again_is_unchanged(
    lead: Client, db: AsyncSession
) -> None:
    first = await _upload(lead, SURVEY.read_bytes())
    assert first.status_code == 200, first.text
    assert "Published service-satisfaction version 1" in first.text
    again = await _upload(lead, SURVEY.read_bytes())
    assert "publishing would make no new version" in again.text
    assert await _versions(db) == 1


async def test_an_upload_publishes_nothing_until_the_lead_confirms(
    lead: Client, db: AsyncSession
) -> None:
    sent = await _send_file(lead, SURVEY.read_bytes())
    assert sent.status_code == 303
    confirm = await lead.get(sent.headers["location"])
    assert "Publishing makes a new survey, service-satisfaction, as version 1" in confirm.text
    assert "It cannot be changed or removed afterwards" in confirm.text
    assert await _versions(db) == 0


async def test_a_malformed_upload_names_the_problem_and_publishes_nothing(
    lead: Client, db: AsyncSession
) -> None:
    broken = SURVEY.read_text().replace("retention_months:", "retention_months: lots #", 1)
    answer = await _upload(lead, broken.encode())
    assert answer.status_code == 400
    assert "Nothing was published" in answer.text
    assert "retention_months" in answer.text
    assert await _versions(db) == 0


async def test_versions_diff_and_preview_pages(lead: Client) -> None:
    await _upload(lead, SURVEY.read_bytes())
    edited = SURVEY.read_text().replace("What should we change?", "What should we do better?")
    await _upload(lead, edited.encode())
    versions = await lead.get("/staff/surveys/service-satisfaction?old=1&new=2")
    assert versions.status_code == 200
    assert "Changes from version 1 to 2" in versions.text
    definition = await lead.get("/staff/surveys/service-satisfaction/2")
    assert "felt_believed" in definition.text
    preview = await lead.get("/staff/surveys/service-satisfaction/2/preview")
    assert "Preview" in preview.text
    assert 'action="#"' in preview.text
    assert "What should we do better?" in preview.text
    arabic = await lead.get("/staff/surveys/service-satisfaction/2/preview?lang=ar")
    assert 'dir="rtl"' in arabic.text


async def test_only_a_lead_may_publish(client: Client, db: AsyncSession) -> None:
    analyst = await _signed_in(client, db, "analyst")
    refused = await _upload(analyst, SURVEY.read_bytes())
    assert refused.status_code == 403
    assert await _versions(db) == 0


async def test_the_page_after_an_upload_carries_a_working_form_token(lead: Client) -> None:
    page = await lead.get("/staff/surveys")
    files = {"data": ("survey.yaml", SURVEY.read_bytes(), "application/yaml")}
    first = await lead.post(
        "/staff/surveys",
        data={"_csrf_token": csrf_token(page.text), "action": "check"},
        files=files,
    )
    assert first.status_code == 200, first.text
    again = await lead.post(
        "/staff/surveys",
        data={"_csrf_token": csrf_token(first.text), "action": "publish"},
        files=files,
        follow_redirects=False,
    )
    assert again.status_code == 303, again.text
