"""The lead's administration pages: staff accounts and the audit log, filterable and
exportable. Services are in `organisations.staff_routes`, sealing keys in
`console.keys_routes`."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from litestar import Controller, MediaType, Response, get
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.accounts import list_staff
from feedback.auth.audit import AuditEventOut, list_audit_events, record_audit_export
from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.errors import FeedbackError, InvalidInput
from feedback.web.form_labels import FormLabels
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
AUDIT_FILTERS = FormLabels("since", {"since": "From", "until": "To"})


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("enter a date as YYYY-MM-DD", field=name) from None


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
    path = "/admin"
    guards = [requires_role(Role.LEAD)]

    @get("/", media_type=MediaType.HTML)
    async def staff_accounts(self, db: AsyncSession, staff: Staff) -> Template:
        return Template(
            "staff/admin_staff.html", context={"staff": staff, "accounts": await list_staff(db)}
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
                    **AUDIT_FILTERS.context(error),
                },
            )
        if format == "csv":
            await record_audit_export(db, actor_id=staff.id)
            return Response(
                audit_csv(events),
                media_type="text/csv",
                headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
            )
        return Template(
            "staff/admin_audit.html",
            context={"staff": staff, "events": events, "filters": filters, "error": None},
        )
