"""The matched-pair figures as protected families: plain functions, no SQL.

Pair counters hold, per exit survey version, service, borough and month, how many matched
pairs gave each (intake answer, exit answer) to a paired item, and `_pairs`, the pairs
themselves. Reports never show those raw combinations (an 11 x 11 grid of a 0-10 scale is
almost all small cells); they show a few derived rows per item: safer / same / less safe,
moved into or out of the ONS "high" band, and for those who reported an abuse type at
intake, what happened to it. Each item's derived rows are one family protected by
`reports.release.build_release`, so the same rules as every other report apply:

- matched n (`MATCHED`) is a family of its own, read beside the exit survey's responses
  release (a cell's pairs are at most its exit responses), so a hidden matched count
  cannot be worked out from the responses totals or from other services' matched counts;
- each item's family is read beside the matched release (a cell's pairs who answered an
  item are at most its pairs) and, through it, the exit responses (at most its responses),
  so item figures cannot be subtracted from matched n or used to bound the responses;
- each item's figures are hidden wherever matched n is: an item shown where its pairs are
  hidden bounds them from below, and two items doing that for two months bound a third
  month's pairs from above, which neither item's own program sees (the attacker found a
  month of one pair pinned to 0-4 that way, with seed 33).

Pair counters carry no channel, but "a cell's pairs are at most its responses" must be in
the reader's program (without it, pairs shown for some months bound the responses of the
others from below, and a quarter's total then pins a small month: the attacker in
tests/outcomes/test_attacker.py found exactly that). So for protection only, each
service-month's pairs are spread over the channels its exit responses came by, never more
in a channel than its responses (`_spread`), and each item's pairs over those channel
shares the same way. The program then holds the ties cell by cell; it also believes the
reader sees matched figures by channel, which no page shows, so it can only hide more, never
less. Only "all", service and borough slices of these families are ever shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import msgspec

from feedback.outcomes.pairing import PAIRS_ITEM
from feedback.reports.periods import ReportPeriod, Window
from feedback.reports.release import BASE, Atom, Release, Responses, Slice, build_release
from feedback.surveys.definition import PREFER_NOT_TO_SAY

MATCHED = "matched"
PAIRED_CHANNEL = "paired"
PairKey = tuple[str, str, str]  # item, intake answer, exit answer
PairAtoms = Mapping[PairKey, Mapping[Atom, int]]  # Atom.row is unused (set per family)
Classify = Callable[[str, str], str | None]

ABUSE_TYPES = (
    "physical",
    "sexual",
    "harassment_stalking",
    "coercive_control",
    "economic",
    "online",
)
ABUSE_ROWS = ("stopped", "reduced", "same", "increased", "not_applicable")
DIRECTION_ROWS = ("higher", "same", "lower")
BAND_ROWS = ("into_high", "stayed_high", "left_high", "stayed_below")
HIGH_FROM = {  # ONS bands: life satisfaction, worthwhile, happy 7-10 high; anxiety 6-10 high
    "ons_life_satisfaction": 7,
    "ons_worthwhile": 7,
    "ons_happy_yesterday": 7,
    "ons_anxious_yesterday": 6,
}
DIRECTION_ITEMS = ("safety_now", "freedom_daily_life")


def _number(answer: str) -> int | None:
    return int(answer) if answer.isdigit() else None


def _direction(before: str, after: str) -> str | None:
    """higher / same / lower on a 0-10 item; None when either end was not a number."""
    low, high = _number(before), _number(after)
    if low is None or high is None:
        return None
    return "higher" if high > low else "lower" if high < low else "same"


def _band(threshold: int) -> Classify:
    def classify(before: str, after: str) -> str | None:
        low, high = _number(before), _number(after)
        if low is None or high is None:
            return None
        was, now = low >= threshold, high >= threshold
        return {
            (False, True): "into_high",
            (True, True): "stayed_high",
            (True, False): "left_high",
            (False, False): "stayed_below",
        }[(was, now)]

    return classify


def _abuse(before: str, after: str) -> str | None:
    """Only pairs who said yes at intake; prefer not to say at exit is no answer."""
    if before != "yes" or after == PREFER_NOT_TO_SAY or after not in ABUSE_ROWS:
        return None
    return after


class FamilySpec(NamedTuple):
    """One protected family: the paired item it reads and the rows it derives."""

    item: str
    rows: tuple[str, ...]
    classify: Classify
    scale: bool  # a 0-10 item: its mean change is shown beside the rows


FAMILIES: dict[str, FamilySpec] = {
    **{item: FamilySpec(item, DIRECTION_ROWS, _direction, True) for item in DIRECTION_ITEMS},
    **{item: FamilySpec(item, BAND_ROWS, _band(high), True) for item, high in HIGH_FROM.items()},
    **{
        f"abuse_{kind}": FamilySpec(f"abuse_{kind}", ABUSE_ROWS, _abuse, False)
        for kind in ABUSE_TYPES
    },
}


class MatchedReleases(NamedTuple):
    matched: Release  # row MATCHED: the pairs
    items: dict[str, Release]  # by FAMILIES key


def protect_matched(
    pairs: PairAtoms,
    exit_responses: Responses,
    *,
    window: Window,
    threshold: int,
    method: str,
) -> MatchedReleases:
    """Every matched family of one scope and window, each protected against the one it
    sits beside (see the module docstring)."""
    pair_atoms = _spread(_rows(pairs, {PAIRS_ITEM: lambda _b, _a: MATCHED}), exit_responses.atoms)
    matched = build_release(
        pair_atoms,
        window=window,
        rows=[MATCHED],
        additive=True,
        threshold=threshold,
        method=method,
        responses=exit_responses,
    )
    beside = Responses(
        {atom._replace(row=BASE): count for atom, count in pair_atoms.items()},
        as_base(matched),
    )
    items = {
        code: _hidden_with(
            build_release(
                _spread(_rows(pairs, {spec.item: spec.classify}), beside.atoms),
                window=window,
                rows=list(spec.rows),
                additive=True,
                threshold=threshold,
                method=method,
                responses=beside,
                within=[exit_responses],
            ),
            beside.release,
        )
        for code, spec in FAMILIES.items()
    }
    return MatchedReleases(matched, items)


def _hidden_with(release: Release, matched: Release) -> Release:
    """`release` with every figure hidden where matched n is: an item's figures shown where
    the pairs are hidden would bound those pairs from below, and so, with the other items'
    figures, bound other cells' pairs and responses from above (hiding more is always safe)."""
    gone = {(period, slice_) for _row, period, slice_ in matched.hidden}
    hidden = release.hidden | {node for node in release.values if (node[1], node[2]) in gone}
    return msgspec.structs.replace(release, hidden=frozenset(hidden))


