"""Survey drafts authored in the console: started from a shipped file, a published version
or an upload, edited, checked by the same rules as a file, then published.

A draft is stored as the YAML definition a file would hold, so it can be downloaded and
kept in git, and publishing it is exactly publishing that file. Every save goes through
a decode of the encoded text, so a stored draft always reads back as a definition.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.consent.models import ConsentNotice, ConsentNoticeVersion
from feedback.errors import Conflict, NotFound
from feedback.surveys.compatibility import check_compatible
from feedback.surveys.core import CORE_FILE_NAME, CoreDataSet, load_core
from feedback.surveys.definition import (
    EQUALITY_SECTION_ID,
    ConsentRef,
    EqualityMonitoring,
    PublishedSurvey,
    Question,
    Scale,
    SurveyDefinition,
)
from feedback.surveys.diff import diff_published
from feedback.surveys.errors import IncompatibleChange, Problem, SurveyInvalid
from feedback.surveys.files import content_hash, decode_yaml
from feedback.surveys.models import Survey, SurveyDraft, SurveyVersion
from feedback.surveys.publishing import PreparedSurvey, SurveySource, prepare
from feedback.surveys.schemas import PublishOutcome
from feedback.surveys.service import get_version, publish_survey_document

DRAFT_FILE = "draft"


class Draft(msgspec.Struct, frozen=True):
    id: int
    slug: str
    started_from: str
    definition: SurveyDefinition
    text: str


class DraftCheck(msgspec.Struct, frozen=True):
    """The outcome of checking a draft by the publishing rules: problems block publishing,
    warnings do not; `prepared` is set when there are no problems."""

    problems: list[Problem]
    warnings: list[str]
    prepared: PreparedSurvey | None


class PublishPlan(msgspec.Struct, frozen=True):
    """What publishing a draft would do, worked out without storing anything."""

    slug: str
    title: str
    previous: int | None
    next_number: int
    unchanged: bool
    changes: list[str]
    incompatible: str | None


def templates(content_root: Path) -> list[tuple[str, str]]:
    """(file name, title) of every shipped survey file a draft can start from."""
    found = []
    for path in sorted((content_root / "surveys").glob("*.yaml")):
        if path.name == CORE_FILE_NAME:
            continue
        definition = decode_yaml(path.read_bytes(), SurveyDefinition, file=path.name)
        title = definition.title
        found.append((path.name, title if isinstance(title, str) else title.get("en", "")))
    return found


def encode(definition: SurveyDefinition) -> bytes:
    return msgspec.yaml.encode(definition)


def decode(data: bytes) -> SurveyDefinition:
    """The definition a draft text holds; SurveyInvalid (located) when it does not decode."""
    return decode_yaml(data, SurveyDefinition, file=DRAFT_FILE)


async def create_from_template(
    session: AsyncSession, name: str, *, content_root: Path, actor_id: int | None
) -> int:
    if name not in {file for file, _ in templates(content_root)}:
        raise NotFound(f"no survey file {name!r} in surveys/")
    data = (content_root / "surveys" / name).read_bytes()
    return await _store(session, decode(data), f"the file surveys/{name}", actor_id)


async def create_from_upload(
    session: AsyncSession, data: bytes, *, filename: str, actor_id: int | None
) -> int:
    definition = decode_yaml(data, SurveyDefinition, file=filename or "(uploaded)")
    return await _store(session, definition, f"the uploaded file {filename}", actor_id)


async def create_from_version(
    session: AsyncSession, slug: str, number: int, *, actor_id: int | None
) -> int:
    detail = await get_version(session, slug, number)
    definition = authored_form(detail.survey)
    return await _store(session, definition, f"version {number} of {slug}", actor_id)


def authored_form(published: PublishedSurvey) -> SurveyDefinition:
    """A published version turned back into the definition an author writes: the equality
    block as its list of items, core questions without the wording they take from the core
    data set, named scales without their resolved ends. Publishing it unedited is unchanged."""
    definition = published.definition
    sections = [s for s in definition.sections if s.id != EQUALITY_SECTION_ID]
    equality = [s for s in definition.sections if s.id == EQUALITY_SECTION_ID]
    return msgspec.structs.replace(
        definition,
        sections=[
            msgspec.structs.replace(s, questions=[_authored(q) for q in s.questions])
            for s in sections
        ],
        equality_monitoring=(
            EqualityMonitoring(items=[q.id for q in equality[0].questions]) if equality else None
        ),
    )


def _authored(question: Question) -> Question:
    if question.core is not None:
        stripped: dict[str, object] = {"text": None}
        if hasattr(question, "choices"):
            stripped["choices"] = None
        if isinstance(question, Scale):
            stripped |= {"scale": None, "min": None, "max": None, "low": None, "high": None}
        if not question.sensitive:
            stripped["prefer_not_to_say"] = question.prefer_not_to_say
        return msgspec.structs.replace(question, **stripped)
    if isinstance(question, Scale) and question.scale is not None:
        return msgspec.structs.replace(question, min=None, max=None, low=None, high=None)
    return question


async def _store(
    session: AsyncSession, definition: SurveyDefinition, started_from: str, actor_id: int | None
) -> int:
    text = encode(decode(encode(definition)))
    draft = SurveyDraft(
        slug=definition.slug,
        definition=text.decode(),
        started_from=started_from,
        created_by_id=actor_id,
    )
    session.add(draft)
    await session.commit()
    return draft.id


async def list_drafts(session: AsyncSession) -> list[Draft]:
    rows = await session.scalars(select(SurveyDraft).order_by(SurveyDraft.id))
    return [_draft(row) for row in rows]


async def get_draft(session: AsyncSession, draft_id: int) -> Draft:
    row = await session.get(SurveyDraft, draft_id)
    if row is None:
        raise NotFound("no such draft: it may have been published or discarded")
    return _draft(row)


def _draft(row: SurveyDraft) -> Draft:
    return Draft(
        id=row.id,
        slug=row.slug,
        started_from=row.started_from,
        definition=decode(row.definition.encode()),
        text=row.definition,
    )


async def save_definition(
    session: AsyncSession, draft_id: int, definition: SurveyDefinition
) -> None:
    """Store an edited definition; SurveyInvalid (nothing stored) when it would not read back,
    such as a question id with spaces."""
    await save_text(session, draft_id, encode(definition))


async def save_text(session: AsyncSession, draft_id: int, data: bytes) -> None:
    definition = decode(data)
    row = await session.get(SurveyDraft, draft_id)
    if row is None:
        raise NotFound("no such draft: it may have been published or discarded")
    row.definition = encode(definition).decode()
    row.slug = definition.slug
    row.updated_at = clock.now_utc()
    await session.commit()


async def discard_draft(session: AsyncSession, draft_id: int) -> None:
    await session.execute(delete(SurveyDraft).where(SurveyDraft.id == draft_id))
    await session.commit()


def core_data_set(content_root: Path) -> CoreDataSet:
    return load_core(content_root / "surveys" / CORE_FILE_NAME)


def check_draft(draft: Draft, *, content_root: Path) -> DraftCheck:
    """Every rule publishing applies (the core data set, the consent notice), nothing stored."""
    source = SurveySource.from_bytes(
        draft.text.encode(), content_root=content_root, file=DRAFT_FILE
    )
    try:
        prepared = prepare([source])[0]
    except SurveyInvalid as invalid:
        return DraftCheck(problems=list(invalid.problems), warnings=[], prepared=None)
    return DraftCheck(problems=[], warnings=prepared.checked.warnings, prepared=prepared)


async def plan_publish(session: AsyncSession, prepared: PreparedSurvey) -> PublishPlan:
    """The version number publishing would make, the changes against the latest version and
    whether every question id keeps its meaning (so results stay comparable)."""
    published = msgspec.structs.replace(
        prepared.checked.published, consent=await _consent_ref(session, prepared)
    )
    definition = published.definition
    rows = list(
        await session.scalars(
            select(SurveyVersion)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(Survey.slug == definition.slug)
            .order_by(SurveyVersion.number)
        )
    )
    history = [
        (row.number, msgspec.json.decode(row.definition, type=PublishedSurvey)) for row in rows
    ]
    title = definition.title
    title_en = title if isinstance(title, str) else title.get("en", "")
    if not history:
        return PublishPlan(definition.slug, title_en, None, 1, False, [], None)
    previous_number, previous = history[-1]
    incompatible = None
    try:
        check_compatible(history, published)
    except IncompatibleChange as error:
        incompatible = error.message
    return PublishPlan(
        slug=definition.slug,
        title=title_en,
        previous=previous_number,
        next_number=previous_number + 1,
        unchanged=rows[-1].content_hash == content_hash(published),
        changes=diff_published(previous, published),
        incompatible=incompatible,
    )


async def _consent_ref(session: AsyncSession, prepared: PreparedSurvey) -> ConsentRef:
    """The notice version publishing would record: the latest if its content is the same,
    else the next number (publishing stores it then)."""
    notice = prepared.notice
    digest = content_hash(notice)
    latest = await session.scalar(
        select(ConsentNoticeVersion)
        .join(ConsentNotice, ConsentNotice.id == ConsentNoticeVersion.notice_id)
        .where(ConsentNotice.slug == notice.slug)
        .order_by(ConsentNoticeVersion.number.desc())
        .limit(1)
    )
    if latest is not None and latest.content_hash == digest:
        return ConsentRef(slug=notice.slug, version=latest.number, content_hash=digest)
    return ConsentRef(
        slug=notice.slug, version=(latest.number if latest else 0) + 1, content_hash=digest
    )


async def publish_draft(
    session: AsyncSession,
    draft_id: int,
    *,
    expected_number: int,
    content_root: Path,
    actor_id: int | None,
) -> PublishOutcome:
    """Publish the draft as the file it holds (the same rules, audit record and version), if
    the version it would make is still the one the person confirmed; then the draft is gone."""
    draft = await get_draft(session, draft_id)
    checked = await asyncio.to_thread(check_draft, draft, content_root=content_root)
    if checked.prepared is None:
        raise SurveyInvalid(checked.problems)
    plan = await plan_publish(session, checked.prepared)
    if plan.next_number != expected_number:
        raise Conflict(
            f"version {expected_number - 1} of {plan.slug} is no longer the latest: someone "
            "published since you looked. Nothing was published; check the changes again"
        )
    outcome = await publish_survey_document(
        session, draft.text.encode(), content_root=content_root, actor_id=actor_id
    )
    await discard_draft(session, draft_id)
    return outcome
