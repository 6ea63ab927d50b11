"""A published survey, a service, this period's keys and a fresh link, ready to answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.service import rotate_keys
from feedback.links import service as links
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from tests.factories import create_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def survey_ready(db: AsyncSession, settings: Settings) -> None:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Advocacy Service")
    await rotate_keys(db, settings=settings)


@pytest.fixture
async def link_token(db: AsyncSession, survey_ready: None) -> str:
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=1,
        base_url="http://127.0.0.1:8000",
    )
    return batch.links[0].url.rsplit("/", 1)[1]


def csrf_token(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"page has no {name} field"
    return found.group(1)


async def new_link_token(db: AsyncSession) -> str:
    """One more single-use link for the survey `survey_ready` published."""
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=1,
        base_url="http://127.0.0.1:8000",
    )
    return batch.links[0].url.rsplit("/", 1)[1]


async def answer_survey(client: Any, token: str, answers: dict[str, Any]) -> str:
    """Enter by link, agree, send `answers`; the receipt code the thank-you page shows."""
    await client.get(f"/s/{token}")
    return await answer_entered_survey(client, answers)


async def answer_entered_survey(client: Any, answers: dict[str, Any]) -> str:
    """Agree and send `answers` for the entry the client's cookie holds; the receipt code."""
    consent = await client.get("/s")
    page = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    thanks = await client.post(
        "/s/answers",
        data={
            "_csrf_token": csrf_token(page.text),
            "form_nonce": hidden(page.text, "form_nonce"),
            "entry": hidden(page.text, "entry"),
            **answers,
        },
    )
    assert thanks.status_code == 200, thanks.text
    found = re.search(r'class="receipt">([^<]+)<', thanks.text)
    assert found, "thank-you page has no receipt code"
    return found.group(1)
