"""The quarterly return a service hands its commissioners: one row per service, then the
partnership total, each indicator with its n (matched n for matched figures), `c` where a
figure is suppressed, and a second sheet saying how each column is derived from which item.

Every figure is the outcome report's own for that service (or "all") and quarter, read from
one set of protected releases, so the return, the report page and the API agree cell for
cell. Downloads are audit-logged (who, which quarter and format; never a figure).
"""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.organisations.service import list_services
from feedback.outcomes.families import MATCHED
from feedback.outcomes.indicators import EXIT, INDICATORS, JOINT, IndicatorSpec
from feedback.outcomes.report import exit_survey_report, indicators, outcome_figures
from feedback.outcomes.schemas import Derivation, QuarterlyReturn, ReturnRow
from feedback.reports.periods import parse_period
from feedback.reports.release import ALL, Slice
from feedback.reports.schemas import Disclosure
from feedback.reports.service import ExportFile
from feedback.reports.suppression import legend

TOTAL = "Partnership total"
RETURN_FORMATS = ("csv", "xlsx")
QUARTER = re.compile(r"\d{4}-Q[1-4]")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def quarterly_return(
    session: AsyncSession, staff: Staff, quarter: str, *, disclosure: Disclosure
) -> QuarterlyReturn:
    """Each service in the caller's scope, then the total over that scope."""
    if not QUARTER.fullmatch(quarter.strip()):
        raise InvalidInput(
            "a return covers one quarter, as 2026-Q1", field="quarter", value=quarter
        )
    period = parse_period(quarter.strip())
    figures = await outcome_figures(session, staff, period, disclosure=disclosure)
    places: list[tuple[str, int | None, list[str], Slice]] = [
        (s.name, s.id, s.boroughs, ("service", str(s.id)))
        for s in await list_services(session, only=staff.service_scope())
    ]
    places.append((TOTAL, None, [], ALL))
    rows = []
    for name, service_id, boroughs, slice_ in places:
        report = await exit_survey_report(session, staff, figures, period, slice_, disclosure)
        rows.append(
            ReturnRow(
                service=name,
                service_id=service_id,
                boroughs=boroughs,
                exit_responses=report.responses if report else "0",
                matched_n=figures.matched.matched.figure(MATCHED, period, slice_).shown,
                indicators=indicators(figures, report, period, slice_),
            )
        )
    return QuarterlyReturn(
        survey=figures.slug,
        version=figures.version,
        quarter=period.name,
        quarter_label=period.label,
        threshold=figures.threshold,
        method=figures.method,
        legend=legend(figures.threshold),
        rows=rows,
        derivations=[_derivation(spec) for spec in INDICATORS],
    )


def _derivation(spec: IndicatorSpec) -> Derivation:
    if spec.kind == EXIT:
        item, base = f"exit: {spec.source}", "n = answered the item at exit"
    elif spec.kind == JOINT:
        item, base = "exit: helped_cope + helped_recover", "n = answered both at exit"
    else:
        item = f"intake and exit (matched pair): {spec.source}"
        base = "matched n = pairs who answered the item at both ends"
    return Derivation(
        column=spec.code,
        label=spec.label,
        group=spec.group,
        item=item,
        derived=spec.derivation,
        base=base,
    )


def header() -> list[str]:
    columns = ["service", "boroughs", "exit responses (n)", "matched pairs (matched n)"]
    for spec in INDICATORS:
        columns += [spec.code, f"{spec.code} {'matched n' if spec.matched else 'n'}"]
    return columns


def table(report: QuarterlyReturn) -> list[list[str]]:
    """The return's rows as a commissioner's spreadsheet reads them, `c` kept as text."""
    out = []
    for row in report.rows:
        cells = [row.service, ", ".join(row.boroughs), row.exit_responses, row.matched_n]
        for figure in row.indicators:
            cells += [figure.figure, figure.n]
        out.append(cells)
    return out


def _safe(value: str) -> str | int:
    """Numbers as numbers; text that a spreadsheet would run as a formula is quoted."""
    if value.isdigit():
        return int(value)
    if value[:1] in ("=", "@") or (value[:1] in ("+", "-") and not _signed_number(value)):
        return "'" + value
    return value


def _signed_number(value: str) -> bool:
    return re.fullmatch(r"[+-]\d+(\.\d+)?", value) is not None


def return_csv(report: QuarterlyReturn) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# Outcomes quarterly return {report.quarter} ({report.quarter_label})"])
    writer.writerow(["# " + report.legend])
    writer.writerow(header())
    writer.writerows([[str(_safe(value)) for value in row] for row in table(report)])
    return out.getvalue().encode("utf-8")


def return_xlsx(report: QuarterlyReturn) -> bytes:
    """Two sheets: "Return" (the figures) and "How derived" (each column's item and rule)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Return"
    sheet.append([f"Outcomes quarterly return {report.quarter} ({report.quarter_label})"])
    sheet.append([report.legend])
    sheet.append(header())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table(report):
        sheet.append([_safe(value) for value in row])
    derived = workbook.create_sheet("How derived")
    derived.append(["column", "indicator", "group", "item", "how it is derived", "base"])
    for cell in derived[1]:
        cell.font = Font(bold=True)
    for d in report.derivations:
        derived.append([d.column, d.label, d.group, d.item, d.derived, d.base])
    derived.append([])
    derived.append(["matched n", "", "", "", _MATCHED_NOTE, ""])
    derived.append(["c", "", "", "", report.legend, ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_MATCHED_NOTE = (
    "A matched pair is one survivor's intake and exit answers, counted together because she "
    "entered her intake code at exit; nobody is identified. Matched figures are out of "
    "matched pairs only, and their n is shown beside each one."
)


async def export_return(
    session: AsyncSession,
    staff: Staff,
    quarter: str,
    *,
    disclosure: Disclosure,
    file_format: str,
) -> ExportFile:
    if file_format not in RETURN_FORMATS:
        raise InvalidInput("use csv or xlsx", field="format", value=file_format)
    report = await quarterly_return(session, staff, quarter, disclosure=disclosure)
    record_audit(
        session,
        "report.outcomes_return_export",
        actor_id=staff.id,
        target_type="outcomes_return",
        target_id=f"{report.survey}/{report.version}/{report.quarter}/{file_format}",
    )
    await session.commit()
    name = f"outcomes-return-{report.quarter}"
    if file_format == "csv":
        return ExportFile(return_csv(report), "text/csv; charset=utf-8", f"{name}.csv")
    return ExportFile(return_xlsx(report), XLSX, f"{name}.xlsx")


__all__ = [
    "RETURN_FORMATS",
    "TOTAL",
    "export_return",
    "header",
    "quarterly_return",
    "return_csv",
    "return_xlsx",
    "table",
]
