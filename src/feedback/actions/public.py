"""Reading published records: the public page, JSON, Atom feed and receipts use only this.

Nothing here imports reports, themes or keys: a published record already carries its theme
labels and its frozen evidence, so the public surface needs no access to live figures.
Only `state == "published"` rows are ever returned; drafts and records awaiting approval
are invisible to every function in this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.models import ActionProgress, ActionRecord, ActionRevision
from feedback.actions.schemas import (
    Evidence,
    ProgressOut,
    PublicFilter,
    RecordOut,
    RevisionOut,
    StaffRecordOut,
    ThemeRef,
)
from feedback.organisations.models import Service

PUBLISHED = "published"
MAX_PAGE = 100


async def record_views(
    session: AsyncSession, records: Sequence[ActionRecord]
) -> list[StaffRecordOut]:
    """Records with their service name, progress and history, in three queries in all."""
    ids = [record.id for record in records]
    names: dict[int, str] = {}
    if records:
        rows = await session.execute(
            select(Service.id, Service.name).where(Service.id.in_({r.service_id for r in records}))
        )
        names = {service_id: name for service_id, name in rows}
    progress: dict[int, list[ProgressOut]] = {i: [] for i in ids}
    history: dict[int, list[RevisionOut]] = {i: [] for i in ids}
    if ids:
        for row in await session.scalars(
            select(ActionProgress)
            .where(ActionProgress.record_id.in_(ids))
            .order_by(ActionProgress.on.desc(), ActionProgress.id.desc())
        ):
            progress[row.record_id].append(ProgressOut(row.on, row.status, row.text))
        for rev in await session.scalars(
            select(ActionRevision)
            .where(ActionRevision.record_id.in_(ids))
            .order_by(ActionRevision.number.desc())
        ):
            history[rev.record_id].append(
                RevisionOut(rev.number, rev.replaced_on, list(rev.changed), dict(rev.previous))
            )
    return [
        StaffRecordOut(
            id=r.id,
            title=r.title,
            service=names.get(r.service_id, ""),
            boroughs=list(r.boroughs),
            you_said=r.you_said,
            we_did=r.we_did,
            young_people=r.young_people,
            simple_summary=r.simple_summary,
            survey=r.survey_slug,
            questions=list(r.question_ids),
            themes=[ThemeRef(t["id"], t["label"]) for t in r.themes],
            outcome_codes=list(r.outcome_codes or []),
            period=r.period,
            status=r.status,
            published_on=r.published_on,
            updated_on=r.updated_on,
            progress=progress[r.id],
            history=history[r.id],
            evidence=None if r.evidence is None else msgspec.convert(r.evidence, Evidence),
            service_id=r.service_id,
            state=r.state,
            review_comment=r.review_comment,
        )
        for r in records
    ]


def public_view(record: StaffRecordOut) -> RecordOut:
    """The public fields only: workflow state and the reviewer's comment stay in the console."""
    fields = {f: getattr(record, f) for f in RecordOut.__struct_fields__}
    return RecordOut(**fields)


async def list_published(
    session: AsyncSession, filters: PublicFilter, *, limit: int = 20, offset: int = 0
) -> tuple[int, list[RecordOut]]:
    """(total matching, one page of them), newest publication first. Borough and theme live
    in JSON lists, so they are matched here rather than in SQL; published records number in
    the hundreds at most."""
    query = select(ActionRecord).where(ActionRecord.state == PUBLISHED)
    if filters.service_id is not None:
        query = query.where(ActionRecord.service_id == filters.service_id)
    if filters.status:
        query = query.where(ActionRecord.status == filters.status)
    if filters.young_people is not None:
        query = query.where(ActionRecord.young_people.is_(filters.young_people))
    query = query.order_by(ActionRecord.published_on.desc(), ActionRecord.id.desc())
    rows = [
        r
        for r in await session.scalars(query)
        if (not filters.borough or filters.borough in r.boroughs)
        and (not filters.theme or any(t["id"] == filters.theme for t in r.themes))
    ]
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    page = rows[offset : offset + limit]
    return len(rows), [public_view(v) for v in await record_views(session, page)]


async def published_record(session: AsyncSession, record_id: int) -> RecordOut | None:
    record = await session.get(ActionRecord, record_id)
    if record is None or record.state != PUBLISHED:
        return None
    (view,) = await record_views(session, [record])
    return public_view(view)


async def published_for(
    session: AsyncSession, *, survey_slug: str, service_id: int
) -> list[RecordOut]:
    """Published records for one survey and service, newest first (the receipt page)."""
    rows = await session.scalars(
        select(ActionRecord)
        .where(
            ActionRecord.state == PUBLISHED,
            ActionRecord.survey_slug == survey_slug,
            ActionRecord.service_id == service_id,
        )
        .order_by(ActionRecord.published_on.desc(), ActionRecord.id.desc())
    )
    return [public_view(v) for v in await record_views(session, list(rows))]


__all__ = [
    "MAX_PAGE",
    "PUBLISHED",
    "list_published",
    "public_view",
    "published_for",
    "published_record",
    "record_views",
]
