"""The shipped intake and exit surveys published, a service, this period's keys, and
helpers that keep an intake for pairing and pair an exit, each in its own transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import load_master_key
from feedback.crypto.service import rotate_keys
from feedback.links import service as links
from feedback.outcomes.models import OutcomePairCount
from feedback.outcomes.pairing import PairingPlace, keep_for_pairing, pair_exit
from feedback.settings import Settings
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.models import Survey, SurveyVersion
from feedback.surveys.service import publish_surveys
from tests.factories import create_service
from tests.support.responses import answer_survey

ROOT = Path(__file__).resolve().parents[2]
INTAKE_ANSWERS: dict[str, Any] = {
    "safety_now": 2,
    "abuse_present_physical": "yes",
    "abuse_present_online": "prefer_not_to_say",
    "ons_anxious_yesterday": 9,
    "safe_to_contact_channels": ["sms", "email"],
}
EXIT_ANSWERS: dict[str, Any] = {
    "safety_now": 8,
    "abuse_change_physical": "stopped",
    "ons_anxious_yesterday": 3,
    "ons_worthwhile": 6,
    "helped_cope": "yes_a_lot",
}


class Surveys(msgspec.Struct, kw_only=True):
    intake: PublishedSurvey
    exit: PublishedSurvey
    place: PairingPlace


@pytest.fixture
def master_key(settings: Settings) -> bytes:
    return load_master_key(settings)


@pytest.fixture
async def surveys(db: AsyncSession, settings: Settings) -> Surveys:
    await publish_surveys(
        db, [ROOT / "surveys" / "service-intake.yaml", ROOT / "surveys" / "service-exit.yaml"]
    )
    service = await create_service(db, "Advocacy Service")
    await rotate_keys(db, settings=settings)
    versions = {
        slug: (version_id, msgspec.json.decode(definition, type=PublishedSurvey))
        for slug, version_id, definition in await db.execute(
            select(Survey.slug, SurveyVersion.id, SurveyVersion.definition).join(
                Survey, Survey.id == SurveyVersion.survey_id
            )
        )
    }
    exit_version = versions["service-exit"][0]
    place = PairingPlace(
        survey_version_id=exit_version,
        service_id=service.id,
        borough="westminster",
        month="2026-11",
    )
    return Surveys(
        intake=versions["service-intake"][1], exit=versions["service-exit"][1], place=place
    )


async def new_link(db: AsyncSession, slug: str) -> str:
    batch = await links.create_links(
        db, survey_slug=slug, service_name="Advocacy Service", count=1, base_url="http://x"
    )
    return batch.links[0].url.rsplit("/", 1)[1]


async def answer_outcome_survey(
    client: Any, db: AsyncSession, slug: str, form: dict[str, str]
) -> str:
    """Answer `slug` through the web journey on a new link; the receipt code shown."""
    return await answer_survey(client, await new_link(db, slug), form)


async def keep_intake(
    db: AsyncSession, surveys: Surveys, code: str, master_key: bytes, answers: dict[str, Any]
) -> None:
    assert surveys.intake.pairs is not None
    connection = await db.connection()
    await keep_for_pairing(
        connection, code=code, pairs=surveys.intake.pairs, answers=answers, master_key=master_key
    )
    await db.commit()


async def pair(
    db: AsyncSession,
    surveys: Surveys,
    code: str,
    exit_code: str,
    master_key: bytes,
    answers: dict[str, Any],
    *,
    newer_keys: tuple[bytes, ...] = (),
    commit: bool = True,
) -> bool:
    """Pair an exit; `newer_keys` are master keys configured before `master_key` (rotated
    since the intake), and commit=False leaves the exit's transaction open."""
    assert surveys.exit.pairs is not None
    connection = await db.connection()
    paired = await pair_exit(
        connection,
        code=code,
        exit_code=exit_code,
        pairs=surveys.exit.pairs,
        answers=answers,
        place=surveys.place,
        master_keys=[*newer_keys, master_key],
    )
    if commit:
        await db.commit()
    return paired


async def pair_counts(db: AsyncSession) -> dict[tuple[str, str, str], int]:
    rows = await db.execute(
        select(
            OutcomePairCount.item,
            OutcomePairCount.intake_answer,
            OutcomePairCount.exit_answer,
            func.sum(OutcomePairCount.count),
        ).group_by(
            OutcomePairCount.item, OutcomePairCount.intake_answer, OutcomePairCount.exit_answer
        )
    )
    return {(item, before, after): int(n) for item, before, after, n in rows}
