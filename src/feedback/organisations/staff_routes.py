"""The lead's services pages: add, rename, retire and bring back services.

A service is never deleted: renaming keeps its responses, reports and records (they point
at its id); retiring stops it issuing new links, codes and invitations (`links.service`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from litestar import Controller, MediaType, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.errors import FeedbackError, NotFound
from feedback.organisations import service as organisations
from feedback.organisations.schemas import ServiceOut
from feedback.web.form_labels import FormField, FormLabels
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
SERVICE_FORM = FormLabels(
    "name",
    {
        "service name": FormField("name", "Service name"),
        "boroughs": FormField("borough-1", "Boroughs it works in"),
        "borough": FormField("borough-1", "Boroughs it works in"),
        "service": FormField("name", "Service name"),
    },
)
RENAME_FORM = FormLabels(
    "name", {"service name": "New name", "service": FormField("name", "New name")}
)


@dataclass
class ServiceForm:
    name: str = ""
    boroughs: list[str] | str = field(default_factory=list)  # one ticked box arrives as str

    @property
    def borough_slugs(self) -> list[str]:
        return [self.boroughs] if isinstance(self.boroughs, str) else self.boroughs


@dataclass
class RenameForm:
    name: str = ""


class ServicePages(Controller):
    path = "/admin/services"
    guards = [requires_role(Role.LEAD)]

    @get("/", media_type=MediaType.HTML)
    async def services(self, db: AsyncSession, staff: Staff) -> Template:
        return await _services_page(db, staff, ServiceForm())

    @post("/", media_type=MediaType.HTML)
    async def add(
        self, data: Annotated[ServiceForm, FORM], db: AsyncSession, staff: Staff
    ) -> Template:
        try:
            added = await organisations.add_service(
                db, data.name, boroughs=data.borough_slugs, actor_id=staff.id
            )
        except FeedbackError as error:
            await db.rollback()
            return await _services_page(db, staff, data, error=error, status=400)
        return await _services_page(db, staff, ServiceForm(), notice=f"Added {added.name}.")

    @get("/{service_id:int}", media_type=MediaType.HTML)
    async def service(self, db: AsyncSession, staff: Staff, service_id: int) -> Template:
        found = await _one(db, service_id)
        return _service_page(staff, found, RenameForm(name=found.name))

    @post("/{service_id:int}/rename", media_type=MediaType.HTML)
    async def rename(
        self, data: Annotated[RenameForm, FORM], db: AsyncSession, staff: Staff, service_id: int
    ) -> Template:
        before = await _one(db, service_id)
        try:
            after = await organisations.rename_service(db, service_id, data.name, actor_id=staff.id)
        except FeedbackError as error:
            await db.rollback()
            return _service_page(staff, before, data, error=error, status=400)
        notice = f"Renamed {before.name} to {after.name}; its history keeps the new name."
        return await _services_page(db, staff, ServiceForm(), notice=notice)

    @post("/{service_id:int}/retire", media_type=MediaType.HTML)
    async def retire(self, db: AsyncSession, staff: Staff, service_id: int) -> Template:
        done = await organisations.set_retired(db, service_id, True, actor_id=staff.id)
        notice = f"Retired {done.name}: it makes no new links; its reports stay."
        return await _services_page(db, staff, ServiceForm(), notice=notice)

    @post("/{service_id:int}/reinstate", media_type=MediaType.HTML)
    async def reinstate(self, db: AsyncSession, staff: Staff, service_id: int) -> Template:
        done = await organisations.set_retired(db, service_id, False, actor_id=staff.id)
        notice = f"{done.name} is in use again and can make links."
        return await _services_page(db, staff, ServiceForm(), notice=notice)


async def _one(db: AsyncSession, service_id: int) -> ServiceOut:
    found = await organisations.list_services(db, only=[service_id])
    if not found:
        raise NotFound("no such service", field="service")
    return found[0]


async def _services_page(
    db: AsyncSession,
    staff: Staff,
    form: ServiceForm,
    *,
    notice: str | None = None,
    error: FeedbackError | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "staff/admin_services.html",
        status_code=status,
        context={
            "staff": staff,
            "services": await organisations.list_services(db),
            "boroughs": await organisations.list_boroughs(db),
            "form": form,
            **SERVICE_FORM.context(error),
            "notice": notice,
        },
    )


def _service_page(
    staff: Staff,
    found: ServiceOut,
    form: RenameForm,
    *,
    error: FeedbackError | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "staff/admin_service.html",
        status_code=status,
        context={
            "staff": staff,
            "service": found,
            "form": form,
            **RENAME_FORM.context(error),
        },
    )
