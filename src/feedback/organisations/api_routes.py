"""Staff API for boroughs and services; a service manager sees only their own services."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.errors import NotFound
from feedback.organisations import service as organisations
from feedback.organisations.schemas import BoroughOut, ServiceOut
from feedback.web.guards import requires_role

# Ids are 32-bit integer columns: a larger number is refused here, not by the database driver.
ServiceId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]


class NewService(msgspec.Struct, frozen=True):
    name: str
    boroughs: list[str]


class OrganisationsApi(Controller):
    path = "/"
    tags = ["organisations"]

    @get("/boroughs")
    async def boroughs(self, db: AsyncSession) -> list[BoroughOut]:
        return await organisations.list_boroughs(db)

    @get("/services")
    async def services(self, db: AsyncSession, staff: Staff) -> list[ServiceOut]:
        return await organisations.list_services(db, only=staff.service_scope())

    @get("/services/{service_id:int}")
    async def service(self, db: AsyncSession, staff: Staff, service_id: ServiceId) -> ServiceOut:
        scope = staff.service_scope()
        if scope is not None and service_id not in scope:
            raise NotFound("no such service")
        found = await organisations.list_services(db, only=[service_id])
        if not found:
            raise NotFound("no such service")
        return found[0]

    @post("/services", guards=[requires_role(Role.LEAD)], status_code=201)
    async def add_service(self, db: AsyncSession, staff: Staff, data: NewService) -> ServiceOut:
        return await organisations.add_service(
            db, data.name, boroughs=data.boroughs, actor_id=staff.id
        )
