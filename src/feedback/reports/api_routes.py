"""Reports over the staff JSON API: the same protected figures and scope as the pages."""

from __future__ import annotations

from litestar import Controller, Response, get
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.reports import service
from feedback.reports.schemas import QuestionComparison, ReportableSurvey, SurveyReport
from feedback.reports.staff_routes import download, report_filter
from feedback.reports.themes import ThemeReport, theme_report
from feedback.settings import Settings
from feedback.web.guards import requires_role


class ReportsApi(Controller):
    path = "/reports"
    tags = ["reports"]
    guards = [requires_role(*REPORT_READERS)]

    @get("/surveys")
    async def surveys(self, db: AsyncSession) -> list[ReportableSurvey]:
        return await service.list_reportable_surveys(db)

    @get("/surveys/{slug:str}")
    async def report(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        slug: str,
        period: str | None = None,
        version: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
        channel: str | None = None,
    ) -> SurveyReport:
        """`?period=2026-Q1` (month, quarter, half or year) and at most one of
        `service_id`, `borough`, `channel`; counts under the threshold read `c`."""
        filters = report_filter(period, version, service_id, borough, channel)
        return await service.survey_report(
            db,
            staff,
            slug,
            filters=filters,
            settings=settings,
            max_stale_seconds=settings.report_max_stale_seconds,
        )

    @get("/surveys/{slug:str}/compare/{question:str}")
    async def compare(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        slug: str,
        question: str,
        period: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
        channel: str | None = None,
    ) -> QuestionComparison:
        """A question by id or core code, in every version that has it."""
        filters = report_filter(period, None, service_id, borough, channel)
        return await service.compare_question(
            db,
            staff,
            slug,
            question,
            filters=filters,
            settings=settings,
            max_stale_seconds=settings.report_max_stale_seconds,
        )

    @get("/surveys/{slug:str}/themes")
    async def themes(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        slug: str,
        period: str | None = None,
        version: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
        channel: str | None = None,
    ) -> ThemeReport:
        """Responses mentioning each theme (from stored tags), protected like answers."""
        filters = report_filter(period, version, service_id, borough, channel)
        return await theme_report(
            db,
            staff,
            slug,
            filters=filters,
            settings=settings,
            max_stale_seconds=settings.report_max_stale_seconds,
        )

    @get("/surveys/{slug:str}/export")
    async def export(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        slug: str,
        format: str = "csv",
        period: str | None = None,
        version: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
        channel: str | None = None,
    ) -> Response[bytes]:
        """`?format=csv` or `xlsx`; audit-logged."""
        filters = report_filter(period, version, service_id, borough, channel)
        file = await service.export_survey_report(
            db, staff, slug, filters=filters, settings=settings, file_format=format
        )
        return download(file)
