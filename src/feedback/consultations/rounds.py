"""Consultation rounds: opened by the Strategic Lead with pinned survey versions, services,
schools, channels and dates; closing them (their progress is `consultations.progress`).

A round pins the latest published version of each survey at the moment it is opened and
keeps it to the end, so every response in the round answers the same questions and results
are comparable within the round and with the next one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.consultations.models import (
    ConsultationRound,
    School,
    round_schools,
    round_services,
    round_survey_versions,
)
from feedback.consultations.schemas import PinnedSurvey, RoundOut
from feedback.db.base import utc_now
from feedback.errors import Forbidden, InvalidInput, NotFound
from feedback.links.models import CHANNELS, LinkBatch
from feedback.organisations.models import Service
from feedback.reports.spans import register_round_months
from feedback.surveys.models import Survey, SurveyVersion

MAXIMUM_TITLE = 200


def require_lead(actor: Staff | None) -> None:
    """Rounds are the Strategic Lead's; None is the operator at the command line."""
    if actor is not None and not actor.is_lead:
        raise Forbidden("Only the Strategic Lead can run consultation rounds.")


def status_of(row: ConsultationRound, today: date) -> str:
    if row.closed_at is not None or today > row.closes_on:
        return "closed"
    return "upcoming" if today < row.opens_on else "open"


def _today() -> date:
    return clock.today_london()


async def _latest_versions(session: AsyncSession, slugs: Sequence[str]) -> list[int]:
    if not slugs:
        raise InvalidInput("choose at least one survey", field="surveys")
    found = []
    for slug in dict.fromkeys(slugs):
        version_id = await session.scalar(
            select(SurveyVersion.id)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(Survey.slug == slug)
            .order_by(SurveyVersion.number.desc())
            .limit(1)
        )
        if version_id is None:
            raise InvalidInput(f"{slug!r} has no published version", field="surveys")
        found.append(version_id)
    return found


async def _ids_by_name(
    session: AsyncSession, model: type[Service] | type[School], names: Sequence[str], field: str
) -> list[int]:
    wanted = list(dict.fromkeys(name for name in names if name))
    rows = dict(
        (await session.execute(select(model.name, model.id).where(model.name.in_(wanted)))).all()
    )
    missing = [name for name in wanted if name not in rows]
    if missing:
        raise InvalidInput(f"no {field[:-1]} named {', '.join(map(repr, missing))}", field=field)
    return [rows[name] for name in wanted]


def _check_round(
    title: str, purpose: str, opens_on: date, closes_on: date, channels: Sequence[str]
) -> None:
    if not title.strip():
        raise InvalidInput("enter a title", field="title")
    if len(title) > MAXIMUM_TITLE:
        raise InvalidInput(f"must be at most {MAXIMUM_TITLE} characters", field="title")
    if not purpose.strip():
        raise InvalidInput("say in plain words what the round is for", field="purpose")
    if closes_on < opens_on:
        raise InvalidInput(
            "the closing date must be on or after the opening date", field="closes_on"
        )
    if closes_on < _today():
        raise InvalidInput("the closing date is in the past", field="closes_on")
    if not channels:
        raise InvalidInput("choose at least one channel", field="channels")
    unknown = [channel for channel in channels if channel not in CHANNELS]
    if unknown:
        raise InvalidInput(
            f"unknown {', '.join(unknown)} (use {', '.join(CHANNELS)})", field="channels"
        )


