"""CSV and XLSX exports of a survey report: the same protected figures as the page, with
the legend in the file, so `c` travels with its meaning."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from feedback.organisations.names import borough_names
from feedback.reports.schemas import BoardPack, SurveyReport

HEADER = (
    "survey",
    "version",
    "period",
    "narrowed_by",
    "question_id",
    "core_code",
    "question",
    "option",
    "answer",
    "count",
    "percent",
    "base",
    "mean",
)
EXPORT_FORMATS = ("csv", "xlsx")


def report_rows(report: SurveyReport) -> list[tuple[str | int, ...]]:
    """One row per answer; a hidden count stays the text `c`, never 0 or blank."""
    rows: list[tuple[str | int, ...]] = []
    for question in report.questions:
        for answer in question.answers:
            rows.append(
                (
                    report.survey,
                    report.version,
                    report.period,
                    report.narrowed_by,
                    question.id,
                    question.core or "",
                    question.text,
                    answer.option,
                    answer.label,
                    answer.count if answer.count is not None else answer.shown,
                    answer.percent,
                    question.base,
                    question.mean or "",
                )
            )
    return rows


def _cell(value: str | int) -> str | int:
    """Spreadsheet formula injection: text starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def report_csv(report: SurveyReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["# " + report.legend])
    writer.writerow(["# responses", report.responses])
    writer.writerow(HEADER)
    writer.writerows([tuple(_cell(v) for v in row) for row in report_rows(report)])
    return out.getvalue().encode("utf-8")


def report_xlsx(report: SurveyReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Report"
    sheet.append([f"{report.title} (version {report.version}), {report.period}"])
    sheet.append([report.legend])
    sheet.append(["responses", _cell(report.responses)])
    sheet.append(list(HEADER))
    for row in report_rows(report):
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(shown: str) -> str | int:
    return int(shown) if shown.isdigit() else shown


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the book."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()[:28] or "Service"
    title, number = clean, 2
    while title.lower() in taken:
        title, number = f"{clean[:25]} ({number})", number + 1
    taken.add(title.lower())
    return title


def board_pack_xlsx(pack: BoardPack) -> bytes:
    """A summary sheet (the partnership's figures and each service's responses), then one
    sheet per service with the same rows as a report export."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([f"{pack.title} (version {pack.version}), board pack {pack.quarter}"])
    summary.append([pack.legend])
    summary.append(["responses, all services", _number(pack.summary.responses)])
    summary.append(["service", "boroughs", "responses"])
    for page in pack.services:
        summary.append(
            [_cell(page.service), borough_names(page.boroughs), _number(page.report.responses)]
        )
    summary.append([])
    summary.append(list(HEADER))
    for row in report_rows(pack.summary):
        summary.append([_cell(value) for value in row])
    taken = {"summary"}
    for page in pack.services:
        sheet = workbook.create_sheet(_sheet_title(page.service, taken))
        sheet.append([_cell(f"{page.service}: {pack.title}, {pack.quarter}")])
        sheet.append([pack.legend])
        sheet.append(["responses", _number(page.report.responses)])
        sheet.append(list(HEADER))
        for row in report_rows(page.report):
            sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["EXPORT_FORMATS", "board_pack_xlsx", "report_csv", "report_rows", "report_xlsx"]
