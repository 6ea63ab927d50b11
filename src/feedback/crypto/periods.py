"""Key periods: the calendar slices (default: quarters) that each get their own key pair.

A period's label names it for people and for `feedback keys destroy`: `2026-Q4` for a
quarter, `2026-H2` for a half year, `2026-07` for a month, `2026` for a year. Destroying a
period's opening key is the retention deletion for everything sealed in it, so shorter
periods allow finer retention at the cost of more keys to manage.
"""

from __future__ import annotations

from datetime import date, datetime

from feedback.clock import LONDON

__all__ = ["PERIOD_KINDS", "next_period_label", "period_label", "period_start"]

# Months per period, by the name used in FEEDBACK_KEY_PERIOD.
PERIOD_KINDS: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_start(moment: date | datetime, kind: str) -> date:
    """The first day of the period containing `moment` (its date in London for datetimes).

    A response keeps only its day in London (`submitted_on`), and reports count it there; its
    key period follows that same day, so destroying a period shreds exactly the responses its
    reports show, and the key does not tell the hour after midnight BST apart from the day."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(LONDON).date()
    months = _months(kind)
    month = (moment.month - 1) // months * months + 1
    return date(moment.year, month, 1)


def period_label(moment: date | datetime, kind: str) -> str:
    """The label of the period containing `moment`, e.g. `2026-Q4` for a quarter."""
    start = period_start(moment, kind)
    index = (start.month - 1) // _months(kind) + 1
    match kind:
        case "month":
            return f"{start.year}-{start.month:02d}"
        case "quarter":
            return f"{start.year}-Q{index}"
        case "half":
            return f"{start.year}-H{index}"
        case _:
            return f"{start.year}"


def next_period_label(moment: date | datetime, kind: str) -> str:
    """The label of the period after the one containing `moment`."""
    start = period_start(moment, kind)
    month = start.month - 1 + _months(kind)
    return period_label(date(start.year + month // 12, month % 12 + 1, 1), kind)


def _months(kind: str) -> int:
    try:
        return PERIOD_KINDS[kind]
    except KeyError:
        known = ", ".join(PERIOD_KINDS)
        raise ValueError(f"unknown key period {kind!r}; use one of {known}") from None
