"""How tightly a reader can pin a figure: the linear program over what they have seen.

A reader who puts every figure they can see side by side holds a linear system: each shown
figure is a sum of the finest counts (exactly, or within the interval a rounded figure
stands for), and counts are never negative. The least and greatest value a figure can take
in that system (a linear program, solved by HiGHS) is all the reader can know of it; the
figure gives people away when that interval is narrower than the threshold, whether
equations or the non-negativity bounds pinned it. Plain functions over indices, no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np

CEILING = 1e9  # no count is this large: keeps every program bounded, so status is simple
POOL = 512  # solutions kept to answer "can it be that far apart?" without solving


class LinearView:
    """Non-negative unknowns 0..width-1, sums of them known to lie in [low, high], and
    ties (the parts' sum is at most the whole: nobody answers without responding).

    One model is built once; `interval` re-solves it per objective, warm-started from the
    last basis (primal simplex, no presolve). `forget` only relaxes: a hidden sum's row
    loses its bounds, and an unknown that no shown zero fixes any more gets its upper bound
    back, so every solution found stays feasible. That is why `spread` may answer from the
    solutions kept: two feasible points far enough apart already prove a figure protected."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._sums: list[tuple[Sequence[int], float, float]] = []
        self._ties: list[tuple[Sequence[int], int]] = []
        self._highs: highspy.Highs | None = None
        self._objective: list[int] = []
        self._zero_cover = np.zeros(width, dtype=np.int64)
        self._points = np.zeros((0, width))
        self._kept = self._slot = 0
        self.binding: set[int] = set()  # sums whose bounds held up the last interval

    def add_sum(self, members: Sequence[int], low: float, high: float) -> int:
        """Record a known sum (before the first `interval`); its id lets `forget` drop it."""
        assert self._highs is None, "sums are added before solving"
        self._sums.append((members, low, high))
        if high <= 0:
            self._zero_cover[list(members)] += 1
        return len(self._sums) - 1

    def add_tie(self, parts: Sequence[int], whole: int) -> None:
        assert self._highs is None, "ties are added before solving"
        self._ties.append((parts, whole))

    def forget(self, sum_id: int) -> None:
        """The reader no longer sees this sum (it is now hidden)."""
        highs = self._model()
        members, _low, high = self._sums[sum_id]
        highs.changeRowBounds(sum_id, -np.inf, np.inf)
        if high <= 0:
            self._zero_cover[list(members)] -= 1
            freed = np.array([i for i in members if self._zero_cover[i] == 0], dtype=np.int32)
            if len(freed):
                size = len(freed)
                highs.changeColsBounds(size, freed, np.zeros(size), np.full(size, CEILING))

    def offer(self, point: np.ndarray) -> bool:
        """Keep `point` (for example the true counts) when it meets every sum, tie and
        shown zero; a point that does not is refused, so `spread` stays a proof."""
        if len(point) != self.width or (point < 0).any() or (point[self._zero_cover > 0] > 0).any():
            return False
        for members, low, high in self._sums:
            total = point[list(members)].sum() if len(members) else 0.0
            if not low - 1e-9 <= total <= high + 1e-9:
                return False
        if any(point[list(parts)].sum() > point[whole] + 1e-9 for parts, whole in self._ties):
            return False
        self._keep(point.astype(float))
        return True

    def spread(self, members: Sequence[int]) -> tuple[float, float]:
        """The least and greatest sum of `members` in the solutions kept: feasible values,
        so the true interval holds at least this much."""
        if not self._kept or not len(members):
            return 0.0, 0.0
        sums = self._points[: self._kept, list(members)].sum(axis=1)
        return float(sums.min()), float(sums.max())

    def pinned(self, members: Sequence[int], threshold: int) -> bool:
        """`is_pinned` on the interval, solving no more than it must: kept solutions first,
        then the greatest value (small counts are bounded by 0 below, so the top usually
        decides), the least only when still needed. `binding` is set when it solved."""
        self.binding = set()
        low, high = self.spread(members)
        if not is_pinned((low, high), threshold):
            return False
        highs = self._model()
        self._set_objective(highs, members)
        high = max(high, self._optimise(highs, highspy.ObjSense.kMaximize))
        if not is_pinned((low, high), threshold):
            return False
        low = self._optimise(highs, highspy.ObjSense.kMinimize)
        return is_pinned((low, high), threshold)

    def interval(self, members: Sequence[int]) -> tuple[float, float]:
        """The least and greatest value the sum of `members` can take."""
        highs = self._model()
        self._set_objective(highs, members)
        self.binding = set()
        low = self._optimise(highs, highspy.ObjSense.kMinimize)
        high = self._optimise(highs, highspy.ObjSense.kMaximize)
        return low, high

    def _model(self) -> highspy.Highs:
        if self._highs is not None:
            return self._highs
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # re-solves start from the last basis
        highs.setOptionValue("simplex_strategy", 4)  # primal: a new objective keeps it feasible
        upper = np.where(self._zero_cover > 0, 0.0, CEILING)
        highs.addVars(self.width, np.zeros(self.width), upper)
        rows = [(list(m), [1.0] * len(m), low, high) for m, low, high in self._sums]
        rows += [([*p, w], [1.0] * len(p) + [-1.0], -np.inf, 0.0) for p, w in self._ties]
        if rows:  # row i is sum i: `forget` relaxes it by id
            starts = np.cumsum([0] + [len(cols) for cols, *_ in rows[:-1]]).astype(np.int32)
            indices = np.array([c for cols, *_ in rows for c in cols], dtype=np.int32)
            values = np.array([v for _c, coefs, *_ in rows for v in coefs])
            lows = np.array([row[2] for row in rows], dtype=float)
            highs_ = np.array([row[3] for row in rows], dtype=float)
            highs.addRows(len(rows), lows, highs_, len(indices), starts, indices, values)
        self._highs, self._objective = highs, []
        return highs

    def _set_objective(self, highs: highspy.Highs, members: Sequence[int]) -> None:
        if self._objective:
            previous = np.array(self._objective, dtype=np.int32)
            highs.changeColsCost(len(previous), previous, np.zeros(len(previous)))
        chosen = np.array(sorted(set(members)), dtype=np.int32)
        if len(chosen):
            highs.changeColsCost(len(chosen), chosen, np.ones(len(chosen)))
        self._objective = chosen.tolist()

    def _optimise(self, highs: highspy.Highs, sense: highspy.ObjSense) -> float:
        if not self._objective:
            return 0.0
        highs.changeObjectiveSense(sense)
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise ArithmeticError(f"disclosure check: the reader's system is {status}")
        solution = highs.getSolution()
        self._keep(np.array(solution.col_value))
        duals = np.array(solution.row_dual[: len(self._sums)])
        self.binding.update(np.flatnonzero(np.abs(duals) > 1e-9).tolist())
        return float(highs.getInfo().objective_function_value)

    def _keep(self, point: np.ndarray) -> None:
        if not len(self._points):
            self._points = np.zeros((POOL, self.width))
        self._points[self._slot % POOL] = point  # a ring: the newest replace the oldest
        self._slot += 1
        self._kept = min(self._slot, POOL)


def is_pinned(interval: tuple[float, float], threshold: int) -> bool:
    """Narrower than the threshold: the reader knows the figure too well."""
    low, high = interval
    return high - low < threshold - 1e-6


__all__ = ["LinearView", "is_pinned"]
