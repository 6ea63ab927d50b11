"""Report periods: a month, quarter, half-year or year, named as `2026-03`, `2026-Q1`,
`2026-H1` or `2026`. Plain functions; a period always lies inside one calendar year, so a
year's months, quarters and halves form the tree the joint release protects."""

from __future__ import annotations

import re

import msgspec

from feedback.errors import InvalidInput

_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}
PERIOD_KINDS = tuple(_PATTERNS)


class Period(msgspec.Struct, frozen=True, order=True):
    year: int
    kind: str  # month | quarter | half | year
    index: int  # 1-based within the year (1 for the year itself)

    @property
    def name(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def months(self) -> tuple[int, ...]:
        size = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]
        first = (self.index - 1) * size + 1
        return tuple(range(first, first + size))

    def children(self) -> tuple[Period, ...]:
        """The next level down, for trends: a year's quarters, a half's quarters, a
        quarter's months; a month has none."""
        if self.kind == "month":
            return ()
        kind = "month" if self.kind == "quarter" else "quarter"
        size = 1 if kind == "month" else 3
        return tuple(
            Period(self.year, kind, (month - 1) // size + 1) for month in self.months[::size]
        )


def parse_period(text: str) -> Period:
    """`2026-03`, `2026-Q1`, `2026-H1` or `2026`; anything else names the expected forms."""
    value = text.strip().upper()
    for kind, pattern in _PATTERNS.items():
        found = pattern.match(value)
        if found:
            index = int(found.group(2)) if kind != "year" else 1
            return Period(int(found.group(1)), kind, index)
    raise InvalidInput(
        f"period {text!r}: use a month (2026-03), quarter (2026-Q1), half-year (2026-H1) "
        "or year (2026)"
    )


def year_tree(year: int) -> tuple[Period, ...]:
    """Every period of a year: the year, its halves, quarters and months."""
    return (
        (Period(year, "year", 1),)
        + tuple(Period(year, "half", i) for i in (1, 2))
        + tuple(Period(year, "quarter", i) for i in range(1, 5))
        + tuple(Period(year, "month", i) for i in range(1, 13))
    )


def containing(year: int, month: int) -> tuple[Period, ...]:
    """The periods of the year tree that include this month."""
    return (
        Period(year, "year", 1),
        Period(year, "half", (month - 1) // 6 + 1),
        Period(year, "quarter", (month - 1) // 3 + 1),
        Period(year, "month", month),
    )


def period_sums(year: int) -> tuple[tuple[Period, tuple[Period, ...]], ...]:
    """Each period that is the sum of smaller ones: year = halves, half = quarters,
    quarter = months."""
    year_period = Period(year, "year", 1)
    halves = tuple(Period(year, "half", i) for i in (1, 2))
    sums: list[tuple[Period, tuple[Period, ...]]] = [(year_period, halves)]
    for half in halves:
        sums.append(
            (half, tuple(Period(year, "quarter", 2 * (half.index - 1) + i) for i in (1, 2)))
        )
    for quarter in range(1, 5):
        sums.append(
            (
                Period(year, "quarter", quarter),
                tuple(Period(year, "month", 3 * (quarter - 1) + i) for i in (1, 2, 3)),
            )
        )
    return tuple(sums)


__all__ = ["PERIOD_KINDS", "Period", "containing", "parse_period", "period_sums", "year_tree"]
