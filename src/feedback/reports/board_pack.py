"""The quarterly board pack: one page per service and a partnership summary for a quarter.

Every figure is read from the same protected release as the dashboard (`survey_report`
with the quarter and one service), so the pack never shows a figure the report pages would
hide. Lead and analyst get every service; a service manager only their own, and the
summary is then the sum of what they may see, as on the report pages.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.organisations.service import list_services
from feedback.reports.exports import board_pack_xlsx
from feedback.reports.periods import parse_period
from feedback.reports.schemas import BoardPack, BoardPackPage, Disclosure, ReportFilter
from feedback.reports.service import ExportFile, survey_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def board_pack(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    *,
    quarter: str,
    disclosure: Disclosure,
    version: int | None = None,
) -> BoardPack:
    """The partnership summary and one page per service in the caller's scope, from
    current figures: a pack is printed and kept."""
    period = parse_period(quarter)
    if period.kind != "quarter":
        raise InvalidInput(
            "a board pack covers a quarter, as 2026-Q1", field="quarter", value=quarter
        )
    disclosure = disclosure.current()
    summary = await survey_report(
        session,
        staff,
        slug,
        filters=ReportFilter(period=period.name, version=version),
        disclosure=disclosure,
    )
    pages = []
    for service in await list_services(session, only=staff.service_scope()):
        report = await survey_report(
            session,
            staff,
            slug,
            filters=ReportFilter(period=period.name, version=version, service_id=service.id),
            disclosure=disclosure,
        )
        pages.append(BoardPackPage(service.id, service.name, service.boroughs, report))
    return BoardPack(
        survey=slug,
        title=summary.title,
        version=summary.version,
        quarter=period.name,
        legend=summary.legend,
        summary=summary,
        services=pages,
    )


async def export_board_pack(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    *,
    quarter: str,
    disclosure: Disclosure,
    version: int | None = None,
) -> ExportFile:
    """The pack as XLSX (a summary sheet, then a sheet per service); audit-logged (who,
    which survey and quarter; never a figure) before it is handed over."""
    pack = await board_pack(
        session, staff, slug, quarter=quarter, disclosure=disclosure, version=version
    )
    record_audit(
        session,
        "report.board_pack_export",
        actor_id=staff.id,
        target_type="board_pack",
        target_id=f"{slug}/{pack.version}/{pack.quarter}"[:64],
    )
    await session.commit()
    return ExportFile(
        board_pack_xlsx(pack), XLSX, f"{slug}-v{pack.version}-{pack.quarter}-board-pack.xlsx"
    )


__all__ = ["board_pack", "export_board_pack"]
