"""Report periods: a month, quarter, half-year or year, named as `2026-03`, `2026-Q1`,
`2026-H1` or `2026`, and a consultation round's run of months (`2026-12..2027-01`), which
may cross New Year. Plain functions.

A calendar period lies inside one year, so a year's months, quarters and halves form a
tree. A round's span ties months of one or two years together, so the protected family
(`reports.release`) is built over a `Window`: the years linked by spans, each year's tree,
and every span in them. A month report and a round summary then read one protected table,
and cannot be subtracted from each other."""

from __future__ import annotations

import re
from datetime import date

import msgspec

from feedback.errors import InvalidInput

_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_SPAN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])\.\.(\d{4})-(0[1-9]|1[0-2])$")
PERIOD_KINDS = tuple(_PATTERNS)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MAX_SPAN_MONTHS = 24  # a round runs for weeks or months; a longer span is a typing mistake
Month = tuple[int, int]  # (year, month)


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

    def month_keys(self) -> tuple[Month, ...]:
        return tuple((self.year, month) for month in self.months)

    @property
    def label(self) -> str:
        return self.name

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


class Span(msgspec.Struct, frozen=True, order=True):
    """A run of whole months from `first` to `last` (inclusive), possibly across New Year:
    what a consultation round covers when its months are not one calendar period."""

    first: Month
    last: Month

    kind = "span"

    @property
    def name(self) -> str:
        return f"{_month_name(self.first)}..{_month_name(self.last)}"

    @property
    def label(self) -> str:
        """In words, as summaries say it: "December 2026 to January 2027"."""
        first, last = (f"{MONTH_NAMES[m - 1]} {y}" for y, m in (self.first, self.last))
        return first if self.first == self.last else f"{first} to {last}"

    @property
    def year(self) -> int:
        return self.first[0]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first[0], self.last[0] + 1))

    def month_keys(self) -> tuple[Month, ...]:
        (year, month), keys = self.first, []
        while (year, month) <= self.last:
            keys.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(keys)

    def children(self) -> tuple[Period, ...]:
        """Its months, for trends."""
        return tuple(Period(year, "month", month) for year, month in self.month_keys())


ReportPeriod = Period | Span


def _month_name(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def months_of(opens_on: date, closes_on: date) -> ReportPeriod:
    """The months from `opens_on` to `closes_on`: the calendar period when they are exactly
    one (a month, quarter, half or year), else their span."""
    span = Span((opens_on.year, opens_on.month), (closes_on.year, closes_on.month))
    keys = span.month_keys()
    if span.first[0] == span.last[0]:
        for kind, size in (("month", 1), ("quarter", 3), ("half", 6), ("year", 12)):
            first = span.first[1]
            if len(keys) == size and (first - 1) % size == 0:
                return Period(span.year, kind, (first - 1) // size + 1)
    return span


def parse_period(text: str) -> ReportPeriod:
    """`2026-03`, `2026-Q1`, `2026-H1`, `2026` or a run of months `2026-12..2027-01`;
    anything else names the expected forms."""
    value = text.strip().upper()
    for kind, pattern in _PATTERNS.items():
        found = pattern.match(value)
        if found:
            index = int(found.group(2)) if kind != "year" else 1
            return Period(int(found.group(1)), kind, index)
    found = _SPAN.match(value)
    if found:
        first_year, first_month, last_year, last_month = map(int, found.groups())
        span = Span((first_year, first_month), (last_year, last_month))
        if span.first > span.last or len(span.month_keys()) > MAX_SPAN_MONTHS:
            raise InvalidInput(
                "a run of months goes from the earlier month to the later, "
                f"at most {MAX_SPAN_MONTHS} months",
                field="period",
                value=text,
            )
        return span
    raise InvalidInput(
        "use a month (2026-03), quarter (2026-Q1), half-year (2026-H1), "
        "year (2026) or a round's months (2026-12..2027-01)",
        field="period",
        value=text,
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


class Window(msgspec.Struct, frozen=True):
    """What one protected family covers: consecutive years, and the spans inside them
    (`reports.spans.family_window` finds them). Its periods are every year's tree and the
    spans; its sums are each year's and each span's (a span is the sum of its months)."""

    years: tuple[int, ...]
    spans: tuple[Span, ...] = ()

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def first_month(self) -> str:
        return f"{self.years[0]:04d}-01"

    @property
    def last_month(self) -> str:
        return f"{self.years[-1]:04d}-12"

    @property
    def name(self) -> str:
        """Tells two windows apart (a stored family is served only for its own window)."""
        return ",".join([str(year) for year in self.years] + [span.name for span in self.spans])

    def periods(self) -> tuple[ReportPeriod, ...]:
        trees: tuple[ReportPeriod, ...] = tuple(
            period for year in self.years for period in year_tree(year)
        )
        return trees + self.spans

    def containing(self, month_key: str) -> tuple[ReportPeriod, ...]:
        """The periods of the window that include this month (`YYYY-MM`)."""
        year, month = int(month_key[:4]), int(month_key[5:7])
        if year not in self.years:
            return ()
        spans = tuple(span for span in self.spans if (year, month) in span.month_keys())
        return containing(year, month) + spans

    def sums(self) -> tuple[tuple[ReportPeriod, tuple[ReportPeriod, ...]], ...]:
        calendar: tuple[tuple[ReportPeriod, tuple[ReportPeriod, ...]], ...] = tuple(
            pair for year in self.years for pair in period_sums(year)
        )
        return calendar + tuple((span, span.children()) for span in self.spans)


def single_year(year: int) -> Window:
    return Window((year,))


__all__ = [
    "MONTH_NAMES",
    "PERIOD_KINDS",
    "Period",
    "ReportPeriod",
    "Span",
    "Window",
    "containing",
    "months_of",
    "parse_period",
    "period_sums",
    "single_year",
    "year_tree",
]