async def create_round(
    session: AsyncSession,
    *,
    actor: Staff | None | None,
    title: str,
    purpose: str,
    survey_slugs: Sequence[str],
    opens_on: date,
    closes_on: date,
    service_names: Sequence[str],
    school_names: Sequence[str] = (),
    channels: Sequence[str],
    young_free_text: bool = False,
    previous_round_id: int | None = None,
) -> RoundOut:
    """Open a round; any bad value is refused with nothing written."""
    require_lead(actor)
    _check_round(title, purpose, opens_on, closes_on, channels)
    version_ids = await _latest_versions(session, survey_slugs)
    service_ids = await _ids_by_name(session, Service, service_names, "services")
    school_ids = await _ids_by_name(session, School, school_names, "schools")
    if not service_ids and not school_ids:
        raise InvalidInput("choose at least one service or school", field="services")
    if school_ids and "class" not in channels:
        raise InvalidInput("a round with schools needs the class channel", field="channels")
    if (
        previous_round_id is not None
        and await session.get(ConsultationRound, previous_round_id) is None
    ):
        raise NotFound(f"round {previous_round_id}: no such round")
    row = ConsultationRound(
        title=" ".join(title.split()),
        purpose=purpose.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        channels=",".join(dict.fromkeys(channels)),
        young_free_text=young_free_text,
        previous_round_id=previous_round_id,
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    await session.flush()
    for table, column, ids in (
        (round_survey_versions, "survey_version_id", version_ids),
        (round_services, "service_id", service_ids),
        (round_schools, "school_id", school_ids),
    ):
        if ids:
            await session.execute(insert(table), [{"round_id": row.id, column: i} for i in ids])
    await register_round_months(session, version_ids, opens_on, closes_on)
    record_audit(
        session,
        "round.open",
        actor_id=actor.id if actor else None,
        target_type="round",
        target_id=row.id,
    )
    await session.commit()
    return await get_round(session, row.id, actor=actor)


async def _round_row(session: AsyncSession, round_id: int) -> ConsultationRound:
    row = await session.get(ConsultationRound, round_id)
    if row is None:
        raise NotFound(f"round {round_id}: no such round")
    return row


async def pinned_surveys(session: AsyncSession, round_id: int) -> list[PinnedSurvey]:
    rows = await session.execute(
        select(
            Survey.slug, Survey.kind, SurveyVersion.number, SurveyVersion.id, SurveyVersion.title
        )
        .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
        .join(round_survey_versions, round_survey_versions.c.survey_version_id == SurveyVersion.id)
        .where(round_survey_versions.c.round_id == round_id)
        .order_by(Survey.slug)
    )
    return [PinnedSurvey(*row) for row in rows]


async def _round_out(session: AsyncSession, row: ConsultationRound) -> RoundOut:
    services = await session.scalars(
        select(Service.name)
        .join(round_services, round_services.c.service_id == Service.id)
        .where(round_services.c.round_id == row.id)
        .order_by(Service.name)
    )
    schools = await session.scalars(
        select(School.name)
        .join(round_schools, round_schools.c.school_id == School.id)
        .where(round_schools.c.round_id == row.id)
        .order_by(School.name)
    )
    return RoundOut(
        id=row.id,
        title=row.title,
        purpose=row.purpose,
        opens_on=row.opens_on,
        closes_on=row.closes_on,
        status=status_of(row, _today()),
        channels=row.channels.split(","),
        surveys=await pinned_surveys(session, row.id),
        services=list(services),
        schools=list(schools),
        young_free_text=row.young_free_text,
        previous_round_id=row.previous_round_id,
        closed_at=row.closed_at,
    )


async def get_round(session: AsyncSession, round_id: int, *, actor: Staff | None) -> RoundOut:
    require_lead(actor)
    return await _round_out(session, await _round_row(session, round_id))


async def list_rounds(session: AsyncSession, *, actor: Staff | None) -> list[RoundOut]:
    require_lead(actor)
    rows = await session.scalars(
        select(ConsultationRound).order_by(ConsultationRound.opens_on.desc(), ConsultationRound.id)
    )
    return [await _round_out(session, row) for row in rows]


async def close_round(session: AsyncSession, round_id: int, *, actor: Staff | None) -> RoundOut:
    """Close a round now: every link and code issued for it stops working at once."""
    require_lead(actor)
    row = await _round_row(session, round_id)
    now = utc_now()
    if row.closed_at is None:
        row.closed_at = now
        await session.execute(
            update(LinkBatch)
            .where(LinkBatch.round_id == round_id, LinkBatch.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        record_audit(
            session,
            "round.close",
            actor_id=actor.id if actor else None,
            target_type="round",
            target_id=round_id,
        )
        await session.commit()
    return await _round_out(session, row)
