"""Report pages for lead, analyst and service manager: survey list, a survey's report with
SVG charts beside their tables, a question compared across versions, CSV/XLSX export, the
printable quarterly board pack (and its XLSX), the themes page and a theme's quotes."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.crypto.master import MasterKeys
from feedback.errors import InvalidInput
from feedback.organisations.service import list_services
from feedback.reports import service
from feedback.reports.board_pack import board_pack, export_board_pack
from feedback.reports.charts import bar_chart, line_chart
from feedback.reports.quotes import QUOTES_SHOWN, theme_quotes
from feedback.reports.schemas import ReportFilter
from feedback.reports.themes import theme_report
from feedback.settings import Settings
from feedback.web.guards import requires_role

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
            raise InvalidInput("must be a whole number", field=name, value=text)
        return int(text)

    return ReportFilter(
        period=period or str(clock.now_london().year),
        version=whole("version", version),
        service_id=whole("service", service_id),
        borough=borough or None,
        channel=channel or None,
    )


def current_quarter() -> str:
    today = clock.today_london()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


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
    path = "/reports"
    guards = [requires_role(*REPORT_READERS)]

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
        report = await service.survey_report(
            db,
            staff,
            slug,
            filters=filters,
            settings=settings,
            max_stale_seconds=settings.report_max_stale_seconds,
        )
        scope = staff.service_scope()
        services = await list_services(db, only=scope)
        charts = {
            q.id: (
                bar_chart(q.text, q.answers, threshold=settings.suppression_threshold),
                line_chart(f"{q.text}: trend", q.trend),
            )
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
            db,
            staff,
            slug,
            question,
            filters=filters,
            settings=settings,
            max_stale_seconds=settings.report_max_stale_seconds,
        )
        charts = {
            v.version: bar_chart(
                f"Version {v.version}", v.answers, threshold=settings.suppression_threshold
            )
            for v in comparison.versions
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

    @get("/{slug:str}/board-pack", media_type=MediaType.HTML)
    async def board_pack(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        slug: str,
        quarter: str | None = None,
        version: str | None = None,
    ) -> Template:
        """Printable: a page per service and the partnership summary for one quarter."""
        chosen = report_filter(quarter or current_quarter(), version, None, None, None)
        pack = await board_pack(
            db, staff, slug, quarter=chosen.period, settings=settings, version=chosen.version
        )
        reports = [pack.summary, *(page.report for page in pack.services)]
        threshold = settings.suppression_threshold
        charts = [
            {q.id: bar_chart(q.text, q.answers, threshold=threshold) for q in r.questions}
            for r in reports
        ]
        return Template(
            "staff/report_board_pack.html",
            context={"staff": staff, "pack": pack, "charts": charts},
        )

    @get("/{slug:str}/board-pack/export")
    async def board_pack_export(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        slug: str,
        quarter: str | None = None,
        version: str | None = None,
    ) -> Response[bytes]:
        """The board pack as XLSX: a summary sheet and a sheet per service; audit-logged."""
        chosen = report_filter(quarter or current_quarter(), version, None, None, None)
        file = await export_board_pack(
            db, staff, slug, quarter=chosen.period, settings=settings, version=chosen.version
        )
        return download(file)

    @get("/{slug:str}/themes", media_type=MediaType.HTML)
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
    ) -> Template:
        """Theme mentions with their sentiment split and emerging phrases, protected."""
        filters = report_filter(period, version, service_id, borough, channel)
        report = await theme_report(
            db,
            staff,
            slug,
            filters=filters,
            settings=settings,
            max_stale_seconds=settings.report_max_stale_seconds,
        )
        return Template(
            "staff/report_themes.html",
            context={
                "staff": staff,
                "report": report,
                "chart": bar_chart(
                    "Share of responses mentioning each theme",
                    report.themes,
                    threshold=settings.suppression_threshold,
                ),
                "filters": filters,
                "services": await list_services(db, only=staff.service_scope()),
                "boroughs": BOROUGHS,
                "channels": CHANNELS,
                "threshold": settings.suppression_threshold,
                "may_quote": staff.may_read_quotes,
                "quotes_shown": QUOTES_SHOWN,
            },
        )

    @get("/{slug:str}/themes/{theme:str}/quotes", media_type=MediaType.HTML)
    async def quotes(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        master_keys: tuple[bytes, ...],
        slug: str,
        theme: str,
        period: str | None = None,
        version: str | None = None,
        service_id: str | None = None,
        borough: str | None = None,
        channel: str | None = None,
    ) -> Template:
        """Redacted quotes for one theme: lead and analyst, a fixed number or none, audited."""
        filters = report_filter(period, version, service_id, borough, channel)
        quoted = await theme_quotes(
            db,
            staff,
            slug,
            theme,
            filters=filters,
            settings=settings,
            master_keys=MasterKeys(master_keys),
        )
        return Template("staff/report_quotes.html", context={"staff": staff, "quoted": quoted})
