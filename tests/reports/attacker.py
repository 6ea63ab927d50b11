"""The attacker of issue 21: plant small groups, fetch every figure one reader may see through
the report service functions, and solve the linear system they make with a linear program.

The reader knows the structure (which services there are and the borough each belongs to,
the channels, the months) but no single count. Unknowns are the finest counts (answer or
"responded", service, borough, channel, month), never negative, and nobody answers a
question without responding. Every figure shown is one equation. For each figure whose
true value is
between 1 and threshold-1, the program's minimum and maximum (HiGHS) say how well the
reader can pin it: an interval narrower than the threshold singles people out.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.reports.disclosure import LinearView, is_pinned
from feedback.reports.models import ReportCell
from feedback.reports.periods import Period, ReportPeriod, single_year
from feedback.reports.release import BASE
from feedback.reports.schemas import Disclosure, ReportFilter, SurveyReport
from feedback.reports.service import survey_report
from feedback.settings import Settings
from tests.factories import create_service
from tests.support.reports import SLUG, add_counts

# Two questions: each one's figures shown where the responses are hidden bound those
# responses from below, and two such bounds from two sides can pin a cell between them.
QUESTIONS = ("felt_safer", "overall_satisfaction")
QUESTION = QUESTIONS[0]  # the one the surface walks read off every page and export
OPTIONS = ("1", "2", "3", "4", "5")
RESPONDED = "responded"


def answer(question: str, option: str) -> str:
    """A figure's row: one answer of one question."""
    return f"{question}:{option}"


def answers_of(question: str) -> tuple[str, ...]:
    """The rows a question's "answered" figure sums."""
    return tuple(answer(question, option) for option in OPTIONS)


ROWS = tuple(row for question in QUESTIONS for row in answers_of(question))


def release_row(rows: tuple[str, ...]) -> tuple[str, str]:
    """(question, row of its release) for an answer figure's rows: BASE for "answered"."""
    question, option = rows[0].split(":", 1)
    return question, BASE if rows == answers_of(question) else option


YEAR = 2026
CHANNELS = ("web", "sms")
# A borough with one small service, a borough of a big and a small one, a big one alone.
SERVICES = {
    "Solo Service": "westminster",
    "Kay Big": "kensington-chelsea",
    "Kay Small": "kensington-chelsea",
    "Aitch One": "hammersmith-fulham",
}
SMALL = ("Solo Service", "Kay Small")


class Cell(NamedTuple):
    service: str  # service id as text
    borough: str
    channel: str
    month: str


class Figure(NamedTuple):
    """What a reader sees: the rows summed (`question:option` answers, or RESPONDED), the
    period and slice."""

    rows: tuple[str, ...]
    period: str
    slice_: tuple[str, str]


def plant_counts(seed: int, ids: Mapping[str, int]) -> dict[tuple[str, Cell], int]:
    """(row, cell) -> count: big services answering mostly 4 and 5 on the web, small
    services with 1-4 respondents in a few months, a rare answer (1) given by 1-2 people,
    a few texts, and some who responded but skipped a question."""
    rng = random.Random(seed)
    counts: dict[tuple[str, Cell], int] = defaultdict(int)
    for name, borough in SERVICES.items():
        for month in range(1, 13):
            for channel in CHANNELS:
                cell = Cell(str(ids[name]), borough, channel, f"{YEAR}-{month:02d}")
                if name in SMALL:
                    people = rng.choice((0, 0, 0, 1, 2, 3, 4)) if channel == "web" else 0
                elif channel == "web":
                    people = rng.randint(6, 14)
                else:  # a few texts
                    people = rng.choice((0, 0, 1, 2))
                for _person in range(people):
                    for question in QUESTIONS:
                        if rng.random() < 0.15:
                            continue  # responded, skipped this question
                        chosen = rng.choice(("4", "5", "5", "3", "2"))
                        chosen = chosen if rng.random() > 0.1 else "1"
                        counts[(answer(question, chosen), cell)] += 1
                if people:
                    counts[(RESPONDED, cell)] += people
    return dict(counts)


async def plant(db: AsyncSession, version_id: int, seed: int) -> dict[tuple[str, Cell], int]:
    """Store the planted counts as intake would leave them: answer counters and the per-cell
    response counts the database keeps."""
    ids = {name: (await create_service(db, name, boroughs=(b,))).id for name, b in SERVICES.items()}
    counts = plant_counts(seed, ids)
    await add_counts(db, version_id, answer_counters(counts))
    for (row, c), n in counts.items():
        if row == RESPONDED:
            await db.merge(
                ReportCell(
                    survey_version_id=version_id,
                    service_id=int(c.service),
                    borough=c.borough,
                    month=c.month,
                    channel=c.channel,
                    responses=n,
                )
            )
    await db.commit()
    return counts


