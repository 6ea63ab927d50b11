"""Disclosure control: no hidden count can be worked out from what a report shows."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.reports.suppression import (
    Constraint,
    legend,
    primary_hidden,
    protect_counts,
    recoverable_hidden,
)

THRESHOLD = 5


def table_family(cells: list[list[int]]) -> tuple[dict[Hashable, int], list[Constraint]]:
    """A table with row totals, column totals and a grand total, as figures and sums."""
    values: dict[Hashable, int] = {}
    constraints = []
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            values[("cell", r, c)] = value
        values[("row", r)] = sum(row)
        constraints.append(Constraint(("row", r), tuple(("cell", r, c) for c in range(len(row)))))
    for c in range(len(cells[0])):
        values[("col", c)] = sum(row[c] for row in cells)
        constraints.append(Constraint(("col", c), tuple(("cell", r, c) for r in range(len(cells)))))
    values["grand"] = sum(map(sum, cells))
    constraints.append(Constraint("grand", tuple(("row", r) for r in range(len(cells)))))
    constraints.append(Constraint("grand", tuple(("col", c) for c in range(len(cells[0])))))
    return values, constraints


def another_solution(
    values: Mapping[Hashable, int],
    constraints: Sequence[Constraint],
    hidden: frozenset[Hashable],
    target: Hashable,
) -> bool:
    """Solve it as an attacker would, independently of the code under test: search for a
    different non-negative table that agrees with every shown figure and every sum but
    changes `target` (a change of -1, 0 or +1 per hidden figure)."""
    order = sorted(hidden, key=repr)
    relevant = [c for c in constraints if any(n in hidden for n in (c.total, *c.parts))]
    change: dict[Hashable, int] = {}

    def balanced(constraint: Constraint) -> bool | None:
        members = (constraint.total, *constraint.parts)
        if any(n in hidden and n not in change for n in members):
            return None
        return change.get(constraint.total, 0) == sum(change.get(p, 0) for p in constraint.parts)

    def search(index: int) -> bool:
        if index == len(order):
            return change.get(target, 0) != 0
        node = order[index]
        for step in (1, -1, 0):
            if values.get(node, 0) + step < 0:
                continue
            change[node] = step
            if all(balanced(c) is not False for c in relevant) and search(index + 1):
                return True
            del change[node]
        return False

    return search(0)


small_counts = st.integers(min_value=0, max_value=14)
tables = st.integers(min_value=2, max_value=3).flatmap(
    lambda rows: st.integers(min_value=2, max_value=4).flatmap(
        lambda cols: st.lists(
            st.lists(small_counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_no_hidden_count_can_be_solved_from_the_shown_table(cells: list[list[int]]) -> None:
    values, constraints = table_family(cells)
    hidden = protect_counts(values, constraints, threshold=THRESHOLD)
    assert primary_hidden(values, threshold=THRESHOLD) <= hidden
    assert all(values[node] == 0 for node in recoverable_hidden(hidden, constraints))
    for node in hidden:
        if values[node] > 0:  # a hidden 0 may be provably 0; a count never may be
            assert another_solution(values, constraints, hidden, node), (cells, node, hidden)


def test_a_naive_suppression_would_leak_through_the_row_total() -> None:
    cells = [[3, 10, 12], [8, 9, 15]]
    values, constraints = table_family(cells)
    naive = frozenset(primary_hidden(values, threshold=THRESHOLD))
    assert naive == {("cell", 0, 0)}
    assert ("cell", 0, 0) in recoverable_hidden(naive, constraints)  # 25 - 10 - 12 = 3
    assert not another_solution(values, constraints, naive, ("cell", 0, 0))
    hidden = protect_counts(values, constraints, threshold=THRESHOLD)
    assert ("cell", 0, 0) in hidden
    first_row = [("cell", 0, c) for c in range(3)]
    assert len([node for node in first_row if node in hidden]) >= 2
    assert not recoverable_hidden(hidden, constraints)
    assert another_solution(values, constraints, hidden, ("cell", 0, 0))


def test_protection_is_the_same_every_time_it_runs() -> None:
    values, constraints = table_family([[1, 7, 9], [6, 2, 11], [8, 8, 8]])
    first = protect_counts(values, constraints, threshold=THRESHOLD)
    assert all(protect_counts(values, constraints, threshold=THRESHOLD) == first for _ in range(5))


def test_the_legend_names_the_threshold() -> None:
    assert legend(7).startswith("c = fewer than 7")
