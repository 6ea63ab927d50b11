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
from typing import Any, NamedTuple, Protocol

import msgspec

from feedback.reports.exposure import protect_exactly
from feedback.reports.periods import ReportPeriod, Window
from feedback.reports.suppression import (
    SUPPRESSED,
    Constraint,
    protect_counts,
)

BASE = "__base__"
RESPONSES = "__responses__"  # the responses row beside a family, in its reader's program
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
    """`method` is the protection it was made under, part of a stored release's key."""

    values: dict[tuple[str, ReportPeriod, Slice], int]
    hidden: frozenset[tuple[str, ReportPeriod, Slice]]
    method: str

    def figure(self, row: str, period: ReportPeriod, slice_: Slice) -> Figure:
        node = (row, period, slice_)
        if node in self.hidden:
            return Figure(None, SUPPRESSED)
        value = self.values.get(node, 0)
        return Figure(value, str(value))


class Figures(Protocol):
    """Anything a report reads its figures from: a fresh release or a stored one."""

    def figure(self, row: str, period: ReportPeriod, slice_: Slice) -> Figure: ...


HIDDEN = -1


def figure_key(row: str, period: ReportPeriod, slice_: Slice) -> str:
    return f"{row}\x1f{period.name}\x1f{slice_[0]}\x1f{slice_[1]}"