def answer_counters(
    counts: Mapping[tuple[str, Cell], int],
) -> dict[tuple[str, str, int, str, str, str], int]:
    """The planted answers as `add_counts` stores them."""
    counters = {}
    for (row, c), n in counts.items():
        if row != RESPONDED:
            question, option = row.split(":", 1)
            counters[(question, option, int(c.service), c.borough, c.month, c.channel)] = n
    return counters


def every_period(year: int = YEAR) -> list[ReportPeriod]:
    return list(single_year(year).periods())


async def fetch_everything(
    db: AsyncSession, staff: Staff, settings: Settings, service_ids: Sequence[int]
) -> dict[Figure, str]:
    """Every figure of the planted questions and every responses total the reader can ask
    for: each period of the year, all and each service, borough and channel."""
    boroughs = sorted(set(SERVICES.values()))
    filters: list[dict[str, object]] = [{}]
    filters += [{"service_id": s} for s in service_ids]
    filters += [{"borough": b} for b in boroughs] + [{"channel": c} for c in CHANNELS]
    seen: dict[Figure, str] = {}
    for period in every_period():
        for narrowing in filters:
            report = await survey_report(
                db,
                staff,
                SLUG,
                filters=ReportFilter(period=period.name, **narrowing),  # type: ignore[arg-type]
                disclosure=Disclosure.from_settings(settings),
            )
            for figure, shown in report_figures(report, period, narrowing):
                assert seen.setdefault(figure, shown) == shown, ("two values for", figure)
    return seen


def report_figures(
    report: SurveyReport, period: ReportPeriod, narrowing: Mapping[str, object]
) -> Iterable[tuple[Figure, str]]:
    slice_ = ("all", "")
    for axis, value in narrowing.items():
        slice_ = (axis.removesuffix("_id"), str(value))
    yield Figure((RESPONDED,), period.name, slice_), report.responses
    for question in (q for q in report.questions if q.id in QUESTIONS):
        every = answers_of(question.id)
        yield Figure(every, period.name, slice_), question.base
        for line in question.answers:
            yield Figure((answer(question.id, line.option),), period.name, slice_), line.shown
        for point in question.trend:
            yield Figure(every, point.period, slice_), point.base
            for line in point.answers:
                yield Figure((answer(question.id, line.option),), point.period, slice_), line.shown


class Pinned(NamedTuple):
    figure: Figure
    true: int
    low: float
    high: float


def _months(name: str) -> set[str]:
    period = next(p for p in every_period() if p.name == name)
    assert isinstance(period, Period)
    return {f"{YEAR}-{m:02d}" for m in period.months}


def _holds(figure: Figure, row: str, cell: Cell, months: set[str]) -> bool:
    axis, value = figure.slice_
    return (
        row in figure.rows
        and cell.month in months
        and (axis == "all" or getattr(cell, axis) == value)
    )


def _interval(shown: str) -> tuple[int, int] | None:
    if shown == "c":
        return None
    return int(shown), int(shown)


def attack(
    figures: Mapping[Figure, str],
    true_counts: Mapping[tuple[str, Cell], int],
    cells: Sequence[Cell],
    *,
    threshold: int,
) -> list[Pinned]:
    """Min and max of every figure whose true value is 1..threshold-1, subject to every
    figure shown; those pinned to an interval narrower than the threshold."""
    rows = (*ROWS, RESPONDED)
    unknowns = [(row, cell) for row in rows for cell in cells]
    index = {key: i for i, key in enumerate(unknowns)}
    members = {
        figure: [index[(row, cell)] for row, cell in unknowns if _holds(figure, row, cell, months)]
        for figure in figures
        for months in [_months(figure.period)]
    }
    view = LinearView(len(unknowns))
    for figure, shown in figures.items():
        bounds = _interval(shown)
        if bounds is not None:
            view.add_sum(members[figure], *bounds)
    for cell in cells:  # nobody answers without responding: answers <= responses
        for question in QUESTIONS:
            answered = [index[(row, cell)] for row in answers_of(question)]
            view.add_tie(answered, index[(RESPONDED, cell)])
    pinned = []
    for figure in figures:
        true = sum(true_counts.get(unknowns[i], 0) for i in members[figure])
        if 0 < true < threshold:
            low, high = view.interval(members[figure])
            if is_pinned((low, high), threshold):
                pinned.append(Pinned(figure, true, round(low, 3), round(high, 3)))
    return pinned


def structure(service_ids: Mapping[str, int], scope: Sequence[str]) -> list[Cell]:
    """Every cell the reader knows may exist: their services, each in its borough, every
    channel and month."""
    return [
        Cell(str(service_ids[name]), SERVICES[name], channel, f"{YEAR}-{month:02d}")
        for name in scope
        for channel in CHANNELS
        for month in range(1, 13)
    ]
