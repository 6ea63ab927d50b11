"""Report pages for lead, analyst and service manager: survey list, a survey's report with
SVG charts beside their tables, a question compared across versions, CSV/XLSX export, the
printable quarterly board pack (and its XLSX), the themes page and a theme's quotes."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get
from litestar.di import Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import REPORT_READERS
from feedback.auth.schemas import Staff
from feedback.crypto.master import MasterKeys
from feedback.organisations.service import list_services
from feedback.reports import service
from feedback.reports.board_pack import board_pack, export_board_pack
from feedback.reports.charts import bar_chart, line_chart
from feedback.reports.filters import (
    BOROUGHS,
    CHANNELS,
    comparison_filters,
    quarter_filters,
    report_filters,
)
from feedback.reports.quotes import QUOTES_SHOWN, theme_quotes
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.themes import theme_report
from feedback.web.downloads import download
from feedback.web.guards import requires_role


class ReportsPages(Controller):
    path = "/reports"
    guards = [requires_role(*REPORT_READERS)]
    dependencies = {"filters": Provide(report_filters, sync_to_thread=False)}

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
        disclosure: Disclosure,
        slug: str,
        filters: ReportFilter,
    ) -> Template:
        report = await service.survey_report(
            db,
            staff,
            slug,
            filters=filters,
            disclosure=disclosure,
        )
        scope = staff.service_scope()
        services = await list_services(db, only=scope)
        charts = {
            q.id: (
                bar_chart(q.text, q.answers, threshold=disclosure.threshold),
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

    @get(
        "/{slug:str}/compare",
        media_type=MediaType.HTML,
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
    ) -> Template:
        comparison = await service.compare_question(
            db,
            staff,
            slug,
            question,
            filters=filters,
            disclosure=disclosure,
        )
        charts = {
            v.version: bar_chart(f"Version {v.version}", v.answers, threshold=disclosure.threshold)
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
        disclosure: Disclosure,
        slug: str,
        filters: ReportFilter,
        format: str = "csv",
    ) -> Response[bytes]:
        file = await service.export_survey_report(
            db, staff, slug, filters=filters, disclosure=disclosure, file_format=format
        )
        return download(file)

    @get(
        "/{slug:str}/board-pack",
        media_type=MediaType.HTML,
        dependencies={"chosen": Provide(quarter_filters, sync_to_thread=False)},
    )
    async def board_pack(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        chosen: ReportFilter,
    ) -> Template:
        """Printable: a page per service and the partnership summary for one quarter."""
        pack = await board_pack(
            db, staff, slug, quarter=chosen.period, disclosure=disclosure, version=chosen.version
        )
        reports = [pack.summary, *(page.report for page in pack.services)]
        threshold = disclosure.threshold
        charts = [
            {q.id: bar_chart(q.text, q.answers, threshold=threshold) for q in r.questions}
            for r in reports
        ]
        return Template(
            "staff/report_board_pack.html",
            context={"staff": staff, "pack": pack, "charts": charts},
        )

    @get(
        "/{slug:str}/board-pack/export",
        dependencies={"chosen": Provide(quarter_filters, sync_to_thread=False)},
    )
    async def board_pack_export(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        chosen: ReportFilter,
    ) -> Response[bytes]:
        """The board pack as XLSX: a summary sheet and a sheet per service; audit-logged."""
        file = await export_board_pack(
            db, staff, slug, quarter=chosen.period, disclosure=disclosure, version=chosen.version
        )
        return download(file)

    @get("/{slug:str}/themes", media_type=MediaType.HTML)
    async def themes(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        slug: str,
        filters: ReportFilter,
    ) -> Template:
        """Theme mentions with their sentiment split and emerging phrases, protected."""
        report = await theme_report(
            db,
            staff,
            slug,
            filters=filters,
            disclosure=disclosure,
        )
        return Template(
            "staff/report_themes.html",
            context={
                "staff": staff,
                "report": report,
                "chart": bar_chart(
                    "Share of responses mentioning each theme",
                    report.themes,
                    threshold=disclosure.threshold,
                ),
                "filters": filters,
                "services": await list_services(db, only=staff.service_scope()),
                "boroughs": BOROUGHS,
                "channels": CHANNELS,
                "threshold": disclosure.threshold,
                "may_quote": staff.may_read_quotes,
                "quotes_shown": QUOTES_SHOWN,
            },
        )

    @get("/{slug:str}/themes/{theme:str}/quotes", media_type=MediaType.HTML)
    async def quotes(
        self,
        db: AsyncSession,
        staff: Staff,
        disclosure: Disclosure,
        master_keys: tuple[bytes, ...],
        slug: str,
        theme: str,
        filters: ReportFilter,
    ) -> Template:
        """Redacted quotes for one theme: lead and analyst, a fixed number or none, audited."""
        quoted = await theme_quotes(
            db,
            staff,
            slug,
            theme,
            filters=filters,
            disclosure=disclosure,
            master_keys=MasterKeys(master_keys),
        )
        return Template("staff/report_quotes.html", context={"staff": staff, "quoted": quoted})
