"""Outcome figures over the staff JSON API: the same protected figures and scope as the
pages (the report, and the quarterly return as JSON)."""

from __future__ import annotations

from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.outcomes.quarterly_return import quarterly_return
from feedback.outcomes.report import outcome_report
from feedback.outcomes.schemas import OutcomeReport, QuarterlyReturn
from feedback.outcomes.staff_routes import outcome_filter
from feedback.reports.staff_routes import current_quarter
from feedback.settings import Settings
from feedback.web.guards import requires_role


class OutcomesApi(Controller):
    path = "/reports/outcomes"
    tags = ["reports"]
    guards = [requires_role(*REPORT_READERS)]

    @get("/")
    async def report(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        period: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
    ) -> OutcomeReport:
        """`?period=2026-Q1` and at most one of `service_id`, `borough`; every matched
        figure carries its matched n; suppressed figures read `c`."""
        filters = outcome_filter(period, service_id, borough)
        return await outcome_report(db, staff, filters, settings=settings)

    @get("/return")
    async def quarterly_return(
        self, db: AsyncSession, staff: Staff, settings: Settings, quarter: str | None = None
    ) -> QuarterlyReturn:
        """The quarterly return (`?quarter=2026-Q1`): one row per service and the
        partnership total, with how each column is derived."""
        return await quarterly_return(db, staff, quarter or current_quarter(), settings=settings)