def as_base(release: Release) -> Release:
    """The matched release read as a responses release (its MATCHED row as BASE): hidden
    where either the row or its total is hidden, so it never shows more than it did."""
    values = {(BASE, p, s): v for (row, p, s), v in release.values.items() if row == MATCHED}
    hidden = {(BASE, p, s) for (row, p, s) in release.hidden if row in (MATCHED, BASE)}
    return Release(values=values, hidden=frozenset(hidden), method=release.method)


def _rows(pairs: PairAtoms, classify: Mapping[str, Classify]) -> dict[Atom, int]:
    """The pair counters of the items in `classify`, summed into their derived rows."""
    atoms: dict[Atom, int] = defaultdict(int)
    for (item, before, after), cells in pairs.items():
        if item not in classify:
            continue
        row = classify[item](before, after)
        if row is None:
            continue
        for atom, count in cells.items():
            atoms[atom._replace(row=row)] += count
    return dict(atoms)


def _spread(atoms: Mapping[Atom, int], room: Mapping[Atom, int]) -> dict[Atom, int]:
    """`atoms` (any channel) moved onto the channels of `room` (BASE atoms: how many each
    channel's cell holds) of the same service, borough and month, filling channels in order
    and never past their room; what does not fit (counts outliving a response deleted after
    its key was destroyed) stays in the last channel, where the tie then does not hold."""
    free: dict[tuple[str, str, str], list[list[Any]]] = defaultdict(list)
    for atom, count in sorted(room.items()):
        free[(atom.service, atom.borough, atom.month)].append([atom.channel, count])
    spread: dict[Atom, int] = defaultdict(int)
    for atom, count in sorted(atoms.items()):
        channels = free.get((atom.service, atom.borough, atom.month)) or [[atom.channel, count]]
        left = count
        for slot in channels:
            taken = min(left, slot[1])
            if taken:
                spread[atom._replace(channel=slot[0])] += taken
                slot[1] -= taken
                left -= taken
        if left:
            spread[atom._replace(channel=channels[-1][0])] += left
    return dict(spread)


def mean_change(
    pairs: PairAtoms, item: str, period: ReportPeriod, slice_: Slice
) -> tuple[int, float]:
    """(pairs counted, mean of exit minus intake) on a 0-10 item for one period and slice;
    shown only beside a shown matched n of at least the threshold (see `report`)."""
    months = {f"{year:04d}-{month:02d}" for year, month in period.month_keys()}
    total = change = 0
    for (name, before, after), cells in pairs.items():
        low, high = _number(before), _number(after)
        if name != item or low is None or high is None:
            continue
        for atom, count in cells.items():
            if atom.month in months and _in_slice(atom, slice_):
                total += count
                change += count * (high - low)
    return total, (change / total if total else 0.0)


def _in_slice(atom: Atom, slice_: Slice) -> bool:
    axis, value = slice_
    return axis == "all" or getattr(atom, axis) == value


__all__ = [
    "ABUSE_ROWS",
    "ABUSE_TYPES",
    "BAND_ROWS",
    "DIRECTION_ROWS",
    "FAMILIES",
    "HIGH_FROM",
    "MATCHED",
    "PAIRED_CHANNEL",
    "FamilySpec",
    "MatchedReleases",
    "PairAtoms",
    "as_base",
    "mean_change",
    "protect_matched",
]
