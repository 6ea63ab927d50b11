"""Class sessions: planned by a school coordinator, opened with a capped, short-lived join code.

A class session opens only after the school's information letter to parents went out, and
no sooner than `school_notice_hours` after the start of the day it went out: parents need
time to use the school's own opt-out. Where a school asks for explicit parental consent
for pupils under 13, the number of consents returned is the session's cap. The coordinator
sees the join code once and then only a live count of completed responses: never answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.clock import LONDON
from feedback.consultations.models import (
    AGE_BANDS,
    UNDER_13_BANDS,
    ClassSession,
    ConsultationRound,
    School,
)
from feedback.consultations.pins import round_closes_at
from feedback.consultations.rounds import pinned_surveys, status_of
from feedback.consultations.schemas import ClassSessionOut, OpenedSession
from feedback.consultations.schools import rounds_for_school, school_for
from feedback.db.base import utc_now
from feedback.errors import Conflict, InvalidInput, NotFound
from feedback.links import tokens
from feedback.links.models import JoinCode, LinkBatch
from feedback.surveys.models import SurveyVersion

MAXIMUM_CLASS = 60
MAXIMUM_MARGIN = 10
YOUNG_PERSON_KIND = "young_person"


def _whole(field: str, text: str | int | None, low: int, high: int) -> int:
    try:
        value = int(text) if text is not None and text != "" else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise InvalidInput(f"enter a whole number from {low} to {high}", field=field)
    return value


async def create_class_session(
    session: AsyncSession,
    *,
    actor: Staff,
    school_id: int,
    round_id: int,
    year_group: str,
    age_band: str,
    class_size: int | str,
) -> ClassSessionOut:
    """A draft session for one class of a school taking part in the round."""
    school = await school_for(session, actor, school_id)
    if round_id not in [rid for rid, _title in await rounds_for_school(session, school.id)]:
        raise InvalidInput("choose an open round this school takes part in", field="round")
    year_group = " ".join(year_group.split())
    if not year_group or len(year_group) > 20:
        raise InvalidInput("enter the year group, like Year 7", field="year_group")
    if age_band not in AGE_BANDS:
        raise InvalidInput(f"choose one of {', '.join(AGE_BANDS)}", field="age_band")
    row = ClassSession(
        school_id=school.id,
        round_id=round_id,
        year_group=year_group,
        age_band=age_band,
        class_size=_whole("class_size", class_size, 1, MAXIMUM_CLASS),
        created_by_id=actor.id,
    )
    session.add(row)
    await session.flush()
    record_audit(
        session,
        "class_session.create",
        actor_id=actor.id,
        target_type="class_session",
        target_id=row.id,
    )
    await session.commit()
    return await get_class_session(session, row.id, actor=actor, notice_hours=0)


async def _session_row(session: AsyncSession, actor: Staff, session_id: int) -> ClassSession:
    row = await session.get(ClassSession, session_id)
    if row is None:
        raise NotFound(f"class session {session_id}: no such session")
    await school_for(session, actor, row.school_id)
    return row


def letter_allows_from(letter_sent_on: date, notice_hours: int) -> datetime:
    """The earliest moment a session may open: the start of the letter's day plus the notice,
    in real hours (added in UTC: on the night clocks go forward, London's wall clock would
    give parents an hour less), shown on London's clock."""
    start = datetime.combine(letter_sent_on, time(0), tzinfo=LONDON).astimezone(UTC)
    return (start + timedelta(hours=notice_hours)).astimezone(LONDON)


async def record_letter(
    session: AsyncSession,
    session_id: int,
    *,
    actor: Staff,
    sent_on: date,
    consents_returned: int | str | None = None,
    notice_hours: int,
) -> ClassSessionOut:
    """Record the day the parents' letter went out (and, where the school asks for consent
    for under-13s, how many consents came back). Only before the session opens."""
    row = await _session_row(session, actor, session_id)
    if row.link_batch_id is not None:
        raise Conflict("the session is open already", field="letter")
    if sent_on > clock.today_london():
        raise InvalidInput("the date is in the future", field="letter_sent_on")
    school = await session.get(School, row.school_id)
    assert school is not None
    if _consent_mode(school, row):
        row.consents_returned = _whole("consents_returned", consents_returned, 1, row.class_size)
    row.letter_sent_on = sent_on
    record_audit(
        session,
        "class_session.letter",
        actor_id=actor.id,
        target_type="class_session",
        target_id=row.id,
    )
    await session.commit()
    return await get_class_session(session, row.id, actor=actor, notice_hours=notice_hours)


def _consent_mode(school: School, row: ClassSession) -> bool:
    return school.consent_for_under_13 and row.age_band in UNDER_13_BANDS


