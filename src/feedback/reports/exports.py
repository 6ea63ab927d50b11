"""CSV and XLSX exports of a survey report: the same protected figures as the page, with
the legend in the file, so `c` travels with its meaning."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from feedback.reports.schemas import SurveyReport

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


__all__ = ["EXPORT_FORMATS", "report_csv", "report_rows", "report_xlsx"]
