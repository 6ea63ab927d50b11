"""Adding, listing, renaming and retiring services; a service always belongs to at least one
known borough. A service is never deleted: its responses, reports and records point at it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.errors import Conflict, InvalidInput, NotFound
from feedback.organisations.models import Borough, Service
from feedback.organisations.schemas import BoroughOut, ServiceOut

MAXIMUM_NAME_LENGTH = 200  # the column's length


async def list_boroughs(session: AsyncSession) -> list[BoroughOut]:
    rows = await session.scalars(select(Borough).order_by(Borough.slug))
    return [BoroughOut(slug=row.slug, name=row.name) for row in rows]


async def add_service(
    session: AsyncSession, name: str, *, boroughs: Sequence[str], actor_id: int | None = None
) -> ServiceOut:
    """Create a service in the given boroughs; unknown slugs or a taken name change nothing."""
    name = await _free_name(session, name)
    if not boroughs:
        raise InvalidInput("give at least one borough slug", field="boroughs")
    found = {
        row.slug: row
        for row in await session.scalars(select(Borough).where(Borough.slug.in_(boroughs)))
    }
    unknown = sorted(set(boroughs) - set(found))
    if unknown:
        known = ", ".join(b.slug for b in await list_boroughs(session))
        raise InvalidInput(f"unknown slug {', '.join(unknown)} (known: {known})", field="borough")
    service = Service(name=name, boroughs=[found[slug] for slug in dict.fromkeys(boroughs)])
    session.add(service)
    await session.flush()
    record_audit(
        session, "service.create", actor_id=actor_id, target_type="service", target_id=service.id
    )
    await session.commit()
    return service_out(service)


async def _free_name(session: AsyncSession, name: str, *, keep_id: int | None = None) -> str:
    """The name with its spaces tidied, refused when empty, too long or another's."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("must not be empty", field="service name")
    if len(name) > MAXIMUM_NAME_LENGTH:
        raise InvalidInput(
            f"must be at most {MAXIMUM_NAME_LENGTH} characters", field="service name"
        )
    holder = await session.scalar(select(Service.id).where(Service.name == name))
    if holder is not None and holder != keep_id:
        raise Conflict(f"service {name!r} already exists")
    return name


async def _service(session: AsyncSession, service_id: int) -> Service:
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFound("no such service", field="service")
    return service


async def rename_service(
    session: AsyncSession, service_id: int, name: str, *, actor_id: int | None = None
) -> ServiceOut:
    """Give a service a new name; its history stays with it (everything points at its id)."""
    service = await _service(session, service_id)
    service.name = await _free_name(session, name, keep_id=service.id)
    record_audit(
        session, "service.rename", actor_id=actor_id, target_type="service", target_id=service.id
    )
    await session.commit()
    return service_out(service)


async def set_retired(
    session: AsyncSession, service_id: int, retired: bool, *, actor_id: int | None = None
) -> ServiceOut:
    """Retire a service (it issues no new links, codes or invitations; links already handed
    out keep working until they expire, and its reports stay) or bring it back into use."""
    service = await _service(session, service_id)
    if retired != (service.retired_at is not None):
        service.retired_at = clock.now_utc() if retired else None
        action = "service.retire" if retired else "service.reinstate"
        record_audit(
            session, action, actor_id=actor_id, target_type="service", target_id=service.id
        )
        await session.commit()
    return service_out(service)


def refuse_if_retired(service: Service) -> None:
    """Called wherever a service would hand out a new way in (links, codes, invitations)."""
    if service.retired_at is not None:
        raise InvalidInput(
            f"{service.name!r} is retired and makes no new links; "
            "bring it back into use under Administration, Services first",
            field="service",
        )


async def list_services(
    session: AsyncSession, *, only: Sequence[int] | None = None
) -> list[ServiceOut]:
    """All services, or only those with the given ids (a service manager's scope)."""
    query = select(Service).order_by(Service.name)
    if only is not None:
        query = query.where(Service.id.in_(only))
    return [service_out(row) for row in await session.scalars(query)]


async def find_services(session: AsyncSession, names: Sequence[str]) -> list[Service]:
    """The services with these exact names; any unknown name is an error naming it."""
    rows = list(await session.scalars(select(Service).where(Service.name.in_(names))))
    missing = sorted(set(names) - {row.name for row in rows})
    if missing:
        raise NotFound(f"no service named {', '.join(map(repr, missing))}", field="service")
    return rows


def service_out(service: Service) -> ServiceOut:
    return ServiceOut(
        id=service.id,
        name=service.name,
        boroughs=[b.slug for b in service.boroughs],
        retired=service.retired_at is not None,
    )
