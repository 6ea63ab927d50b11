"""Issue 21's attacker turned on the matched-pair figures: plant small groups of pairs, take
every outcome figure one reader may see (every period of the year, all, each service and
each borough, and the exit responses by channel too), and solve the linear system they make.
No figure between 1 and threshold-1 - matched n, an item's matched n or one of its derived
rows - may be pinned to an interval narrower than the threshold.

The reader sees more here than any page shows: each derived row's count exactly as the
protected release holds it (pages show only shares of them). If that cannot pin a hidden
count, nothing the pages show can. Unknowns are the finest counts per cell (service,
borough, channel, month), never negative; a cell's pairs are at most its exit responses and
an item's pairs at most the cell's pairs (splitting pairs by channel loses nothing: any
split of a service-month's pairs under its responses is possible).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.organisations.models import Service
from feedback.outcomes.families import MATCHED
from feedback.outcomes.models import OutcomePairCount
from feedback.outcomes.pairing import PAIRS_ITEM
from feedback.outcomes.report import outcome_figures
from feedback.reports.disclosure import LinearView, is_pinned
from feedback.reports.models import ReportCell
from feedback.reports.periods import Period, parse_period, single_year
from feedback.reports.release import BASE
from feedback.reports.schemas import Disclosure
from feedback.settings import Settings
from tests.factories import create_service
from tests.support.outcomes import Surveys

YEAR = 2026
CHANNELS = ("web", "sms")
SERVICES = {  # a borough of one small service, one of a big and a small, a big one alone
    "Solo Service": "westminster",
    "Kay Big": "kensington-chelsea",
    "Kay Small": "kensington-chelsea",
    "Aitch One": "hammersmith-fulham",
}
SMALL = ("Solo Service", "Kay Small")
READERS = {"lead": tuple(SERVICES), "service_manager": ("Kay Big", "Kay Small")}
RESPONDED, PAIRED = "responded", "paired"
SAFETY = ("higher", "same", "lower")  # safety_now at exit against intake
ABUSE = ("stopped", "reduced", "same", "increased", "not_applicable")  # intake said yes
FAMILY_ROWS = {"safety_now": SAFETY, "abuse_physical": ABUSE}
ROWS = (RESPONDED, PAIRED, *(f"{f}:{r}" for f, rows in FAMILY_ROWS.items() for r in rows))


class Cell(NamedTuple):
    service: str
    borough: str
    channel: str
    month: str


class Seen(NamedTuple):
    rows: tuple[str, ...]
    period: str
    slice_: tuple[str, str]


def _safety(before: int, after: int) -> str:
    return "higher" if after > before else "lower" if after < before else "same"


async def plant(db: AsyncSession, version_id: int, seed: int) -> dict[tuple[str, Cell], int]:
    """Exit responses per cell (big services many, small ones 0-4 in a few months) and, for
    some of them, a matched pair with a safety and a physical-abuse answer at each end."""
    rng = random.Random(seed)
    ids = {n: (await create_service(db, n, boroughs=(b,))).id for n, b in SERVICES.items()}
    truth: dict[tuple[str, Cell], int] = defaultdict(int)
    pair_rows: dict[tuple[int, str, str, str, str, str], int] = defaultdict(int)
    for name, borough in SERVICES.items():
        for month in range(1, 13):
            month_key = f"{YEAR}-{month:02d}"
            for channel in CHANNELS:
                cell = Cell(str(ids[name]), borough, channel, month_key)
                if name in SMALL:
                    people = rng.choice((0, 0, 1, 2, 3, 4)) if channel == "web" else 0
                else:
                    people = rng.randint(6, 12) if channel == "web" else rng.choice((0, 1, 2))
                if not people:
                    continue
                truth[(RESPONDED, cell)] += people
                await db.merge(
                    ReportCell(
                        survey_version_id=version_id,
                        service_id=ids[name],
                        borough=borough,
                        month=month_key,
                        channel=channel,
                        responses=people,
                    )
                )
                for _person in range(people):
                    if rng.random() < 0.4:
                        continue  # no code entered: unpaired
                    truth[(PAIRED, cell)] += 1
                    key = (ids[name], borough, month_key)
                    pair_rows[(*key, PAIRS_ITEM, "", "")] += 1
                    before, after = rng.randint(0, 10), rng.randint(0, 10)
                    pair_rows[(*key, "safety_now", str(before), str(after))] += 1
                    truth[(f"safety_now:{_safety(before, after)}", cell)] += 1
                    present = rng.choice(("yes", "yes", "no"))
                    change = rng.choice((*ABUSE, "stopped", "reduced"))
                    pair_rows[(*key, "abuse_physical", present, change)] += 1
                    if present == "yes":
                        truth[(f"abuse_physical:{change}", cell)] += 1
    for (service, borough, month, item, before, after), count in pair_rows.items():
        db.add(
            OutcomePairCount(
                survey_version_id=version_id,
                service_id=service,
                borough=borough,
                month=month,
                item=item,
                intake_answer=before,
                exit_answer=after,
                count=count,
            )
        )
    await db.commit()
    return dict(truth)


async def everything_seen(
    db: AsyncSession, reader: Staff, settings: Settings, scope: Sequence[int]
) -> dict[Seen, str]:
    figures = await outcome_figures(
        db, reader, parse_period(str(YEAR)), disclosure=Disclosure.from_settings(settings)
    )
    boroughs = sorted({SERVICES[n] for n in SERVICES})
    slices = [("all", ""), *(("service", str(s)) for s in scope)]
    slices += [("borough", b) for b in boroughs]
    seen: dict[Seen, str] = {}
    for period in single_year(YEAR).periods():
        for slice_ in [*slices, *(("channel", c) for c in CHANNELS)]:
            shown = figures.exit_responses.figure(BASE, period, slice_).shown
            seen[Seen((RESPONDED,), period.name, slice_)] = shown
        for slice_ in slices:
            matched = figures.matched.matched.figure(MATCHED, period, slice_).shown
            seen[Seen((PAIRED,), period.name, slice_)] = matched
            for family, rows in FAMILY_ROWS.items():
                release = figures.matched.items[family]
                names = tuple(f"{family}:{row}" for row in rows)
                seen[Seen(names, period.name, slice_)] = release.figure(BASE, period, slice_).shown
                for row, name in zip(rows, names, strict=True):
                    seen[Seen((name,), period.name, slice_)] = release.figure(
                        row, period, slice_
                    ).shown
    return seen


def _months(name: str) -> set[str]:
    period = parse_period(name)
    assert isinstance(period, Period)
    return {f"{YEAR}-{m:02d}" for m in period.months}


def _bounds(shown: str) -> tuple[int, int] | None:
    if shown == "c":
        return None
    return int(shown), int(shown)


def attack(
    seen: Mapping[Seen, str],
    truth: Mapping[tuple[str, Cell], int],
    cells: Sequence[Cell],
    *,
    threshold: int,
) -> list[tuple[Seen, int, float, float]]:
    unknowns = [(row, cell) for row in ROWS for cell in cells]
    index = {key: i for i, key in enumerate(unknowns)}

    def holds(figure: Seen, row: str, cell: Cell, months: set[str]) -> bool:
        axis, value = figure.slice_
        inside = axis == "all" or getattr(cell, axis) == value
        return row in figure.rows and cell.month in months and inside

    members = {
        figure: [index[(r, c)] for r, c in unknowns if holds(figure, r, c, months)]
        for figure in seen
        for months in [_months(figure.period)]
    }
    view = LinearView(len(unknowns))
    for figure, shown in seen.items():
        bounds = _bounds(shown)
        if bounds is not None:
            view.add_sum(members[figure], *bounds)
    for cell in cells:
        view.add_tie([index[(PAIRED, cell)]], index[(RESPONDED, cell)])
        for family, rows in FAMILY_ROWS.items():
            view.add_tie([index[(f"{family}:{r}", cell)] for r in rows], index[(PAIRED, cell)])
    pinned = []
    for figure in seen:
        true = sum(truth.get(unknowns[i], 0) for i in members[figure])
        if 0 < true < threshold:
            low, high = view.interval(members[figure])
            if is_pinned((low, high), threshold):
                pinned.append((figure, true, round(low, 3), round(high, 3)))
    return pinned


@pytest.mark.parametrize("role", sorted(READERS))
@pytest.mark.parametrize("seed", [3, 20, 33])  # 33 pinned a small month's pairs until
# each item was read within the exit responses too and hidden where matched n is
async def test_no_small_matched_count_is_pinned_by_everything_one_reader_sees(
    db: AsyncSession, settings: Settings, surveys: Surveys, role: str, seed: int
) -> None:
    truth = await plant(db, surveys.place.survey_version_id, seed=seed)
    ids = {cell.service for _row, cell in truth}
    names = {str(await service_id_of(db, name)): name for name in SERVICES}
    assert ids <= set(names)
    scope = [int(i) for i, name in names.items() if name in READERS[role]]
    reader = Staff(
        id=0,
        email="reader@example.org",
        role=role,
        service_ids=tuple(scope),
        two_factor_enabled=True,
    )
    seen = await everything_seen(db, reader, settings, scope)
    cells = [
        Cell(str(i), SERVICES[names[str(i)]], channel, f"{YEAR}-{m:02d}")
        for i in scope
        for channel in CHANNELS
        for m in range(1, 13)
    ]
    mine = {key: n for key, n in truth.items() if int(key[1].service) in scope}
    small = sum(1 for (row, _c), n in mine.items() if row != RESPONDED and 0 < n < 5)
    assert small > 10, "the plant must hold small matched groups to attack"
    pinned = attack(seen, mine, cells, threshold=settings.suppression_threshold)
    hidden = sum(1 for shown in seen.values() if shown == "c")
    assert not pinned, f"{len(pinned)} of {hidden} hidden pinned, e.g. {pinned[:5]}"


async def service_id_of(db: AsyncSession, name: str) -> int:
    found = await db.scalar(select(Service.id).where(Service.name == name))
    assert found is not None
    return found
