"""Outcome pages for lead, analyst and service manager: the outcome report (per period and
service or borough, matched n beside every matched figure) and the quarterly return (page,
CSV and XLSX downloads)."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get
from litestar.di import Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.organisations.service import list_services
from feedback.outcomes.filters import outcome_filters, return_quarter
from feedback.outcomes.quarterly_return import export_return, quarterly_return
from feedback.outcomes.report import OutcomeFilter, outcome_report
from feedback.reports.filters import BOROUGHS
from feedback.reports.schemas import Disclosure
from feedback.web.downloads import download
from feedback.web.guards import requires_role


class OutcomePages(Controller):
    path = "/reports/outcomes"
    guards = [requires_role(*REPORT_READERS)]
    dependencies = {"filters": Provide(outcome_filters, sync_to_thread=False)}

    @get("/", media_type=MediaType.HTML)
    async def report(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        filters: OutcomeFilter,
    ) -> Template:
        report = await outcome_report(db, staff, filters, disclosure=disclosure)
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

    @get(
        "/return",
        media_type=MediaType.HTML,
        dependencies={"chosen": Provide(return_quarter, sync_to_thread=False)},
    )
    async def quarterly_return(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        chosen: str,
        format: str | None = None,
    ) -> Template | Response[bytes]:
        if format:
            file = await export_return(db, staff, chosen, disclosure=disclosure, file_format=format)
            return download(file)
        report = await quarterly_return(db, staff, chosen, disclosure=disclosure)
        return Template("staff/outcomes_return.html", context={"staff": staff, "report": report})