async def open_class_session(
    session: AsyncSession,
    session_id: int,
    *,
    actor: Staff,
    margin: int | str = 2,
    minutes: int,
    notice_hours: int,
    master_key: bytes,
    base_url: str,
) -> OpenedSession:
    """Issue the session's join code: capped at class size plus the margin (or at the
    consents returned), expiring after `minutes`. The code is shown once, here."""
    row = await _session_row(session, actor, session_id)
    if row.link_batch_id is not None:
        raise Conflict("this session was opened already", field="session")
    school = await session.get(School, row.school_id)
    round_row = await session.get(ConsultationRound, row.round_id)
    assert school is not None and round_row is not None
    now = utc_now()
    if status_of(round_row, clock.today_london()) != "open":
        raise InvalidInput("the round is not open", field="session")
    if row.letter_sent_on is None:
        raise InvalidInput(
            "record the date the letter to parents went out first", field="letter_sent_on"
        )
    allowed = letter_allows_from(row.letter_sent_on, notice_hours)
    if now < allowed:
        raise InvalidInput(
            f"parents need {notice_hours} hours' notice; the session can open "
            f"from {allowed.strftime('%d %B %Y %H:%M')}",
            field="letter_sent_on",
        )
    if _consent_mode(school, row):
        if not row.consents_returned:
            raise InvalidInput(
                "record how many consents came back first", field="consents_returned"
            )
        cap = row.consents_returned
    else:
        cap = row.class_size + _whole("margin", margin, 0, MAXIMUM_MARGIN)
    version = next(
        (s for s in await pinned_surveys(session, row.round_id) if s.kind == YOUNG_PERSON_KIND),
        None,
    )
    if version is None:
        raise InvalidInput("the round has no survey for young people", field="session")
    survey_id = await session.scalar(
        select(SurveyVersion.survey_id).where(SurveyVersion.id == version.version_id)
    )
    expires = min(now + timedelta(minutes=minutes), round_closes_at(round_row.closes_on))
    batch = LinkBatch(
        survey_id=survey_id,
        service_id=school.service_id,
        kind="code",
        channel="class",
        size=1,
        expires_at=expires,
        created_by_id=actor.id,
        round_id=row.round_id,
        survey_version_id=version.version_id,
    )
    session.add(batch)
    await session.flush()
    code = await _unused_code(session, master_key)
    session.add(
        JoinCode(
            batch_id=batch.id,
            code_digest=tokens.code_digest(master_key, code),
            code_sealed=tokens.seal_code(master_key, code),
            cap=cap,
        )
    )
    row.link_batch_id, row.cap, row.opened_at, row.expires_at = batch.id, cap, now, expires
    record_audit(
        session,
        "class_session.open",
        actor_id=actor.id,
        target_type="class_session",
        target_id=row.id,
    )
    await session.commit()
    return OpenedSession(
        session=await get_class_session(session, row.id, actor=actor, notice_hours=notice_hours),
        code=code,
        url=f"{base_url}/join/{code}",
    )


async def _unused_code(session: AsyncSession, master_key: bytes) -> str:
    for _ in range(20):
        code = tokens.new_code()
        digest = tokens.code_digest(master_key, code)
        if await session.scalar(select(JoinCode.id).where(JoinCode.code_digest == digest)) is None:
            return code
    raise Conflict("could not find a free code; try again")  # 25^8 codes: never in practice


async def get_class_session(
    session: AsyncSession, session_id: int, *, actor: Staff, notice_hours: int
) -> ClassSessionOut:
    row = await _session_row(session, actor, session_id)
    return (await _sessions_out(session, [row], notice_hours))[0]


async def list_class_sessions(
    session: AsyncSession, school_id: int, *, actor: Staff, notice_hours: int
) -> list[ClassSessionOut]:
    school = await school_for(session, actor, school_id)
    rows = list(
        await session.scalars(
            select(ClassSession)
            .where(ClassSession.school_id == school.id)
            .order_by(ClassSession.created_at.desc(), ClassSession.id.desc())
        )
    )
    return await _sessions_out(session, rows, notice_hours)


async def _sessions_out(
    session: AsyncSession, rows: list[ClassSession], notice_hours: int
) -> list[ClassSessionOut]:
    now = utc_now()
    found = []
    for row in rows:
        school = await session.get(School, row.school_id)
        round_row = await session.get(ConsultationRound, row.round_id)
        assert school is not None and round_row is not None
        code = batch = None
        if row.link_batch_id is not None:
            batch = await session.get(LinkBatch, row.link_batch_id)
            code = await session.scalar(
                select(JoinCode).where(JoinCode.batch_id == row.link_batch_id)
            )
        status = "draft"
        if batch is not None and code is not None:
            live = batch.revoked_at is None and (batch.expires_at is None or batch.expires_at > now)
            status = "open" if live and code.uses < code.cap else "ended"
        found.append(
            ClassSessionOut(
                id=row.id,
                school_id=school.id,
                school=school.name,
                round_id=round_row.id,
                round_title=round_row.title,
                year_group=row.year_group,
                age_band=row.age_band,
                class_size=row.class_size,
                letter_sent_on=row.letter_sent_on,
                consents_returned=row.consents_returned,
                consent_mode=_consent_mode(school, row),
                cap=row.cap,
                status=status,
                opens_from=letter_allows_from(row.letter_sent_on, notice_hours)
                if row.letter_sent_on
                else None,
                expires_at=batch.expires_at if batch else None,
                completed=code.uses if code else None,
            )
        )
    return found
