"""What outcome figures are asked for, as staff pages and the API send it: one period (this
quarter when empty) and at most one of a service or a borough, or the return's quarter; a
bad value names its field.
The route modules register these functions as dependencies."""

from __future__ import annotations

from feedback.outcomes.report import OutcomeFilter
from feedback.reports.filters import current_quarter, whole_number


def outcome_filters(
    period: str | None = None, service_id: str | None = None, borough: str | None = None
) -> OutcomeFilter:
    """`?period=2026-Q1` and at most one of `service_id`, `borough`; empty means "all"."""
    return OutcomeFilter(
        period=period or current_quarter(),
        service_id=whole_number("service", service_id),
        borough=borough or None,
    )


def return_quarter(quarter: str | None = None) -> str:
    """`?quarter=2026-Q1` for the quarterly return; this quarter when empty."""
    return quarter or current_quarter()


__all__ = ["outcome_filters", "return_quarter"]
