"""Secondary suppression made exact: hide companions until the reader's linear program
pins no small figure of the family. Plain functions, no SQL.

The reader's program (`disclosure.LinearView`) has one unknown per finest count a reader
knows may exist: each leaf row (an answer, a theme's sentiment split, or for multiple
choice the responses) in each cell of the structure they know (every service with the
borough it is counted under, every channel, every month of the window), never negative.
Every figure of the family that is shown is a known sum of those unknowns; a multiple-choice
answer in a cell is at most the cell's responses. So a borough of one or two services, a
channel of a few texts, or a figure pinned only by "counts are never negative" are all seen,
not only sums written out one by one.

Each figure whose true value is 1 to threshold-1 is checked: its least and greatest value
in that program must lie at least `threshold` apart. Hiding a figure only removes an
equation, so a figure found protected stays protected: figures are settled one at a time
(checked, given companions, checked again until protected), and each re-check starts from
that figure's own last basis, which costs a few simplex iterations instead of a solve from
afar. The true counts are one solution of the program (`LinearView.offer` checks that), so
every small figure's lowest known value is its own and one solution far enough above it
proves it protected; the solutions of earlier checks settle most figures without a solve.
Measured at 100k responses (`bench/release.py`, two questions): 439 solves and 25,734
simplex iterations, against 574 and 37,363 when every pending figure was solved per round
after 16 random "explore" directions (dense objectives, the dearest solves of all).

Cost rule for companions (fewest hidden, and hiding where it blocks the leak): for an
exposed figure, the shown figures whose bounds held its interval in (the program's non-zero
duals) are the route of the leak; the cheapest of them is hidden (a non-zero count before a
zero, then the smallest, then a fixed order). When none is shown, every sum holding the
figure tied for the fewest other hidden members gives its cheapest shown member
(`suppression._companion`), or the nearest shown member through hidden sums. Figures
published by the responses release are never companions here (see `fixed`), so every
surface shows the responses totals alike. The cheap pass then runs once more over the
companions added, so no hidden figure is recoverable by equations either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from feedback.reports.disclosure import LinearView
from feedback.reports.periods import ReportPeriod
from feedback.reports.suppression import (
    Constraint,
    _companion,
    _nearest_companion,
)

Node = tuple[str, ReportPeriod, tuple[str, str]]
Cell = tuple[str, str, str, str]  # service, borough, channel, month


def protect_exactly(
    values: Mapping[Node, int],
    hidden: set[Node],
    constraints: Sequence[Constraint],
    *,
    nodes: Sequence[Node],
    cells: Sequence[Cell],
    leaves: Mapping[str, Sequence[str]],
    ties: Sequence[tuple[Sequence[str], str]],
    threshold: int,
    counts: Mapping[tuple[str, Cell], int],
    fixed: Mapping[Node, bool] | None = None,
    bridge: Mapping[Node, Node] | None = None,
) -> set[Node]:
    """`hidden` grown until no figure from 1 to threshold-1 is pinned (see the module).

    `fixed` holds figures another release publishes (node -> hidden there): they keep that
    state and are never companions. A small fixed figure the program exposes is protected
    through `bridge`, the node of this family whose hiding breaks the link. `counts` are the
    finest true counts (leaf row, cell): a tie goes into the program only for the cells
    where it holds (counters can outlive a response deleted after its key was destroyed)."""
    fixed = fixed or {}
    hidden = (hidden - set(fixed)) | {node for node, gone in fixed.items() if gone}
    small = sorted((node for node in nodes if 0 < values.get(node, 0) < threshold), key=repr)
    if not small:
        return hidden
    view, members, sum_of = _reader_view(
        values, hidden, nodes=nodes, cells=cells, leaves=leaves, ties=ties
    )
    _tie(view, cells, leaves, ties, counts)
    touching: dict[Hashable, list[int]] = defaultdict(list)
    for index, constraint in enumerate(constraints):
        for node in (constraint.total, *constraint.parts):
            touching[node].append(index)
    node_of = {sum_id: node for node, sum_id in sum_of.items()}
    view.offer(_truth(view.width, cells, leaves, counts))
    settled: set[tuple[int, ...]] = set()
    for node in small:  # one figure at a time: its re-solves start from its own last basis
        key = tuple(members[node])
        if key in settled:
            continue  # figures over the same unknowns share one interval
        settled.add(key)
        while view.pinned(key, threshold):
            start = (bridge or {}).get(node, node) if node in fixed else node
            added = _companions(values, constraints, touching, hidden, fixed, node_of, view, start)
            added -= hidden
            if not added:
                break  # nothing left to hide for it (every route is fixed elsewhere)
            for companion in sorted(added, key=repr):
                hidden.add(companion)
                view.forget(sum_of[companion])
    return hidden


def _companions(
    values: Mapping[Node, int],
    constraints: Sequence[Constraint],
    touching: Mapping[Hashable, list[int]],
    hidden: set[Node],
    fixed: Mapping[Node, bool],
    node_of: Mapping[int, Node],
    view: LinearView,
    start: Node,
) -> set[Node]:
    """What to hide next for an exposed figure (`start`: itself, or the node bridging a
    fixed figure to this family), by the cost rule of the module docstring."""
    if start not in hidden and start not in fixed:
        return {start}  # a bridge: the figure itself goes first
    limits = [node_of[i] for i in view.binding if i in node_of]
    limits = [n for n in limits if n not in hidden and n not in fixed]
    if limits:  # hide the cheapest shown figure whose bound held the interval in
        return {min(limits, key=lambda n: _cost_of(values, n))}
    return set(_choose(values, constraints, touching, hidden, set(fixed), start))


def _truth(
    width: int,
    cells: Sequence[Cell],
    leaves: Mapping[str, Sequence[str]],
    counts: Mapping[tuple[str, Cell], int],
) -> np.ndarray:
    """The true finest counts as a point of the reader's program (`LinearView.offer`
    checks it is one): every small figure's own value is then a known feasible value,
    so one point far above it is enough to prove it protected."""
    leaf_rows = sorted({leaf for parts in leaves.values() for leaf in parts})
    column = {leaf: i * len(cells) for i, leaf in enumerate(leaf_rows)}
    position = {cell: p for p, cell in enumerate(cells)}
    point = np.zeros(width)
    for (leaf, cell), count in counts.items():
        if leaf in column and cell in position:
            point[column[leaf] + position[cell]] += count
    return point


def _choose(
    values: Mapping[Any, int],
    constraints: Sequence[Constraint],
    touching: Mapping[Hashable, list[int]],
    hidden: set[Node],
    fixed: set[Node],
    node: Node,
) -> list[Node]:
    """Companions for one exposed node, by the cost rule of the module docstring: every sum
    tied for the fewest other hidden members gives its cheapest shown member (one round
    then closes each likely route of the leak, which keeps the rounds few)."""
    if node not in hidden and node not in fixed:
        return [node]  # a bridge: the figure itself goes first
    unavailable: set[Hashable] = set(hidden | fixed)
    ranked: list[tuple[int, tuple[Any, ...], Any]] = []
    for index in touching.get(node, ()):
        constraint = constraints[index]
        companion = _companion(values, constraint, unavailable)
        if companion is not None:
            others = sum(1 for m in (constraint.total, *constraint.parts) if m in hidden) - 1
            ranked.append((others, _cost(values, constraint, companion), companion))
    if ranked:
        fewest = min(rank[0] for rank in ranked)
        return [companion for others, _c, companion in ranked if others == fewest]
    found = _nearest_companion(values, constraints, touching, unavailable, node)
    return [] if found is None else [found]  # type: ignore[list-item]  # a node of the family


def _cost(values: Mapping[Any, int], constraint: Constraint, node: Hashable) -> tuple[Any, ...]:
    return (node is constraint.total, *_cost_of(values, node))


def _cost_of(values: Mapping[Any, int], node: Hashable) -> tuple[Any, ...]:
    """A non-zero count before a zero (hiding a known zero protects little), then the
    smallest, then a fixed order so the same data always hides the same figures."""
    value = values.get(node, 0)
    return (value == 0, value, repr(node))


def _reader_view(
    values: Mapping[Node, int],
    hidden: set[Node],
    *,
    nodes: Sequence[Node],
    cells: Sequence[Cell],
    leaves: Mapping[str, Sequence[str]],
    ties: Sequence[tuple[Sequence[str], str]],
) -> tuple[LinearView, dict[Node, list[int]], dict[Node, int]]:
    """The program, each node's unknowns, and each shown node's sum id."""
    leaf_rows = sorted({leaf for parts in leaves.values() for leaf in parts})
    column = {leaf: i * len(cells) for i, leaf in enumerate(leaf_rows)}
    by_slice: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, (service, borough, channel, _month) in enumerate(cells):
        by_slice[("all", "")].append(position)
        by_slice[("service", service)].append(position)
        by_slice[("borough", borough)].append(position)
        by_slice[("channel", channel)].append(position)
    month_of = [cell[3] for cell in cells]
    months: dict[ReportPeriod, set[str]] = {}
    members: dict[Node, list[int]] = {}
    for node in nodes:
        row, period, slice_ = node
        inside = months.setdefault(period, {f"{y:04d}-{m:02d}" for y, m in period.month_keys()})
        positions = [p for p in by_slice.get(slice_, ()) if month_of[p] in inside]
        members[node] = [column[leaf] + p for leaf in leaves[row] for p in positions]
    view = LinearView(len(leaf_rows) * len(cells))
    sum_of: dict[Node, int] = {}
    for node in nodes:
        if node not in hidden:
            value = values.get(node, 0)
            sum_of[node] = view.add_sum(members[node], value, value)
    return view, members, sum_of


def _tie(
    view: LinearView,
    cells: Sequence[Cell],
    leaves: Mapping[str, Sequence[str]],
    ties: Sequence[tuple[Sequence[str], str]],
    counts: Mapping[tuple[str, Cell], int],
) -> None:
    leaf_rows = sorted({leaf for parts in leaves.values() for leaf in parts})
    column = {leaf: i * len(cells) for i, leaf in enumerate(leaf_rows)}
    for parts, whole in ties:
        for p, cell in enumerate(cells):
            if sum(counts.get((part, cell), 0) for part in parts) <= counts.get((whole, cell), 0):
                view.add_tie([column[part] + p for part in parts], column[whole] + p)


__all__ = ["protect_exactly"]
