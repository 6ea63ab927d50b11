"""A survey started by text answers the version its consultation round pinned, as the web
entry does, even once a newer version is published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.clock import LONDON
from feedback.consultations import rounds
from feedback.crypto.service import rotate_keys
from feedback.links import service as links
from feedback.responses.models import AnswerCount, Response
from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.surveys.models import Survey, SurveyVersion
from feedback.surveys.service import publish_surveys
from tests.factories import create_service
from tests.sms.conftest import PHONE_E164

ROOT = Path(__file__).resolve().parents[2]
MORNING = datetime(2026, 12, 2, 9, 30, tzinfo=LONDON)
# The satisfaction survey by text: seven scales, "no" to the yes/no (so no count is
# asked), two more scales, two free texts skipped.
REPLIES = ("4",) * 7 + ("2", "4", "5", "SKIP", "SKIP")


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    with clock.fixed(MORNING, running=True):
        yield


async def _versions(db: AsyncSession) -> list[int]:
    found = await db.scalars(
        select(SurveyVersion.id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.slug == "service-satisfaction")
        .order_by(SurveyVersion.id)
    )
    return list(found)


async def test_a_code_of_a_round_pinned_to_version_one_stores_answers_against_it(
    db: AsyncSession, settings: Settings, master_key: bytes, tmp_path: Path
) -> None:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Advocacy Service")
    await rotate_keys(db, settings=settings)
    today = clock.today_london()
    await rounds.create_round(
        db,
        actor=None,
        title="Winter consultation",
        purpose="To hear what people think of services, so we can change them.",
        survey_slugs=["service-satisfaction"],
        opens_on=today,
        closes_on=today + timedelta(days=30),
        service_names=["Advocacy Service"],
        channels=["sms"],
    )
    (tmp_path / "core.yaml").write_text((ROOT / "surveys" / "core.yaml").read_text())
    newer = tmp_path / "service-satisfaction.yaml"
    source = (ROOT / "surveys" / "service-satisfaction.yaml").read_text()
    newer.write_text(source.replace("It takes about 4 minutes.", "Version two wording."))
    await publish_surveys(db, [newer])  # published after the round opened: not pinned
    first, second = await _versions(db)
    batch = await links.create_code(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        cap=5,
        channel="sms",
        base_url=settings.public_base_url,
        master_key=master_key,
    )

    for body in (f"FEEDBACK {batch.codes[0].code}", *REPLIES):
        replies = await handle_text(
            db, settings, master_key=master_key, sender=PHONE_E164, text=body
        )

    assert "receipt code is" in replies.messages[0]
    assert list(await db.scalars(select(Response.survey_version_id))) == [first]
    counted = set(await db.scalars(select(AnswerCount.survey_version_id)))
    assert counted == {first} and second != first