class StoredRelease(msgspec.Struct, frozen=True):
    """A release as stored: each node's figure as a report shows it (its count, or
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
    responses: Responses | None = None,
    within: Sequence[Responses] = (),
) -> Release:
    """Sum atoms into every node, tie nodes by their sums, protect once. `additive` says
    the options' counts add up to BASE (one answer per person); otherwise BASE atoms are
    given directly (responses, for multiple choice). `groups` names rows that are exactly
    the sum of other rows (a theme and its sentiment split), tied in every period and slice.
    `responses` is the scope's protected responses release: what it shows is shown beside
    this family, so this family is protected against it too (see `_linked`). `within` are
    releases the responses themselves sit inside, innermost first (an item's pairs within
    the exit survey's responses): each cell of one is at most the same cell of the next."""
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
    every_row = [*rows, BASE]
    slices_all: list[Slice] = [ALL] + [
        (axis, value) for axis in SLICE_AXES for value in sorted(seen_slices[axis])
    ]
    constraints = _constraints(window, every_row, slices_all, seen_slices, additive=additive)
    constraints.extend(_group_sums(groups or {}, window, slices_all))
    constraints.extend(_borough_sums(atoms, window, every_row))
    hidden = set(protect_counts(values, constraints, threshold=threshold))
    leaves, ties = _leaves(rows, groups or {}, additive=additive, responses=_has_base(atoms))
    nodes = [(r, p, s) for r in every_row for p in window.periods() for s in slices_all]
    chain = [responses, *within] if responses else []
    linked = _linked(chain, nodes, leaves, ties, additive=additive)
    hidden = protect_exactly(
        {**values, **linked.values},
        hidden,
        constraints,
        nodes=[*nodes, *linked.nodes],
        cells=_cells(
            {**atoms, **{a: n for layer in chain for a, n in layer.atoms.items()}}, window
        ),
        leaves=leaves,
        ties=ties,
        threshold=threshold,
        counts=_finest(atoms, chain, additive=additive),
        fixed=linked.fixed,
        bridge=linked.bridge,
    )
    # companions the program added get theirs, so none is recoverable by equations either
    hidden = set(protect_counts(values, constraints, threshold=threshold, start=hidden))
    return Release(values=dict(values), hidden=frozenset(hidden), method=method)


class Responses(NamedTuple):
    """A scope's responses per cell and their protected release, read beside every family."""

    atoms: Mapping[Atom, int]
    release: Release


def protect_responses(
    atoms: Mapping[Atom, int], *, window: Window, threshold: int, method: str
) -> Responses:
    release = build_release(
        atoms, window=window, rows=[], additive=False, threshold=threshold, method=method
    )
    return Responses(atoms, release)


class _Linked(NamedTuple):
    values: dict[Any, int]
    nodes: list[Any]
    fixed: dict[Any, bool]
    bridge: dict[Any, Any]


def _linked(
    chain: Sequence[Responses],
    nodes: Sequence[tuple[str, ReportPeriod, Slice]],
    leaves: dict[str, list[str]],
    ties: list[tuple[Sequence[str], str]],
    *,
    additive: bool,
) -> _Linked:
    """The responses figures a reader sees beside this family. Where this family's BASE is
    the responses (multiple choice, themes) its BASE figures are the responses release's,
    hidden exactly where that hides them. Otherwise the responses are a row of their own in
    the reader's program, each cell's answers at most its responses, and each further
    release of the chain a row again, each cell at most the next one's; a small figure of
    any of them this family would expose is protected by hiding this family's BASE beside
    it, or what held it in."""
    if not chain:
        return _Linked({}, [], {}, {})
    if not additive:
        assert len(chain) == 1, "a family whose BASE is the responses sits in no chain"
        base = [node for node in nodes if node[0] == BASE]
        return _Linked({}, [], {node: node in chain[0].release.hidden for node in base}, {})
    linked = _Linked({}, [], {}, {})
    inner = leaves[BASE]
    for depth, layer in enumerate(chain):
        row = _layer_row(depth)
        leaves[row] = [row]
        ties.append((inner, row))
        inner = leaves[row]
        for _r, period, slice_ in (node for node in nodes if node[0] == BASE):
            node, own = (row, period, slice_), (BASE, period, slice_)
            linked.values[node] = layer.release.values.get(own, 0)
            linked.nodes.append(node)
            linked.fixed[node] = own in layer.release.hidden
            linked.bridge[node] = own
    return linked


def _layer_row(depth: int) -> str:
    """The row of the chain's release at `depth` in a reader's program."""
    return RESPONSES if depth == 0 else f"{RESPONSES}{depth}"


def _group_sums(
    groups: Mapping[str, Sequence[str]], window: Window, slices: Sequence[Slice]
) -> list[Constraint]:
    return [
        Constraint((total, period, slice_), tuple((part, period, slice_) for part in parts))
        for total, parts in groups.items()
        for period in window.periods()
        for slice_ in slices
    ]


def _finest(
    atoms: Mapping[Atom, int], chain: Sequence[Responses], *, additive: bool
) -> dict[tuple[str, tuple[str, str, str, str]], int]:
    """The true count of each leaf row in each cell (the chain's rows included)."""
    counts: dict[tuple[str, tuple[str, str, str, str]], int] = defaultdict(int)
    for atom, count in atoms.items():
        counts[(atom.row, (atom.service, atom.borough, atom.channel, atom.month))] += count
    for depth, layer in enumerate(chain if additive else ()):
        for atom, count in layer.atoms.items():
            cell = (atom.service, atom.borough, atom.channel, atom.month)
            counts[(_layer_row(depth), cell)] += count
    return counts


def _has_base(atoms: Mapping[Atom, int]) -> bool:
    return any(count for atom, count in atoms.items() if atom.row == BASE)


def _leaves(
    rows: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    *,
    additive: bool,
    responses: bool,
) -> tuple[dict[str, list[str]], list[tuple[Sequence[str], str]]]:
    """Each row as the finest rows it sums (the reader's unknowns), and the ties "this
    row's count in a cell is at most the cell's responses" (for families holding them)."""
    finest = [row for row in rows if row not in groups]
    leaves = {row: [row] for row in finest}
    leaves.update({total: list(parts) for total, parts in groups.items()})
    if additive:
        leaves[BASE] = finest
        return leaves, []
    leaves[BASE] = [BASE]
    return leaves, [([row], BASE) for row in finest] if responses else []


def _cells(atoms: Mapping[Atom, int], window: Window) -> list[tuple[str, str, str, str]]:
    """The structure a reader knows: each service under each borough it is counted in, each
    channel, each month of the window."""
    pairs = sorted({(a.service, a.borough) for a, count in atoms.items() if count})
    channels = sorted({a.channel for a, count in atoms.items() if count})
    months = [f"{year:04d}-{month:02d}" for year in window.years for month in range(1, 13)]
    return [(s, b, c, m) for s, b in pairs for c in channels for m in months]


def _borough_sums(
    atoms: Mapping[Atom, int], window: Window, rows: Sequence[str]
) -> list[Constraint]:
    """A borough whose services are counted under it alone is the sum of those services: a
    borough of one service equals it, one of two differs from each by the other."""
    boroughs_of: dict[str, set[str]] = defaultdict(set)
    for atom, count in atoms.items():
        if count:
            boroughs_of[atom.service].add(atom.borough)
    services_in: dict[str, set[str]] = defaultdict(set)
    for service, boroughs in boroughs_of.items():
        for borough in boroughs:
            services_in[borough].add(service)
    constraints = []
    for borough, services in sorted(services_in.items()):
        if any(len(boroughs_of[s]) > 1 for s in services):
            continue
        for row in rows:
            for period in window.periods():
                constraints.append(
                    Constraint(
                        (row, period, ("borough", borough)),
                        tuple((row, period, ("service", s)) for s in sorted(services)),
                    )
                )
    return constraints


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
    "Responses",
    "Slice",
    "StoredRelease",
    "build_release",
    "protect_responses",
    "store_release",
]
