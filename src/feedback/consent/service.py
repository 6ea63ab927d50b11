"""Publishing and reading consent notice versions; unchanged content is never republished."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.consent.definition import PublishedNotice, load_notice
from feedback.consent.models import ConsentNotice, ConsentNoticeVersion
from feedback.consent.schemas import NoticeOutcome, NoticeSummary
from feedback.errors import NotFound
from feedback.surveys.errors import Problem, SurveyInvalid
from feedback.surveys.files import canonical_json, content_hash


def validate_notices(folders: Sequence[Path]) -> list[PublishedNotice]:
    """Check notice folders; every problem of every folder is reported together."""
    problems: list[Problem] = []
    notices = []
    for folder in folders:
        try:
            notices.append(load_notice(folder))
        except SurveyInvalid as error:
            problems.extend(error.problems)
    if problems:
        raise SurveyInvalid(problems)
    return notices


async def publish_notices(
    session: AsyncSession, folders: Sequence[Path], *, actor_id: int | None = None
) -> list[NoticeOutcome]:
    """Publish notice folders all together or not at all."""
    notices = await asyncio.to_thread(validate_notices, folders)
    try:
        outcomes = [
            (await ensure_notice_version(session, n, actor_id=actor_id))[1] for n in notices
        ]
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return outcomes


async def ensure_notice_version(
    session: AsyncSession, notice: PublishedNotice, *, actor_id: int | None
) -> tuple[ConsentNoticeVersion, NoticeOutcome]:
    """The version holding exactly this content: the latest one if unchanged, else a new one.
    Adds to the caller's transaction and does not commit."""
    row = await session.scalar(select(ConsentNotice).where(ConsentNotice.slug == notice.slug))
    if row is None:
        row = ConsentNotice(slug=notice.slug, audience=notice.audience)
        session.add(row)
        await session.flush()
    row.audience = notice.audience
    content = canonical_json(notice)
    digest = content_hash(notice)
    latest = await session.scalar(
        select(ConsentNoticeVersion)
        .where(ConsentNoticeVersion.notice_id == row.id)
        .order_by(ConsentNoticeVersion.number.desc())
        .limit(1)
    )
    if latest is not None and latest.content_hash == digest:
        return latest, NoticeOutcome(notice.slug, latest.number, digest, "unchanged")
    version = ConsentNoticeVersion(
        notice_id=row.id,
        number=(latest.number if latest else 0) + 1,
        content_hash=digest,
        content=content.decode(),
        published_by_id=actor_id,
    )
    session.add(version)
    await session.flush()
    record_audit(
        session,
        "consent.publish",
        actor_id=actor_id,
        target_type="consent_notice_version",
        target_id=version.id,
    )
    return version, NoticeOutcome(notice.slug, version.number, digest, "published")


async def list_notices(session: AsyncSession) -> list[NoticeSummary]:
    latest = (
        select(ConsentNoticeVersion.notice_id, func.max(ConsentNoticeVersion.number).label("n"))
        .group_by(ConsentNoticeVersion.notice_id)
        .subquery()
    )
    rows = await session.execute(
        select(ConsentNotice, ConsentNoticeVersion)
        .join(latest, latest.c.notice_id == ConsentNotice.id)
        .join(
            ConsentNoticeVersion,
            (ConsentNoticeVersion.notice_id == ConsentNotice.id)
            & (ConsentNoticeVersion.number == latest.c.n),
        )
        .order_by(ConsentNotice.slug)
    )
    return [
        NoticeSummary(
            slug=notice.slug,
            audience=notice.audience,
            latest_version=version.number,
            languages=sorted(_decode(version).languages),
            published_at=version.published_at,
        )
        for notice, version in rows
    ]


async def get_notice_version(session: AsyncSession, slug: str, number: int) -> PublishedNotice:
    """A published notice version, readable forever (responses point at it)."""
    version = await session.scalar(
        select(ConsentNoticeVersion)
        .join(ConsentNotice, ConsentNotice.id == ConsentNoticeVersion.notice_id)
        .where(ConsentNotice.slug == slug, ConsentNoticeVersion.number == number)
    )
    if version is None:
        raise NotFound(f"consent notice {slug!r} has no version {number}")
    return _decode(version)


def _decode(version: ConsentNoticeVersion) -> PublishedNotice:
    return msgspec.json.decode(version.content, type=PublishedNotice)
