"""Report pages for lead, analyst and service manager: survey list, a survey's report with
SVG charts beside their tables, a question compared across versions, CSV/XLSX export."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, MediaType, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.links.service import LONDON
from feedback.organisations.service import list_services
from feedback.reports import service
from feedback.reports.charts import bar_chart, line_chart
from feedback.reports.schemas import ReportFilter
from feedback.settings import Settings
from feedback.web.guards import requires_role

REPORT_ROLES = ("lead", "analyst", "service_manager")
BOROUGHS = ("hammersmith-fulham", "kensington-chelsea", "westminster", "multiple")
CHANNELS = ("web", "sms", "class", "poster")


def report_filter(
    period: str | None,
    version: str | None,
    service_id: str | None,
    borough: str | None,
    channel: str | None,
) -> ReportFilter:
    """Query strings as forms send them (empty means "all"); a bad value names itself."""

    def whole(name: str, text: str | None) -> int | None:
        if not text:
            return None
        if not text.isdigit():
            raise InvalidInput(f"{name} {text!r}: must be a whole number")
        return int(text)

    return ReportFilter(
        period=period or str(datetime.now(LONDON).year),
        version=whole("version", version),
        service_id=whole("service", service_id),
        borough=borough or None,
        channel=channel or None,
    )


def download(file: service.ExportFile) -> Response[bytes]:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "no-store",
        },
    )


class ReportsPages(Controller):
    path = "/staff/reports"
    guards = [requires_role(*REPORT_ROLES)]

    @get("/", media_type=MediaType.HTML)
    async def surveys(self, db: AsyncSession, staff: Staff) -> Template:
        return Template(
            "staff/reports.html",
            context={"staff": staff, "surveys": await service.list_reportable_surveys(db)},
        )

    @get("/{slug:str}", media_type=MediaType.HTML)
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
    ) -> Template:
        filters = report_filter(period, version, service_id, borough, channel)
        report = await service.survey_report(db, staff, slug, filters=filters, settings=settings)
        scope = staff.service_scope()
        services = await list_services(db, only=scope)
        charts = {
            q.id: (bar_chart(q.text, q.answers), line_chart(f"{q.text}: trend", q.trend))
            for q in report.questions
        }
        return Template(
            "staff/report.html",
            context={
                "staff": staff,
                "report": report,
                "charts": charts,
                "filters": filters,
                "services": services,
                "boroughs": BOROUGHS,
                "channels": CHANNELS,
            },
        )

    @get("/{slug:str}/compare", media_type=MediaType.HTML)
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
    ) -> Template:
        filters = report_filter(period, None, service_id, borough, channel)
        comparison = await service.compare_question(
            db, staff, slug, question, filters=filters, settings=settings
        )
        charts = {
            v.version: bar_chart(f"Version {v.version}", v.answers) for v in comparison.versions
        }
        return Template(
            "staff/report_compare.html",
            context={"staff": staff, "comparison": comparison, "charts": charts},
        )

    @get("/{slug:str}/export")
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
        filters = report_filter(period, version, service_id, borough, channel)
        file = await service.export_survey_report(
            db, staff, slug, filters=filters, settings=settings, file_format=format
        )
        return download(file)
