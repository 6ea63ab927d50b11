"""Differencing: reports one user may ask for never give a hidden count away by subtraction.

A hidden figure that is truly 0 may be provable as 0 (a zero total has zero parts); that
is not a count, and protection never relies on such a figure.

Every report reads the same joint release, so these tests take the release and play the
attacker: subtract what the reports show and check no hidden figure comes out.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.reports.periods import Period, single_year
from feedback.reports.release import ALL, BASE, Atom, Release, build_release
from feedback.reports.suppression import recoverable_hidden

BOROUGHS = ("hammersmith-fulham", "kensington-chelsea", "westminster")
OPTIONS = ("yes", "no")
Q1 = Period(2026, "quarter", 1)
MONTHS = tuple(Period(2026, "month", m) for m in (1, 2, 3))

atoms_strategy = st.dictionaries(
    st.builds(
        Atom,
        st.sampled_from(OPTIONS),
        st.sampled_from(("1", "2")),
        st.sampled_from(BOROUGHS),
        st.sampled_from(("web", "sms")),
        st.sampled_from(("2026-01", "2026-02", "2026-03")),
    ),
    st.integers(min_value=1, max_value=9),
    min_size=1,
    max_size=30,
)


def release_of(atoms: dict[Atom, int]) -> Release:
    return build_release(
        atoms,
        window=single_year(2026),
        rows=list(OPTIONS),
        additive=True,
        threshold=5,
        method="suppress",
    )


def shown(release: Release, row: str, period: Period, slice_: tuple[str, str]) -> int | None:
    return release.figure(row, period, slice_).count


@settings(max_examples=30, deadline=None)
@given(atoms_strategy)
def test_all_boroughs_against_two_of_them_never_reveals_the_third(
    atoms: dict[Atom, int],
) -> None:
    release = release_of(atoms)
    for row in (*OPTIONS, BASE):
        for period in (Q1, *MONTHS):
            for small in BOROUGHS:
                true = release.values.get((row, period, ("borough", small)), 0)
                if 0 < true < 5:
                    assert shown(release, row, period, ("borough", small)) is None
                others = [
                    shown(release, row, period, ("borough", b)) for b in BOROUGHS if b != small
                ]
                whole = shown(release, row, period, ALL)
                if shown(release, row, period, ("borough", small)) is None and true:
                    assert whole is None or None in others, (row, period, small)


@settings(max_examples=30, deadline=None)
@given(atoms_strategy)
def test_a_quarter_against_two_of_its_months_never_reveals_the_third(
    atoms: dict[Atom, int],
) -> None:
    release = release_of(atoms)
    slices = [ALL] + [("borough", b) for b in BOROUGHS] + [("channel", c) for c in ("web", "sms")]
    for row in (*OPTIONS, BASE):
        for slice_ in slices:
            for month in MONTHS:
                true = release.values.get((row, month, slice_), 0)
                if shown(release, row, month, slice_) is None and true:
                    rest = [shown(release, row, m, slice_) for m in MONTHS if m != month]
                    assert shown(release, row, Q1, slice_) is None or None in rest


@settings(max_examples=40, deadline=None)
@given(atoms_strategy)
def test_no_combination_of_a_users_reports_solves_a_hidden_count(
    atoms: dict[Atom, int],
) -> None:
    """The strongest form: every sum linking any two reports, solved together."""
    from feedback.reports.release import SLICE_AXES, _constraints

    release = release_of(atoms)
    seen = {
        axis: {slice_[1] for (_r, _p, slice_) in release.values if slice_[0] == axis}
        for axis in SLICE_AXES
    }
    slices = [ALL] + [(axis, value) for axis in SLICE_AXES for value in sorted(seen[axis])]
    constraints = _constraints(single_year(2026), [*OPTIONS, BASE], slices, seen, additive=True)
    recovered = recoverable_hidden(release.hidden, constraints)
    assert all(release.values.get(node, 0) == 0 for node in recovered)  # only known zeros


def test_a_small_borough_is_hidden_along_with_a_companion() -> None:
    atoms = {
        Atom("yes", "1", "westminster", "web", "2026-01"): 20,
        Atom("yes", "1", "kensington-chelsea", "web", "2026-01"): 30,
        Atom("yes", "1", "hammersmith-fulham", "web", "2026-01"): 2,
        Atom("no", "1", "westminster", "web", "2026-01"): 10,
        Atom("no", "1", "kensington-chelsea", "web", "2026-01"): 10,
        Atom("no", "1", "hammersmith-fulham", "web", "2026-01"): 10,
    }
    release = release_of(atoms)
    assert shown(release, "yes", Q1, ALL) == 52
    assert shown(release, "yes", Q1, ("borough", "hammersmith-fulham")) is None
    figures = [shown(release, "yes", Q1, ("borough", b)) for b in BOROUGHS]
    assert figures.count(None) >= 2
