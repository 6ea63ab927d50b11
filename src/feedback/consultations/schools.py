"""Schools and their coordinators. A school is a record in a borough whose class sessions
count under the service that runs consultations there; a coordinator manages only their own
schools (class sessions: `class_sessions`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.auth.models import StaffUser
from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.consultations.models import (
    ConsultationRound,
    School,
    round_schools,
    school_coordinators,
)
from feedback.consultations.rounds import require_lead, status_of
from feedback.consultations.schemas import SchoolOut
from feedback.errors import Conflict, Forbidden, InvalidInput, NotFound
from feedback.organisations.models import Borough, Service

MAXIMUM_NAME = 200


async def add_school(
    session: AsyncSession,
    *,
    actor: Staff | None,
    name: str,
    borough: str,
    service_name: str,
    consent_for_under_13: bool = False,
    coordinator_emails: Sequence[str] = (),
) -> SchoolOut:
    """A school in a borough, counted under the service that runs consultations there."""
    require_lead(actor)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("enter the school's name", field="name")
    if len(name) > MAXIMUM_NAME:
        raise InvalidInput(f"must be at most {MAXIMUM_NAME} characters", field="name")
    borough_row = await session.scalar(select(Borough).where(Borough.slug == borough))
    if borough_row is None:
        raise InvalidInput(f"unknown borough {borough!r}", field="borough")
    service = await session.scalar(select(Service).where(Service.name == service_name))
    if service is None:
        raise InvalidInput(f"no service named {service_name!r}", field="service")
    if await session.scalar(select(School.id).where(School.name == name)) is not None:
        raise Conflict(f"a school named {name!r} already exists", field="name")
    emails = [e.strip().lower() for e in coordinator_emails if e.strip()]
    users = list(await session.scalars(select(StaffUser).where(StaffUser.email.in_(emails))))
    wrong = sorted(set(emails) - {u.email for u in users if u.role == Role.SCHOOL_COORDINATOR})
    if wrong:
        raise InvalidInput(
            f"no school coordinator account {', '.join(wrong)}", field="coordinators"
        )
    school = School(
        name=name,
        borough_id=borough_row.id,
        service_id=service.id,
        consent_for_under_13=consent_for_under_13,
    )
    session.add(school)
    await session.flush()
    if users:
        await session.execute(
            insert(school_coordinators),
            [{"school_id": school.id, "user_id": user.id} for user in users],
        )
    record_audit(
        session,
        "school.create",
        actor_id=actor.id if actor else None,
        target_type="school",
        target_id=school.id,
    )
    await session.commit()
    return (await list_schools(session, actor=actor, only=[school.id]))[0]


async def _my_school_ids(session: AsyncSession, actor: Staff | None) -> list[int] | None:
    """None for the lead or the operator (every school); a coordinator's own schools."""
    if actor is None or actor.is_lead:
        return None
    if actor.role != Role.SCHOOL_COORDINATOR:
        raise Forbidden("Only school coordinators and the Strategic Lead manage schools.")
    return list(
        await session.scalars(
            select(school_coordinators.c.school_id).where(school_coordinators.c.user_id == actor.id)
        )
    )


async def list_schools(
    session: AsyncSession, *, actor: Staff | None, only: Sequence[int] | None = None
) -> list[SchoolOut]:
    mine = await _my_school_ids(session, actor)
    query = (
        select(School, Borough.slug, Service.name)
        .join(Borough, Borough.id == School.borough_id)
        .join(Service, Service.id == School.service_id)
        .order_by(School.name)
    )
    if mine is not None:
        query = query.where(School.id.in_(mine))
    if only is not None:
        query = query.where(School.id.in_(only))
    found = []
    for school, borough, service in await session.execute(query):
        emails = await session.scalars(
            select(StaffUser.email)
            .join(school_coordinators, school_coordinators.c.user_id == StaffUser.id)
            .where(school_coordinators.c.school_id == school.id)
            .order_by(StaffUser.email)
        )
        found.append(
            SchoolOut(
                id=school.id,
                name=school.name,
                borough=borough,
                service=service,
                consent_for_under_13=school.consent_for_under_13,
                coordinators=list(emails),
            )
        )
    return found


async def school_for(session: AsyncSession, actor: Staff, school_id: int) -> School:
    mine = await _my_school_ids(session, actor)
    school = await session.get(School, school_id)
    if school is None or (mine is not None and school_id not in mine):
        raise NotFound(f"school {school_id}: no such school of yours")
    return school


async def rounds_for_school(session: AsyncSession, school_id: int) -> list[tuple[int, str]]:
    """The open and upcoming rounds this school takes part in, as (id, title)."""
    rows = await session.scalars(
        select(ConsultationRound)
        .join(round_schools, round_schools.c.round_id == ConsultationRound.id)
        .where(round_schools.c.school_id == school_id)
        .order_by(ConsultationRound.opens_on)
    )
    today = clock.today_london()
    return [(row.id, row.title) for row in rows if status_of(row, today) != "closed"]
