"""Consultation rounds: opened by the Strategic Lead with pinned survey versions, services,
schools, channels and dates; their progress while open; closing them.

A round pins the latest published version of each survey at the moment it is opened and
keeps it to the end, so every response in the round answers the same questions and results
are comparable within the round and with the next one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.consultations.models import (
    ClassSession,
    ConsultationRound,
    School,
    round_schools,
    round_services,
    round_survey_versions,
)
from feedback.consultations.schemas import (
    PinnedSurvey,
    ProgressLine,
    RoundOut,
    RoundProgress,
    SchoolProgress,
)
from feedback.db.base import utc_now
from feedback.errors import Forbidden, InvalidInput, NotFound
from feedback.links.models import CHANNELS, JoinCode, Link, LinkBatch
from feedback.organisations.models import Service
from feedback.reports.spans import register_round_months
from feedback.reports.suppression import SUPPRESSED, Constraint, protect_counts
from feedback.surveys.models import Survey, SurveyVersion

MAXIMUM_TITLE = 200
MINIMUM_SESSIONS_FOR_SCHOOL = 3
NOT_SHOWN = "not shown"


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


async def round_progress(
    session: AsyncSession, round_id: int, *, actor: Staff | None | None, threshold: int
) -> RoundProgress:
    """Links and code places issued and responses completed, by service and channel. Completed
    counts are protected like any report figure: small ones are `c`, and one more is hidden
    where the total would give a hidden one away. A school is shown on its own only once at
    least 3 class sessions contribute: a single class is small enough to single pupils out.
    Lines, total and schools are protected together (`_progress_family`)."""
    require_lead(actor)
    await _round_row(session, round_id)
    figures: dict[tuple[str, str], list[int]] = {}
    link_rows = await session.execute(
        select(
            Service.name,
            LinkBatch.channel,
            func.count(Link.id),
            func.coalesce(func.sum(case((Link.used.is_(True), 1), else_=0)), 0),
        )
        .join(Service, Service.id == LinkBatch.service_id)
        .join(Link, Link.batch_id == LinkBatch.id)
        .where(LinkBatch.round_id == round_id)
        .group_by(Service.name, LinkBatch.channel)
    )
    for service, channel, issued, used in link_rows:
        figures.setdefault((service, channel), [0, 0, 0])
        figures[(service, channel)][0] += int(issued)
        figures[(service, channel)][2] += int(used)
    code_rows = await session.execute(
        select(Service.name, LinkBatch.channel, func.sum(JoinCode.cap), func.sum(JoinCode.uses))
        .join(Service, Service.id == LinkBatch.service_id)
        .join(JoinCode, JoinCode.batch_id == LinkBatch.id)
        .where(LinkBatch.round_id == round_id)
        .group_by(Service.name, LinkBatch.channel)
    )
    for service, channel, places, uses in code_rows:
        figures.setdefault((service, channel), [0, 0, 0])
        figures[(service, channel)][1] += int(places or 0)
        figures[(service, channel)][2] += int(uses or 0)
    completed: dict[object, int] = {key: value[2] for key, value in figures.items()}
    schools = await _school_uses(session, round_id)
    values, constraints, unshown = _progress_family(completed, schools)
    # One protection over the service lines and the schools: a service's class line less
    # its schools shown would otherwise give away the schools too small to show.
    hidden = protect_counts(values, constraints, threshold=threshold, start=unshown)

    def shown(key: object) -> str:
        return SUPPRESSED if key in hidden else str(values[key])

    lines = [
        ProgressLine(
            service=service,
            channel=channel,
            links_issued=figures[(service, channel)][0],
            code_places=figures[(service, channel)][1],
            completed=shown((service, channel)),
        )
        for service, channel in sorted(figures)
    ]
    return RoundProgress(
        lines=lines,
        total_completed=shown("total"),
        schools=[
            SchoolProgress(
                school=school.name,
                sessions=school.sessions,
                completed=shown(("school", school.name)) if school.shown else NOT_SHOWN,
            )
            for school in schools
        ],
        threshold=threshold,
    )


class _SchoolUses(NamedTuple):
    name: str
    service: str
    sessions: int
    uses: int

    @property
    def shown(self) -> bool:
        return self.sessions >= MINIMUM_SESSIONS_FOR_SCHOOL


async def _school_uses(session: AsyncSession, round_id: int) -> list[_SchoolUses]:
    """Each school's class sessions in the round and the join-code places used, with the
    service its sessions' batches count under."""
    rows = await session.execute(
        select(
            School.name,
            Service.name,
            func.count(ClassSession.id),
            func.coalesce(func.sum(JoinCode.uses), 0),
        )
        .join(ClassSession, ClassSession.school_id == School.id)
        .join(Service, Service.id == School.service_id)
        .outerjoin(JoinCode, JoinCode.batch_id == ClassSession.link_batch_id)
        .where(ClassSession.round_id == round_id, ClassSession.link_batch_id.is_not(None))
        .group_by(School.name, Service.name)
        .order_by(School.name)
    )
    return [_SchoolUses(name, service, int(n), int(uses)) for name, service, n, uses in rows]


def _progress_family(
    completed: dict[object, int], schools: Sequence[_SchoolUses]
) -> tuple[dict[object, int], list[Constraint], list[object]]:
    """The round's completed counts as one family: the total is the sum of the service and
    channel lines, and each service's class line is the sum of its schools shown on their
    own plus the rest of its class places (never shown: schools of too few sessions, or
    class batches outside a session). Beside schools shown on their own the rest is a school
    breakdown the session rule withholds, so it starts hidden; with no school shown it is the
    service's class line itself, protected like any line (small ones are hidden anyway)."""
    values: dict[object, int] = {**completed, "total": sum(completed.values())}
    constraints = [Constraint("total", tuple(completed))]
    unshown: list[object] = []
    for service in sorted({school.service for school in schools}):
        line = (service, "class")
        shown = [s for s in schools if s.service == service and s.shown]
        rest = ("rest", service)
        values[rest] = max(values.get(line, 0) - sum(s.uses for s in shown), 0)
        values.update({("school", s.name): s.uses for s in shown})
        values.setdefault(line, values[rest] + sum(s.uses for s in shown))
        if shown:
            unshown.append(rest)
        parts = (*(("school", s.name) for s in shown), rest)
        constraints.append(Constraint(line, parts))
    return values, constraints, unshown
