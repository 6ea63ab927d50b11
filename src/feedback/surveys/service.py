"""Validating, publishing and reading survey versions.

Publishing stores an immutable version N+1 only when the resolved content (survey, core
wording and consent notice version) differs from version N, and only when every question
id keeps its meaning. Several files publish in one transaction: all or nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import msgspec
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.consent.models import ConsentNotice, ConsentNoticeVersion
from feedback.consent.service import ensure_notice_version
from feedback.errors import Conflict, NotFound
from feedback.surveys.compatibility import check_compatible
from feedback.surveys.definition import ConsentRef, PublishedSurvey
from feedback.surveys.diff import diff_published
from feedback.surveys.files import canonical_json, content_hash
from feedback.surveys.models import Survey, SurveyVersion
from feedback.surveys.publishing import PreparedSurvey, SurveySource, prepare, prepare_paths
from feedback.surveys.schemas import (
    PublishOutcome,
    SurveyDiff,
    SurveySummary,
    SurveyVersionDetail,
    SurveyVersionOut,
    ValidationReport,
)


def validate_surveys(paths: Sequence[Path]) -> list[ValidationReport]:
    """Check survey files without storing anything; raises SurveyInvalid with every problem."""
    return [
        ValidationReport(item.file, item.checked.published.definition.slug, item.checked.warnings)
        for item in prepare_paths(paths)
    ]


async def publish_surveys(
    session: AsyncSession, paths: Sequence[Path], *, actor_id: int | None = None
) -> list[PublishOutcome]:
    """Publish survey files together: every file is checked first, then all are stored in
    one transaction, so a bad file or an incompatible change publishes nothing."""
    prepared = await asyncio.to_thread(prepare_paths, paths)
    return await _publish(session, prepared, actor_id=actor_id)


async def publish_survey_document(
    session: AsyncSession, data: bytes, *, content_root: Path, actor_id: int | None = None
) -> PublishOutcome:
    """Publish one survey sent as YAML; its core data set and notices come from content_root."""
    source = SurveySource.from_bytes(data, content_root=content_root)
    prepared = await asyncio.to_thread(prepare, [source])
    return (await _publish(session, prepared, actor_id=actor_id))[0]


async def _publish(
    session: AsyncSession, items: Sequence[PreparedSurvey], *, actor_id: int | None
) -> list[PublishOutcome]:
    try:
        outcomes = [await _publish_one(session, item, actor_id=actor_id) for item in items]
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise Conflict(
            "someone else published at the same moment; nothing was published, try again"
        ) from None
    except BaseException:
        await session.rollback()
        raise
    return outcomes


async def _publish_one(
    session: AsyncSession, item: PreparedSurvey, *, actor_id: int | None
) -> PublishOutcome:
    notice_row, notice_outcome = await ensure_notice_version(
        session, item.notice, actor_id=actor_id
    )
    published = msgspec.structs.replace(
        item.checked.published,
        consent=ConsentRef(
            slug=item.notice.slug, version=notice_row.number, content_hash=notice_row.content_hash
        ),
    )
    definition = published.definition
    survey = await session.scalar(select(Survey).where(Survey.slug == definition.slug))
    if survey is None:
        survey = Survey(slug=definition.slug, kind=definition.kind)
        session.add(survey)
        await session.flush()
    history = list(
        await session.scalars(
            select(SurveyVersion)
            .where(SurveyVersion.survey_id == survey.id)
            .order_by(SurveyVersion.number)
        )
    )
    digest = content_hash(published)
    warnings = item.checked.warnings
    if history and history[-1].content_hash == digest:
        return PublishOutcome(
            definition.slug, history[-1].number, digest, "unchanged", notice_outcome, warnings
        )
    check_compatible([(row.number, _decode(row)) for row in history], published)
    survey.kind = definition.kind
    version = SurveyVersion(
        survey_id=survey.id,
        number=len(history) + 1,
        content_hash=digest,
        title=definition_title(published),
        definition=canonical_json(published).decode(),
        consent_version_id=notice_row.id,
        published_by_id=actor_id,
    )
    session.add(version)
    await session.flush()
    record_audit(
        session,
        "survey.publish",
        actor_id=actor_id,
        target_type="survey_version",
        target_id=version.id,
    )
    return PublishOutcome(
        definition.slug, version.number, digest, "published", notice_outcome, warnings
    )


async def list_surveys(session: AsyncSession) -> list[SurveySummary]:
    latest = (
        select(SurveyVersion.survey_id, func.max(SurveyVersion.number).label("n"))
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    rows = await session.execute(
        select(Survey, SurveyVersion)
        .join(latest, latest.c.survey_id == Survey.id)
        .join(
            SurveyVersion,
            (SurveyVersion.survey_id == Survey.id) & (SurveyVersion.number == latest.c.n),
        )
        .order_by(Survey.slug)
    )
    return [
        SurveySummary(survey.slug, survey.kind, version.title, version.number, version.published_at)
        for survey, version in rows
    ]


async def list_versions(session: AsyncSession, slug: str) -> list[SurveyVersionOut]:
    rows = await _version_rows(session, slug)
    if not rows:
        raise NotFound(f"no published survey {slug!r}")
    return [_version_out(slug, version, notice) for version, notice in rows]


async def get_version(session: AsyncSession, slug: str, number: int) -> SurveyVersionDetail:
    """A published version with its full resolved definition; versions stay readable forever."""
    rows = await _version_rows(session, slug, number)
    if not rows:
        raise NotFound(f"survey {slug!r} has no version {number}")
    version, notice = rows[0]
    return SurveyVersionDetail(version=_version_out(slug, version, notice), survey=_decode(version))


async def version_id(session: AsyncSession, slug: str, number: int) -> int:
    """The id of a published version, for pages that load it by id (the respondent preview)."""
    found = await session.scalar(
        select(SurveyVersion.id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.slug == slug, SurveyVersion.number == number)
    )
    if found is None:
        raise NotFound(f"no version {number} of {slug}")
    return found


async def diff_versions(session: AsyncSession, slug: str, old: int, new: int) -> SurveyDiff:
    before = await get_version(session, slug, old)
    after = await get_version(session, slug, new)
    return SurveyDiff(slug, old, new, diff_published(before.survey, after.survey))


async def _version_rows(
    session: AsyncSession, slug: str, number: int | None = None
) -> list[tuple[SurveyVersion, ConsentNoticeVersion]]:
    query = (
        select(SurveyVersion, ConsentNoticeVersion)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .join(ConsentNoticeVersion, ConsentNoticeVersion.id == SurveyVersion.consent_version_id)
        .where(Survey.slug == slug)
        .order_by(SurveyVersion.number)
    )
    if number is not None:
        query = query.where(SurveyVersion.number == number)
    return list(await session.execute(query))


def _version_out(
    slug: str, version: SurveyVersion, notice: ConsentNoticeVersion
) -> SurveyVersionOut:
    published = _decode(version)
    return SurveyVersionOut(
        slug=slug,
        version=version.number,
        content_hash=version.content_hash,
        title=version.title,
        consent_slug=published.consent.slug if published.consent else "",
        consent_version=notice.number,
        published_at=version.published_at,
    )


def definition_title(published: PublishedSurvey) -> str:
    title = published.definition.title
    return (title.get("en", "") if isinstance(title, dict) else title)[:300]


def _decode(version: SurveyVersion) -> PublishedSurvey:
    return msgspec.json.decode(version.definition, type=PublishedSurvey)


__all__ = [
    "ConsentNotice",
    "diff_versions",
    "get_version",
    "list_surveys",
    "list_versions",
    "publish_survey_document",
    "publish_surveys",
    "validate_surveys",
    "version_id",
]
