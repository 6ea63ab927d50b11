"""Publishing versions against the real database, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consent.models import ConsentNoticeVersion
from feedback.errors import Conflict, NotFound
from feedback.surveys import service
from feedback.surveys.errors import IncompatibleChange
from feedback.surveys.models import SurveyVersion
from tests.surveys.helpers import ROOT, dump, shipped, write

SLUG = "young-person-consultation"


async def versions_of(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(SurveyVersion)) or 0


async def test_first_publish_is_version_one(db: AsyncSession, content: Path) -> None:
    [outcome] = await service.publish_surveys(db, [content / "surveys" / f"{SLUG}.yaml"])
    assert (outcome.version, outcome.status) == (1, "published")
    assert (outcome.consent.slug, outcome.consent.version) == ("child", 1)


async def test_unchanged_content_is_not_republished(db: AsyncSession, content: Path) -> None:
    path = content / "surveys" / f"{SLUG}.yaml"
    first = (await service.publish_surveys(db, [path]))[0]
    again = (await service.publish_surveys(db, [path]))[0]
    assert (again.version, again.status, again.content_hash) == (1, "unchanged", first.content_hash)
    assert await versions_of(db) == 1


async def test_reworded_question_becomes_version_two(db: AsyncSession, content: Path) -> None:
    data = shipped(SLUG)
    path = write(content, SLUG, data)
    await service.publish_surveys(db, [path])
    data["sections"][0]["questions"][0]["text"] = "Do you know what a healthy relationship is?"
    [outcome] = await service.publish_surveys(db, [write(content, SLUG, data)])
    assert (outcome.version, outcome.status) == (2, "published")
    old = await service.get_version(db, SLUG, 1)
    assert old.survey.definition.sections[0].questions[0].text == {
        "en": "Do you know what makes a relationship healthy?"
    }


async def test_changed_choice_codes_are_refused(db: AsyncSession, content: Path) -> None:
    data = shipped(SLUG)
    await service.publish_surveys(db, [write(content, SLUG, data)])
    data["sections"][0]["questions"][0]["choices"][1]["code"] = "sort_of"
    with pytest.raises(IncompatibleChange, match="new id.*replaces: know_healthy_relationship"):
        await service.publish_surveys(db, [write(content, SLUG, data)])
    assert await versions_of(db) == 1


async def test_new_id_with_replaces_is_accepted(db: AsyncSession, content: Path) -> None:
    data = shipped(SLUG)
    await service.publish_surveys(db, [write(content, SLUG, data)])
    question = data["sections"][0]["questions"][0]
    question.update(
        id="healthy_relationship_scale",
        type="scale",
        min=1,
        max=5,
        low="Not at all",
        high="Completely",
        replaces="know_healthy_relationship",
    )
    del question["choices"]
    [outcome] = await service.publish_surveys(db, [write(content, SLUG, data)])
    assert outcome.version == 2
    diff = await service.diff_versions(db, SLUG, 1, 2)
    assert (
        "+ question healthy_relationship_scale (section relationships, question 1)" in diff.changes
    )
    assert (
        "- question know_healthy_relationship (was section relationships, question 1)"
        in diff.changes
    )


async def test_replaced_id_cannot_come_back(db: AsyncSession, content: Path) -> None:
    data = shipped(SLUG)
    await service.publish_surveys(db, [write(content, SLUG, data)])
    data["sections"][0]["questions"][0].update(
        id="healthy_v2", replaces="know_healthy_relationship"
    )
    await service.publish_surveys(db, [write(content, SLUG, data)])
    del data["sections"][0]["questions"][0]["replaces"]
    data["sections"][0]["questions"].append(
        {"id": "know_healthy_relationship", "type": "yes_no", "text": "Back again?"}
    )
    with pytest.raises(IncompatibleChange, match="retired"):
        await service.publish_surveys(db, [write(content, SLUG, data)])


async def test_incompatible_file_in_a_batch_publishes_nothing(
    db: AsyncSession, content: Path
) -> None:
    await service.publish_surveys(db, [content / "surveys" / f"{SLUG}.yaml"])
    data = shipped(SLUG)
    data["sections"][0]["questions"][0]["type"] = "multiple_choice"
    good = content / "surveys" / "service-satisfaction.yaml"
    with pytest.raises(IncompatibleChange):
        await service.publish_surveys(db, [good, write(content, SLUG, data)])
    assert await versions_of(db) == 1
    assert await db.scalar(select(func.count()).select_from(ConsentNoticeVersion)) == 1


async def test_changed_notice_gives_a_new_survey_version(db: AsyncSession, content: Path) -> None:
    path = content / "surveys" / f"{SLUG}.yaml"
    await service.publish_surveys(db, [path])
    notice = content / "consent" / "child" / "en.yaml"
    notice.write_text(notice.read_text().replace('title: "Before you start"', 'title: "Hello"'))
    [outcome] = await service.publish_surveys(db, [path])
    assert (outcome.version, outcome.consent.version, outcome.consent.status) == (2, 2, "published")
    diff = await service.diff_versions(db, SLUG, 1, 2)
    assert diff.changes == ["~ consent notice: child v1 → child v2"]


async def test_published_versions_cannot_be_edited(db: AsyncSession, content: Path) -> None:
    await service.publish_surveys(db, [content / "surveys" / f"{SLUG}.yaml"])
    row = await db.scalar(select(SurveyVersion))
    assert row is not None
    row.title = "changed"
    with pytest.raises(Conflict, match="cannot change"):
        await db.flush()
    await db.rollback()


async def test_listing_and_reading_versions(db: AsyncSession, content: Path) -> None:
    await service.publish_surveys(
        db, [content / "surveys" / f"{s}.yaml" for s in ("service-satisfaction", SLUG)]
    )
    summaries = await service.list_surveys(db)
    assert [(s.slug, s.latest_version) for s in summaries] == [
        ("service-satisfaction", 1),
        (SLUG, 1),
    ]
    [version] = await service.list_versions(db, "service-satisfaction")
    assert (version.consent_slug, version.consent_version) == ("adult", 1)
    detail = await service.get_version(db, "service-satisfaction", 1)
    assert detail.survey.definition.languages[1].direction == "rtl"
    with pytest.raises(NotFound):
        await service.get_version(db, "service-satisfaction", 2)


async def test_publishing_a_document_uses_the_same_rules(db: AsyncSession) -> None:
    outcome = await service.publish_survey_document(db, dump(shipped(SLUG)), content_root=ROOT)
    assert (outcome.slug, outcome.version) == (SLUG, 1)
