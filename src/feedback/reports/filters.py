"""What a report is asked for, as staff pages and the API send it: the
query filters parsed once into a `ReportFilter` (a bad value names its field), and the
default periods. The route modules register these functions as dependencies, so a query
contract is written here once and the OpenAPI document still lists every parameter."""

from __future__ import annotations

from feedback import clock
from feedback.errors import InvalidInput
from feedback.reports.schemas import ReportFilter

BOROUGHS = ("hammersmith-fulham", "kensington-chelsea", "westminster", "multiple")
CHANNELS = ("web", "sms", "class", "poster")


def current_year() -> str:
    """A report with no period reads this calendar year (London), the span a page opens on."""
    return str(clock.now_london().year)


def current_quarter() -> str:
    """Board packs and outcome figures with no quarter read this one (London)."""
    today = clock.today_london()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def whole_number(name: str, text: str | None) -> int | None:
    """A numeric filter as a form sends it: empty means "all"; anything else not a whole
    number is refused with the field's name."""
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput("must be a whole number", field=name, value=text)
    return int(text)


def report_filters(
    period: str | None = None,
    version: str | None = None,
    service_id: str | None = None,
    borough: str | None = None,
    channel: str | None = None,
) -> ReportFilter:
    """`?period=2026-Q1` (month, quarter, half or year; this year when empty), `version`,
    and at most one of `service_id`, `borough`, `channel`; empty means "all"."""
    return ReportFilter(
        period=period or current_year(),
        version=whole_number("version", version),
        service_id=whole_number("service", service_id),
        borough=borough or None,
        channel=channel or None,
    )


def comparison_filters(
    period: str | None = None,
    service_id: str | None = None,
    borough: str | None = None,
    channel: str | None = None,
) -> ReportFilter:
    """As `report_filters` without a version: a comparison reads every version."""
    return report_filters(period, None, service_id, borough, channel)


def quarter_filters(quarter: str | None = None, version: str | None = None) -> ReportFilter:
    """A board pack's: one quarter (this one when empty) of one version (the latest when
    empty), over every service."""
    return report_filters(quarter or current_quarter(), version)


__all__ = [
    "BOROUGHS",
    "CHANNELS",
    "comparison_filters",
    "current_quarter",
    "current_year",
    "quarter_filters",
    "report_filters",
    "whole_number",
]
