"""Reports over the staff JSON API: the same protected figures and scope as the pages."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.reports import service
from feedback.reports.filters import comparison_filters, report_filters
from feedback.reports.schemas import (
    Disclosure,
    QuestionComparison,
    ReportableSurvey,
    ReportFilter,
    SurveyReport,
)
from feedback.reports.themes import ThemeReport, theme_report
from feedback.web.downloads import download
from feedback.web.guards import requires_role


class ReportsApi(Controller):
    path = "/reports"
    tags = ["reports"]
    guards = [requires_role(*REPORT_READERS)]
    dependencies = {"filters": Provide(report_filters, sync_to_thread=False)}

    @get("/surveys")
    async def surveys(self, db: AsyncSession) -> list[ReportableSurvey]:
        return await service.list_reportable_surveys(db)

    @get("/surveys/{slug:str}")
    async def report(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        filters: ReportFilter,
    ) -> SurveyReport:
        """`?period=2026-Q1` (month, quarter, half or year) and at most one of
        `service_id`, `borough`, `channel`; counts under the threshold read `c`."""
        return await service.survey_report(
            db,
            staff,
            slug,
            filters=filters,
            disclosure=disclosure,
        )

    @get(
        "/surveys/{slug:str}/compare/{question:str}",
        dependencies={"filters": Provide(comparison_filters, sync_to_thread=False)},
    )
    async def compare(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        question: str,
        filters: ReportFilter,
    ) -> QuestionComparison:
        """A question by id or core code, in every version that has it."""
        return await service.compare_question(
            db,
            staff,
            slug,
            question,
            filters=filters,
            disclosure=disclosure,
        )

    @get("/surveys/{slug:str}/themes")
    async def themes(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        filters: ReportFilter,
    ) -> ThemeReport:
        """Responses mentioning each theme (from stored tags), protected like answers."""
        return await theme_report(
            db,
            staff,
            slug,
            filters=filters,
            disclosure=disclosure,
        )

    @get("/surveys/{slug:str}/export")
    async def export(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        filters: ReportFilter,
        format: str = "csv",
    ) -> Response[bytes]:
        """`?format=csv` or `xlsx`; audit-logged."""
        file = await service.export_survey_report(
            db, staff, slug, filters=filters, disclosure=disclosure, file_format=format
        )
        return download(file)
