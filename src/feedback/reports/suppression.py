"""Disclosure control for every figure a report shows: plain functions, no HTTP or SQL.

Small counts can identify a survivor in a small service, so no report may show, or let a
reader work out, a count between 1 and `threshold - 1` (threshold from settings, default 5,
never below 3). Figures are suppressed, as UK official statistics do:

* primary suppression: a count from 1 to threshold-1 is shown as `c`, never 0 or blank;
* secondary suppression: figures are linked by sums ("constraints": a total equals its
  parts). No constraint may hold exactly one hidden figure, or the reader subtracts. After
  that cheap pass every hidden figure is checked exactly: a figure is recoverable when it
  is fixed by the linear system of all constraints and every shown figure (Gauss-Jordan
  elimination over a large prime field on the hidden unknowns only). A recoverable figure
  gets another companion hidden, and the check repeats until nothing hidden is recoverable.
  Counts are never negative, so a hidden 0 in a sum whose known total leaves nothing for
  its hidden parts is provably 0: such a figure is counted as shown, never as protection.
  The hypothesis tests also solve each table by search (non-negative alternatives).
  That pass is cheap and catches most leaks; the exact check with bounds comes after it
  (`reports.exposure`): a linear program over the finest counts a reader knows exist pins
  no count from 1 to threshold-1 to an interval narrower than the threshold, hiding more
  companions until it holds (issue 21: equations over named sums missed a borough of one or
  two services, the responses totals beside a question, and pins by non-negativity).

Differencing: two reports that differ by a small group (all three boroughs against two of
them; a quarter against two of its months) must not reveal that group's count by
subtraction. The mechanism is ONE joint release per user, survey version, question and
year: every figure that user could ask for (each period node of the year - months,
quarters, halves, the year - crossed with "all", each service in their scope, each borough
and each channel; each option plus the base) is a node of one family, the sums between them
are its constraints, and suppression runs once over the whole family. Every report reads its
figures from that release, so whichever filters are asked for, the shown figures are a
subset of one protected table, and no combination of requests can solve a hidden figure
that the release itself does not give away. A report narrows by at most one of service,
borough and channel (with any period); combinations such as "borough X and channel SMS"
are outside the family and refused, which keeps the family two-level and small.

Rounding to the nearest 5 was removed (issue 22): a reader who combines many rounded
figures with the sums between them pinned small counts exactly (four months each shown as
"5" make each at least 1), so suppression is the only method.

Percentages and means whose base is below the threshold (or hidden) are shown as `c`; a
mean is also hidden when any answer count in its column is hidden, because the mean times
the base is one more sum over the hidden counts. Schools are not an axis of these
reports (class responses count under the school's service and the `class` channel); a
round's progress shows its responses from this release only, and per school only how many
class sessions it opened (`consultations.progress`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

SUPPRESSED = "c"
NOT_APPLICABLE = "x"  # the government statistics symbol for "not applicable"
Node = TypeVar("Node", bound=Hashable)
_PRIME = (1 << 61) - 1  # Gauss-Jordan over GF(p): exact for our 0/±1 systems barring ~1/p


class Constraint(NamedTuple):
    """`total` equals the sum of `parts`."""

    total: Hashable
    parts: tuple[Hashable, ...]


def legend(threshold: int) -> str:
    """The footnote every table and export carries, so `c` is never read as a number."""
    return (
        f"c = fewer than {threshold}, or withheld so that a number fewer than {threshold} "
        "cannot be worked out from the totals. x = nobody answered, so there is no percentage."
    )


def operational_count(count: int, threshold: int) -> str:
    """A count staff pages show about people (links used, a class's completed responses):
    only which side of the threshold it is on, "fewer than N" (0 included) or "N or more".
    A small batch is often handed to people known by name, so a small count says who
    answered; and an exact larger one taken from link or code uses would sit beside the
    reports' protected figures for the same responses, where the difference between the two
    gives a hidden count away (issue 21)."""
    return f"{threshold} or more" if count >= threshold else f"fewer than {threshold}"


def primary_hidden(values: Mapping[Node, int], *, threshold: int) -> set[Node]:
    """Counts from 1 to threshold-1: small enough to single someone out."""
    return {node for node, value in values.items() if 0 < value < threshold}


def protect_counts(
    values: Mapping[Node, int],
    constraints: Sequence[Constraint],
    *,
    threshold: int,
    start: Iterable[Node] = (),
) -> frozenset[Node]:
    """The figures to hide: primary ones (and `start`) plus companions, until none is
    recoverable.

    Deterministic for a given family (constraint order included), so the same figure is
    hidden in every report that reads the release.
    """
    hidden: set[Any] = primary_hidden(values, threshold=threshold) | set(start)
    touching: dict[Hashable, list[int]] = defaultdict(list)
    for index, constraint in enumerate(constraints):
        for node in (constraint.total, *constraint.parts):
            touching[node].append(index)
    _no_lone_hidden(values, constraints, touching, hidden, range(len(constraints)))
    while True:
        # A hidden zero in a sum whose other hidden members are zero too is known to be 0
        # (counts are never negative), so it protects nothing: count it as shown.
        effective = hidden - _known_zeros(values, constraints, hidden)
        lone = [
            constraint
            for constraint in constraints
            if sum(1 for node in (constraint.total, *constraint.parts) if node in effective) == 1
        ]
        recoverable = [] if lone else sorted(recoverable_hidden(effective, constraints), key=repr)
        if not lone and not recoverable:
            return frozenset(hidden)
        added = False
        for constraint in lone:
            companion = _companion(values, constraint, hidden)
            if companion is not None:
                hidden.add(companion)
                added = True
        for node in recoverable:
            companion = _nearest_companion(values, constraints, touching, hidden, node)
            if companion is not None:
                hidden.add(companion)
                _no_lone_hidden(values, constraints, touching, hidden, touching[companion])
                added = True
        if not added:  # every linked figure is hidden already: nothing more can help
            return frozenset(hidden)


def _known_zeros(
    values: Mapping[Any, int], constraints: Sequence[Constraint], hidden: set[Hashable]
) -> set[Hashable]:
    """Hidden figures a reader can prove are 0: the hidden parts of a sum whose total is
    known and whose hidden parts add up to 0 (each is then 0)."""
    known: set[Hashable] = set()
    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            if constraint.total in hidden and constraint.total not in known:
                continue
            unknown = [p for p in constraint.parts if p in hidden and p not in known]
            if unknown and sum(values.get(p, 0) for p in unknown) == 0:
                known.update(unknown)
                changed = True
    return known


def _nearest_companion(
    values: Mapping[Any, int],
    constraints: Sequence[Constraint],
    touching: Mapping[Hashable, list[int]],
    hidden: set[Hashable],
    node: Hashable,
) -> Hashable | None:
    """A shown figure in a sum nearest to `node` through sums of hidden figures: when every
    sum holding `node` is fully hidden, the leak runs through its hidden neighbours."""
    seen_nodes, seen_sums = {node}, set()
    frontier = [node]
    while frontier:
        following = []
        for current in frontier:
            for index in touching[current]:
                if index in seen_sums:
                    continue
                seen_sums.add(index)
                companion = _companion(values, constraints[index], hidden)
                if companion is not None:
                    return companion
                for member in (constraints[index].total, *constraints[index].parts):
                    if member not in seen_nodes:
                        seen_nodes.add(member)
                        following.append(member)
        frontier = following
    return None


def _no_lone_hidden(
    values: Mapping[Any, int],
    constraints: Sequence[Constraint],
    touching: Mapping[Hashable, list[int]],
    hidden: set[Hashable],
    start: Iterable[int],
) -> None:
    """The cheap pass: a sum with one hidden member gives it away, so hide a companion."""
    work = list(start)
    while work:
        constraint = constraints[work.pop()]
        members = (constraint.total, *constraint.parts)
        if sum(1 for node in members if node in hidden) != 1:
            continue
        companion = _companion(values, constraint, hidden)
        if companion is not None:
            hidden.add(companion)
            work.extend(touching[companion])


def _companion(
    values: Mapping[Any, int], constraint: Constraint, hidden: set[Hashable]
) -> Hashable | None:
    """The shown member whose loss costs least: a part before the total, a non-zero
    count before a zero (hiding a known zero protects little), then the smallest."""
    candidates = [
        (node is constraint.total, values.get(node, 0) == 0, values.get(node, 0), repr(node), node)
        for node in (*constraint.parts, constraint.total)
        if node not in hidden
    ]
    return min(candidates, key=lambda item: item[:4])[4] if candidates else None


def recoverable_hidden(
    hidden: Iterable[Hashable], constraints: Sequence[Constraint]
) -> set[Hashable]:
    """Hidden figures that the constraints and the shown figures fix to one value."""
    hidden_set = set(hidden)
    rows: list[dict[Hashable, int]] = []
    for constraint in constraints:
        row: dict[Hashable, int] = {}
        if constraint.total in hidden_set:
            row[constraint.total] = 1
        for part in constraint.parts:
            if part in hidden_set:
                row[part] = (row.get(part, 0) - 1) % _PRIME
        row = {node: coef for node, coef in row.items() if coef}
        if row:
            rows.append(row)
    pivots = _reduced_row_echelon(rows)
    return {node for node, row in pivots.items() if len(row) == 1}


def _reduced_row_echelon(rows: list[dict[Hashable, int]]) -> dict[Hashable, dict[Hashable, int]]:
    """Sparse Gauss-Jordan: pivot column → its fully reduced row (pivot coefficient 1).
    `holders` indexes which pivot rows hold a column, so a new pivot touches only those."""
    pivots: dict[Hashable, dict[Hashable, int]] = {}
    holders: dict[Hashable, set[Hashable]] = defaultdict(set)
    order: dict[Hashable, int] = {}
    for raw in rows:
        row = dict(raw)
        for column in [column for column in row if column in pivots]:
            factor = row.get(column, 0)
            if factor:
                for key, coef in pivots[column].items():
                    row[key] = (row.get(key, 0) - factor * coef) % _PRIME
        row = {key: coef for key, coef in row.items() if coef}
        if not row:
            continue
        column = max(row, key=lambda key: order.setdefault(key, len(order)))
        inverse = pow(row[column], _PRIME - 2, _PRIME)
        row = {key: coef * inverse % _PRIME for key, coef in row.items()}
        for holder in holders.pop(column, set()):
            _subtract(pivots[holder], holder, row, column, holders)
        pivots[column] = row
        for key in row:
            if key != column:
                holders[key].add(column)
    return pivots


def _subtract(
    target: dict[Hashable, int],
    owner: Hashable,
    row: dict[Hashable, int],
    pivot: Hashable,
    holders: dict[Hashable, set[Hashable]],
) -> None:
    """Clear `pivot` from `target` (owner's row) using `row`, keeping `holders` true."""
    factor = target.get(pivot, 0)
    for key, coef in row.items():
        value = (target.get(key, 0) - factor * coef) % _PRIME
        if value:
            target[key] = value
            if key != owner:
                holders[key].add(owner)
        else:
            target.pop(key, None)
            holders[key].discard(owner)


__all__ = [
    "NOT_APPLICABLE",
    "SUPPRESSED",
    "Constraint",
    "legend",
    "operational_count",
    "primary_hidden",
    "protect_counts",
    "recoverable_hidden",
]
