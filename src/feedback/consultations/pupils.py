"""What the respondent pages need to know about a class session entry: whether to show the
pupils' assent page and whether free-text questions are hidden (an age band under 13, unless
the round allows them). Reads no answer and nothing that could identify a pupil.

A class session's age band and its round's free-text choice never change once its code
exists, so what a code digest leads to is kept per database, like decoded survey versions:
the submission of a class response costs no extra query once its form was shown."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import cast

import msgspec
from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consultations.models import UNDER_13_BANDS, ClassSession, ConsultationRound
from feedback.links.models import JoinCode, Link, LinkBatch
from feedback.links.schemas import Entry
from feedback.responses.journey import SurveyForRespondent, latest_version_id
from feedback.surveys.definition import FreeText

_CODES = cast(Table, JoinCode.__table__)
_LINKS = cast(Table, Link.__table__)
_BATCHES = cast(Table, LinkBatch.__table__)
_SESSIONS = cast(Table, ClassSession.__table__)
_ROUNDS = cast(Table, ConsultationRound.__table__)

_CLASS_ENTRY = (
    select(_SESSIONS.c.age_band, _ROUNDS.c.young_free_text)
    .join(_CODES, _CODES.c.batch_id == _SESSIONS.c.link_batch_id)
    .join(_ROUNDS, _ROUNDS.c.id == _SESSIONS.c.round_id)
    .where(_CODES.c.code_digest == bindparam("digest"))
)
_PURPOSE_BY_CODE = (
    select(_ROUNDS.c.purpose)
    .join(_BATCHES, _BATCHES.c.round_id == _ROUNDS.c.id)
    .join(_CODES, _CODES.c.batch_id == _BATCHES.c.id)
    .where(_CODES.c.code_digest == bindparam("digest"))
)
_PURPOSE_BY_LINK = (
    select(_ROUNDS.c.purpose)
    .join(_BATCHES, _BATCHES.c.round_id == _ROUNDS.c.id)
    .join(_LINKS, _LINKS.c.batch_id == _BATCHES.c.id)
    .where(_LINKS.c.token_digest == bindparam("digest"))
)
_PINNED_BY_CODE = (
    select(_BATCHES.c.survey_version_id)
    .join(_CODES, _CODES.c.batch_id == _BATCHES.c.id)
    .where(_CODES.c.id == bindparam("entry_id"))
)
_PINNED_BY_LINK = (
    select(_BATCHES.c.survey_version_id)
    .join(_LINKS, _LINKS.c.batch_id == _BATCHES.c.id)
    .where(_LINKS.c.id == bindparam("entry_id"))
)


class PupilEntry(msgspec.Struct, frozen=True):
    age_band: str
    free_text_hidden: bool


ENTRIES_KEPT = 512
_known: weakref.WeakKeyDictionary[Engine | Connection, OrderedDict[str, PupilEntry | None]] = (
    weakref.WeakKeyDictionary()
)


async def pinned_version_id(session: AsyncSession, kind: str, entry_id: int) -> int | None:
    """The survey version a round pinned for this link or code, if it belongs to a round."""
    statement = _PINNED_BY_CODE if kind == "code" else _PINNED_BY_LINK
    connection = await session.connection()
    found = await connection.scalar(statement, {"entry_id": entry_id})
    return int(found) if found is not None else None


async def version_for_entry(session: AsyncSession, entry: Entry) -> int:
    """The survey version a respondent entering here answers: the version its round pinned
    (so a round's respondents all answer the same questions), else the latest published."""
    pinned = await pinned_version_id(session, entry.kind, entry.entry_id)
    return pinned or await latest_version_id(session, entry.survey_id)


async def round_purpose(session: AsyncSession, kind: str, digest: str) -> str | None:
    """The plain-words purpose of the round this link or code belongs to, shown before the
    questions; None outside a round."""
    statement = _PURPOSE_BY_CODE if kind == "code" else _PURPOSE_BY_LINK
    connection = await session.connection()
    found = await connection.scalar(statement, {"digest": digest})
    return str(found) if found is not None else None


async def class_entry(session: AsyncSession, kind: str, digest: str) -> PupilEntry | None:
    """The class session a join code opens, or None for links and other codes."""
    if kind != "code":
        return None
    kept = _known.setdefault(session.get_bind(), OrderedDict())
    if digest in kept:
        kept.move_to_end(digest)
        return kept[digest]
    connection = await session.connection()
    row = (await connection.execute(_CLASS_ENTRY, {"digest": digest})).first()
    found = (
        None
        if row is None
        else PupilEntry(
            age_band=row.age_band,
            free_text_hidden=row.age_band in UNDER_13_BANDS and not row.young_free_text,
        )
    )
    kept[digest] = found
    if len(kept) > ENTRIES_KEPT:
        kept.popitem(last=False)
    return found


def without_free_text(survey: SurveyForRespondent) -> SurveyForRespondent:
    """The survey with its free-text questions left out (and sections left empty by that)."""
    definition = survey.published.definition
    sections = [
        msgspec.structs.replace(
            section, questions=[q for q in section.questions if not isinstance(q, FreeText)]
        )
        for section in definition.sections
    ]
    kept = [section for section in sections if section.questions]
    published = msgspec.structs.replace(
        survey.published, definition=msgspec.structs.replace(definition, sections=kept)
    )
    return msgspec.structs.replace(survey, published=published)


async def survey_for_entry(
    session: AsyncSession, kind: str, digest: str, survey: SurveyForRespondent
) -> tuple[SurveyForRespondent, PupilEntry | None]:
    """The survey as this entry's respondent sees it, and the class session if it is one."""
    pupil = await class_entry(session, kind, digest)
    if pupil is not None and pupil.free_text_hidden:
        return without_free_text(survey), pupil
    return survey, pupil
