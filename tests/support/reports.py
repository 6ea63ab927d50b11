"""Report fixtures: a published survey, services, and counters seeded either by real
submissions (through `submit_response`) or as table-shaped rows written directly."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.service import rotate_keys
from feedback.links import service as links
from feedback.links.tokens import token_digest
from feedback.responses.answers import AnswerValue, counted_options
from feedback.responses.intake import submit_response
from feedback.responses.models import AnswerCount
from feedback.responses.schemas import Submission
from feedback.settings import Settings
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.models import SurveyVersion
from feedback.surveys.service import publish_surveys
from tests.factories import create_service

ROOT = Path(__file__).resolve().parents[2]
SLUG = "service-satisfaction"


@pytest.fixture
async def survey_version_id(db: AsyncSession, settings: Settings) -> int:
    await publish_surveys(db, [ROOT / "surveys" / f"{SLUG}.yaml"])
    await create_service(db, "Own Service", boroughs=("westminster",))
    await create_service(db, "Other Service", boroughs=("kensington-chelsea",))
    await rotate_keys(db, settings=settings)
    version_id = await db.scalar(select(SurveyVersion.id))
    assert version_id is not None
    return version_id


async def service_id(db: AsyncSession, name: str) -> int:
    from feedback.organisations.models import Service

    found = await db.scalar(select(Service.id).where(Service.name == name))
    assert found is not None
    return found


async def submit(
    db: AsyncSession,
    app: Litestar,
    settings: Settings,
    *,
    service: str,
    answers: Mapping[str, AnswerValue],
) -> None:
    """One real response: a fresh link for `service`, sealed and counted by intake."""
    batch = await links.create_links(
        db, survey_slug=SLUG, service_name=service, count=1, base_url="http://127.0.0.1:8000"
    )
    token = batch.links[0].url.rsplit("/", 1)[1]
    version = await db.scalar(select(SurveyVersion))
    assert version is not None
    published = msgspec.json.decode(version.definition, type=PublishedSurvey)
    await submit_response(
        db,
        Submission(
            entry_kind="link",
            entry_digest=token_digest(token),
            form_nonce=uuid.uuid4().hex,
            survey_version_id=version.id,
            consent_notice_version_id=version.consent_version_id,
            language="en",
            answers=dict(answers),
            counted=counted_options(published.definition, dict(answers)),
        ),
        master_keys=app.state.master_keys,
        period_kind=settings.key_period,
    )


async def add_counts(
    db: AsyncSession,
    version_id: int,
    rows: Mapping[tuple[str, str, int, str, str, str], int],
) -> None:
    """Counter rows keyed (question, option, service id, borough, month, channel)."""
    for (question, option, service, borough, month, channel), count in rows.items():
        db.add(
            AnswerCount(
                survey_version_id=version_id,
                question_id=question,
                option=option,
                service_id=service,
                borough=borough,
                month=month,
                channel=channel,
                count=count,
            )
        )
    await db.commit()


def shows_number(text: str, figure: str) -> bool:
    """The figure as a number of its own (plain or with a thousands comma), not four digits
    inside a random token: a CSRF token once held "4321" and failed this test by chance."""
    grouped = f"{figure[:-3]},{figure[-3:]}"
    return re.search(rf"(?<![0-9A-Za-z])(?:{figure}|{grouped})(?![0-9A-Za-z])", text) is not None
