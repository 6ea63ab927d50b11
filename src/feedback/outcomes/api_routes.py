"""Outcome figures over the staff JSON API: the same protected figures and scope as the
pages (the report, and the quarterly return as JSON)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.outcomes.filters import outcome_filters, return_quarter
from feedback.outcomes.quarterly_return import quarterly_return
from feedback.outcomes.report import OutcomeFilter, outcome_report
from feedback.outcomes.schemas import OutcomeReport, QuarterlyReturn
from feedback.reports.schemas import Disclosure
from feedback.web.guards import requires_role


class OutcomesApi(Controller):
    path = "/reports/outcomes"
    tags = ["reports"]
    guards = [requires_role(*REPORT_READERS)]
    dependencies = {"filters": Provide(outcome_filters, sync_to_thread=False)}

    @get("/")
    async def report(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        filters: OutcomeFilter,
    ) -> OutcomeReport:
        """`?period=2026-Q1` and at most one of `service_id`, `borough`; every matched
        figure carries its matched n; suppressed figures read `c`."""
        return await outcome_report(db, staff, filters, disclosure=disclosure)

    @get("/return", dependencies={"chosen": Provide(return_quarter, sync_to_thread=False)})
    async def quarterly_return(
        self, db: AsyncSession, staff: Staff, disclosure: Disclosure, chosen: str
    ) -> QuarterlyReturn:
        """The quarterly return (`?quarter=2026-Q1`): one row per service and the
        partnership total, with how each column is derived."""
        return await quarterly_return(db, staff, chosen, disclosure=disclosure)
