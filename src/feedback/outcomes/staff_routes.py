"""Outcome pages for lead, analyst and service manager: the outcome report (per period and
service or borough, matched n beside every matched figure) and the quarterly return (page,
CSV and XLSX downloads)."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.organisations.service import list_services
from feedback.outcomes.quarterly_return import export_return, quarterly_return
from feedback.outcomes.report import OutcomeFilter, outcome_report
from feedback.reports.staff_routes import BOROUGHS, current_quarter, download
from feedback.settings import Settings
from feedback.web.guards import requires_role


def outcome_filter(
    period: str | None, service_id: str | None, borough: str | None
) -> OutcomeFilter:
    """Query strings as the form sends them (empty means "all"); a bad value names itself."""
    if service_id and not service_id.isdigit():
        raise InvalidInput("must be a whole number", field="service", value=service_id)
    return OutcomeFilter(
        period=period or current_quarter(),
        service_id=int(service_id) if service_id else None,
        borough=borough or None,
    )


class OutcomePages(Controller):
    path = "/reports/outcomes"
    guards = [requires_role(*REPORT_READERS)]

    @get("/", media_type=MediaType.HTML)
    async def report(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        period: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
    ) -> Template:
        filters = outcome_filter(period, service_id, borough)
        report = await outcome_report(db, staff, filters, settings=settings)
        return Template(
            "staff/outcomes.html",
            context={
                "staff": staff,
                "report": report,
                "filters": filters,
                "services": await list_services(db, only=staff.service_scope()),
                "boroughs": BOROUGHS,
            },
        )

    @get("/return", media_type=MediaType.HTML)
    async def quarterly_return(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        quarter: str | None = None,
        format: str | None = None,
    ) -> Template | Response[bytes]:
        chosen = quarter or current_quarter()
        if format:
            file = await export_return(db, staff, chosen, settings=settings, file_format=format)
            return download(file)
        report = await quarterly_return(db, staff, chosen, settings=settings)
        return Template("staff/outcomes_return.html", context={"staff": staff, "report": report})
