"""One protected release per question and window: every figure a user's reports can show.

Plain functions, no SQL. The family's nodes are (row, period, slice): row is an answer
option or BASE (how many answered), period any period of the window (each year's tree and
each round's span of months, `periods.Window`), slice "all" or one
service, borough or channel in the user's scope. Constraints tie each total to its parts
along each axis; `protect_counts` then hides what must be hidden once, for every report.
See `suppression`'s docstring for why one joint release defeats differencing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

import msgspec

from feedback.reports.periods import ReportPeriod, Window
from feedback.reports.suppression import (
    SUPPRESSED,
    Constraint,
    protect_counts,
    round_to_five,
)

BASE = "__base__"
ALL: tuple[str, str] = ("all", "")
SLICE_AXES = ("service", "borough", "channel")
Slice = tuple[str, str]


class Atom(NamedTuple):
    """The finest count we hold: one option, service, borough, channel and month
    (`YYYY-MM`)."""

    row: str
    service: str
    borough: str
    channel: str
    month: str


class Figure(msgspec.Struct, frozen=True):
    """A count as a report may show it: `count` is None when hidden, `shown` is `c` then."""

    count: int | None
    shown: str


class Release(msgspec.Struct, frozen=True):
    values: dict[tuple[str, ReportPeriod, Slice], int]
    hidden: frozenset[tuple[str, ReportPeriod, Slice]]
    method: str

    def figure(self, row: str, period: ReportPeriod, slice_: Slice) -> Figure:
        node = (row, period, slice_)
        if node in self.hidden:
            return Figure(None, SUPPRESSED)
        value = self.values.get(node, 0)
        if self.method == "round5":
            value = round_to_five(value)
        return Figure(value, str(value))


class Figures(Protocol):
    """Anything a report reads its figures from: a fresh release or a stored one."""

    def figure(self, row: str, period: ReportPeriod, slice_: Slice) -> Figure: ...


HIDDEN = -1


def figure_key(row: str, period: ReportPeriod, slice_: Slice) -> str:
    return f"{row}\x1f{period.name}\x1f{slice_[0]}\x1f{slice_[1]}"


class StoredRelease(msgspec.Struct, frozen=True):
    """A release as stored: each node's figure as a report shows it (rounded already, or
    HIDDEN), keyed by `figure_key`; a node not held is 0. It says no more than the release
    it was made from, because it holds only what `Release.figure` would return."""

    shown: dict[str, int]

    def figure(self, row: str, period: ReportPeriod, slice_: Slice) -> Figure:
        value = self.shown.get(figure_key(row, period, slice_), 0)
        if value == HIDDEN:
            return Figure(None, SUPPRESSED)
        return Figure(value, str(value))


def store_release(release: Release) -> StoredRelease:
    shown: dict[str, int] = {}
    for row, period, slice_ in set(release.values) | release.hidden:
        figure = release.figure(row, period, slice_)
        if figure.count != 0:
            shown[figure_key(row, period, slice_)] = (
                HIDDEN if figure.count is None else figure.count
            )
    return StoredRelease(shown)


def build_release(
    atoms: Mapping[Atom, int],
    *,
    window: Window,
    rows: Sequence[str],
    additive: bool,
    threshold: int,
    method: str,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> Release:
    """Sum atoms into every node, tie nodes by their sums, protect once. `additive` says
    the options' counts add up to BASE (one answer per person); otherwise BASE atoms are
    given directly (responses, for multiple choice). `groups` names rows that are exactly
    the sum of other rows (a theme and its sentiment split), tied in every period and slice."""
    by_month: dict[tuple[str, Slice, str], int] = defaultdict(int)
    seen_slices: dict[str, set[str]] = {axis: set() for axis in SLICE_AXES}
    for atom, count in atoms.items():
        if not count:
            continue
        slices = (
            ALL,
            ("service", atom.service),
            ("borough", atom.borough),
            ("channel", atom.channel),
        )
        for axis, value in slices[1:]:
            seen_slices[axis].add(value)
        targets = (atom.row, BASE) if additive and atom.row != BASE else (atom.row,)
        for slice_ in slices:
            for row in targets:
                by_month[(row, slice_, atom.month)] += count
    values: dict[tuple[str, ReportPeriod, Slice], int] = defaultdict(int)
    for (row, slice_, month), count in by_month.items():  # roll months up the window
        for period in window.containing(month):
            values[(row, period, slice_)] += count
    if method == "round5":
        return Release(values=dict(values), hidden=frozenset(), method=method)
    every_row = [*rows, BASE]
    slices_all: list[Slice] = [ALL] + [
        (axis, value) for axis in SLICE_AXES for value in sorted(seen_slices[axis])
    ]
    constraints = _constraints(window, every_row, slices_all, seen_slices, additive=additive)
    for total, parts in (groups or {}).items():
        constraints.extend(
            Constraint((total, period, slice_), tuple((part, period, slice_) for part in parts))
            for period in window.periods()
            for slice_ in slices_all
        )
    hidden = protect_counts(values, constraints, threshold=threshold)
    return Release(values=dict(values), hidden=hidden, method=method)


def _constraints(
    window: Window,
    rows: Sequence[str],
    slices: Sequence[Slice],
    seen: Mapping[str, set[str]],
    *,
    additive: bool,
) -> list[Constraint]:
    constraints: list[Constraint] = []
    periods = window.periods()
    for row in rows:
        for period in periods:
            for axis in SLICE_AXES:
                parts = tuple((row, period, (axis, value)) for value in sorted(seen[axis]))
                if parts:
                    constraints.append(Constraint((row, period, ALL), parts))
        for slice_ in slices:
            for whole, pieces in window.sums():
                constraints.append(
                    Constraint(
                        (row, whole, slice_), tuple((row, piece, slice_) for piece in pieces)
                    )
                )
    if additive:
        options = [row for row in rows if row != BASE]
        for period in periods:
            for slice_ in slices:
                constraints.append(
                    Constraint(
                        (BASE, period, slice_), tuple((row, period, slice_) for row in options)
                    )
                )
    return constraints


__all__ = [
    "ALL",
    "BASE",
    "SLICE_AXES",
    "Atom",
    "Figure",
    "Figures",
    "Release",
    "Slice",
    "StoredRelease",
    "build_release",
    "store_release",
]
