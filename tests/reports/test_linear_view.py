"""`LinearView.offer`: a known point is kept as proof only when it is a solution."""

from __future__ import annotations

import numpy as np

from feedback.reports.disclosure import LinearView


def _view() -> LinearView:
    view = LinearView(3)
    view.add_sum([0, 1], 7, 7)  # x0 + x1 = 7
    view.add_sum([2], 0, 0)  # a shown zero
    view.add_tie([0], 1)  # x0 <= x1
    return view


def test_a_solution_is_kept_and_counts_as_a_feasible_value() -> None:
    view = _view()
    assert view.offer(np.array([3.0, 4.0, 0.0]))
    assert view.spread([0]) == (3.0, 3.0)
    assert view.interval([0]) == (0.0, 3.5)  # the program, not the point, decides pinning


def test_points_breaking_a_sum_a_tie_a_shown_zero_or_a_bound_are_refused() -> None:
    for point in ([3, 3, 0], [5, 2, 0], [3, 4, 1], [-1, 8, 0]):
        view = _view()
        assert not view.offer(np.array(point, dtype=float)), point
        assert view.spread([0]) == (0.0, 0.0)  # nothing kept
