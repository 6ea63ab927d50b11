"""The lead's administration pages: staff accounts, services, sealing-key periods (status
only; rotation stays a CLI operation) and the audit log, filterable and exportable."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from litestar import Controller, MediaType, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.accounts import list_staff
from feedback.auth.audit import AuditEventOut, list_audit_events, record_audit
from feedback.auth.schemas import Staff
from feedback.crypto.service import list_key_periods
from feedback.errors import FeedbackError
from feedback.organisations.service import add_service, list_boroughs, list_services
from feedback.settings import Settings
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass
class ServiceForm:
    name: str = ""
    boroughs: list[str] | str = field(default_factory=list)  # one ticked box arrives as str

    @property
    def borough_slugs(self) -> list[str]:
        return [self.boroughs] if isinstance(self.boroughs, str) else self.boroughs


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FeedbackError(f"{name}: enter a date as YYYY-MM-DD") from None


def audit_csv(events: list[AuditEventOut]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["at", "actor", "action", "target_type", "target_id"])
    for event in events:
        writer.writerow(
            [
                event.at.isoformat(),
                event.actor or "",
                event.action,
                event.target_type or "",
                event.target_id or "",
            ]
        )
    return buffer.getvalue()


class AdminPages(Controller):
    path = "/staff/admin"
    guards = [requires_role("lead")]

    @get("/", media_type=MediaType.HTML)
    async def staff_accounts(self, db: AsyncSession, staff: Staff) -> Template:
        return Template(
            "staff/admin_staff.html", context={"staff": staff, "accounts": await list_staff(db)}
        )

    @get("/services", media_type=MediaType.HTML)
    async def services(self, db: AsyncSession, staff: Staff) -> Template:
        return await self._services(db, staff, ServiceForm(), None)

    @post("/services", media_type=MediaType.HTML)
    async def add(
        self, data: Annotated[ServiceForm, FORM], db: AsyncSession, staff: Staff
    ) -> Template:
        try:
            await add_service(db, data.name, boroughs=data.borough_slugs, actor_id=staff.id)
        except FeedbackError as error:
            await db.rollback()
            return await self._services(db, staff, data, error.message, status=400)
        return await self._services(db, staff, ServiceForm(), None, added=data.name)

    @staticmethod
    async def _services(
        db: AsyncSession,
        staff: Staff,
        form: ServiceForm,
        error: str | None,
        status: int = 200,
        added: str | None = None,
    ) -> Template:
        return Template(
            "staff/admin_services.html",
            status_code=status,
            context={
                "staff": staff,
                "services": await list_services(db),
                "boroughs": await list_boroughs(db),
                "form": form,
                "error": error,
                "error_field": "name",
                "added": added,
            },
        )

    @get("/keys", media_type=MediaType.HTML)
    async def keys(self, db: AsyncSession, staff: Staff, settings: Settings) -> Template:
        return Template(
            "staff/admin_keys.html",
            context={"staff": staff, "periods": await list_key_periods(db, settings=settings)},
        )

    @get("/audit", media_type=MediaType.HTML)
    async def audit(
        self,
        db: AsyncSession,
        staff: Staff,
        actor: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        format: str = "html",
    ) -> Response[Any]:
        filters = {
            "actor": actor or "",
            "action": action or "",
            "since": since or "",
            "until": until or "",
        }
        try:
            events = await list_audit_events(
                db,
                actor_email=actor,
                action=action,
                since=_day(since, "since"),
                until=_day(until, "until"),
            )
        except FeedbackError as error:
            return Template(
                "staff/admin_audit.html",
                status_code=400,
                context={
                    "staff": staff,
                    "events": [],
                    "filters": filters,
                    "error": error.message,
                    "error_field": error.message.split(":", 1)[0],
                },
            )
        if format == "csv":
            record_audit(db, "audit.export", actor_id=staff.id)
            await db.commit()
            return Response(
                audit_csv(events),
                media_type="text/csv",
                headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
            )
        return Template(
            "staff/admin_audit.html",
            context={"staff": staff, "events": events, "filters": filters, "error": None},
        )
