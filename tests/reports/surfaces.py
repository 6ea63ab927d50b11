"""Reading figures off the live surfaces (issue 21): the report API, CSV and XLSX exports and
the report page, each turned into the attacker's `Figure` -> shown text, so the walk test can
check them against the release and the live attacker can put them into its linear program.

Planting here stores real response rows (the database's triggers count them per cell, as
intake does) and theme tags on some of them, so the themes family has small groups too.
"""

from __future__ import annotations

import csv
import io
import random
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date

import msgspec
import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.models import KeyPeriod
from feedback.reports.schemas import SurveyReport
from feedback.responses.models import Response
from feedback.themes.models import ResponseTagging, ThemeTag
from tests.factories import create_service
from tests.reports.attacker import (
    QUESTION,
    QUESTIONS,
    RESPONDED,
    SERVICES,
    Cell,
    Figure,
    answer,
    answer_counters,
    answers_of,
    every_period,
    plant_counts,
    report_figures,
)
from tests.support.reports import SLUG, add_counts

Client = AsyncTestClient[Litestar]
THEMES = ("safety", "being_believed")
SENTIMENTS = ("negative", "positive")


async def plant_responses(
    db: AsyncSession, version_id: int, seed: int
) -> dict[tuple[str, Cell], int]:
    """The attacker's planted counts, with one stored response per respondent (counted per
    cell by the database) and, for about half of them, a theme tag."""
    ids = {name: (await create_service(db, name, boroughs=(b,))).id for name, b in SERVICES.items()}
    counts = plant_counts(seed, ids)
    await add_counts(db, version_id, answer_counters(counts))
    key_period = await db.scalar(select(KeyPeriod.id).limit(1))
    assert key_period is not None
    rng = random.Random(seed)
    for (row, cell), people in sorted(counts.items()):
        if row != RESPONDED:
            continue
        year, month = (int(part) for part in cell.month.split("-"))
        for _person in range(people):
            response_id = str(uuid.UUID(int=rng.getrandbits(128)))
            db.add(
                Response(
                    id=response_id,
                    survey_version_id=version_id,
                    service_id=int(cell.service),
                    borough=cell.borough,
                    channel=cell.channel,
                    language="en",
                    submitted_on=date(year, month, rng.randint(1, 28)),
                    key_period_id=key_period,
                    sealed=b"planted",
                    receipt_digest=uuid.uuid4().hex * 2,
                )
            )
            await db.flush()
            # Already through the tagger: the app's start-up sweep leaves planted rows alone.
            db.add(
                ResponseTagging(
                    response_id=response_id,
                    tagger_version="planted",
                    tagged_on=date(year, month, 28),
                    sentiment="neutral",
                    polarity=0.0,
                )
            )
            if rng.random() < 0.5:
                db.add(
                    ThemeTag(
                        response_id=response_id,
                        question_id="what_helped_most",
                        theme_id=rng.choice(THEMES),
                        source="machine",
                        sentiment=rng.choice(SENTIMENTS),
                        polarity=0.0,
                        decision="accepted",
                    )
                )
    await db.commit()
    return counts


def narrowings(service_ids: Iterable[int]) -> list[dict[str, object]]:
    """All, each service in scope, each borough and each channel: one at a time."""
    filters: list[dict[str, object]] = [{}]
    filters += [{"service_id": s} for s in service_ids]
    filters += [{"borough": b} for b in sorted(set(SERVICES.values()))]
    return filters + [{"channel": c} for c in ("web", "sms")]


def query(period: str, narrowing: Mapping[str, object]) -> str:
    return "&".join([f"period={period}", *(f"{k}={v}" for k, v in narrowing.items())])


def slice_of(narrowing: Mapping[str, object]) -> tuple[str, str]:
    for axis, value in narrowing.items():
        return axis.removesuffix("_id"), str(value)
    return "all", ""


def api_figures(
    body: bytes, period: str, narrowing: Mapping[str, object]
) -> list[tuple[Figure, str]]:
    """Every figure of the planted question and the responses total in a report API answer
    (its trend included)."""
    report = msgspec.json.decode(body, type=SurveyReport)
    chosen = next(p for p in every_period() if p.name == period)
    return list(report_figures(report, chosen, narrowing))


def _table_figures(
    responses: object, rows: Iterable[Mapping[str, object]], period: str, slice_: tuple[str, str]
) -> list[tuple[Figure, str]]:
    found = [(Figure((RESPONDED,), period, slice_), str(responses))]
    for row in rows:
        question = str(row["question_id"])
        if question in QUESTIONS:
            found.append(
                (Figure((answer(question, str(row["option"])),), period, slice_), str(row["count"]))
            )
            found.append((Figure(answers_of(question), period, slice_), str(row["base"])))
    return found


def csv_figures(
    text: str, period: str, narrowing: Mapping[str, object]
) -> list[tuple[Figure, str]]:
    _legend, responses, *table = text.splitlines()
    rows = csv.DictReader(io.StringIO("\n".join(table)))
    return _table_figures(responses.split(",")[1], rows, period, slice_of(narrowing))


def xlsx_figures(
    content: bytes, period: str, narrowing: Mapping[str, object]
) -> list[tuple[Figure, str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    _title, _legend, responses, header, *table = list(sheet.iter_rows(values_only=True))
    rows = [dict(zip(header, row, strict=True)) for row in table]
    return _table_figures(responses[1], rows, period, slice_of(narrowing))


_RESPONSES = re.compile(r"<strong>Responses:</strong> ([^.<]+)\.")
_COUNT_CELL = re.compile(r'<tr><th scope="row">[^<]*</th><td class="numeric">([^<]*)</td>')
_ANSWERED = re.compile(r'<tr><th scope="row">Answered</th>((?:<td class="numeric">[^<]*</td>)+)')


def page_figures(
    html: str, options: list[str], children: list[str], period: str, slice_: tuple[str, str]
) -> list[tuple[Figure, str]]:
    """The report page: the responses line, the planted question's answer table (counts in
    the order of `options`, then "Answered") and its trend's "Answered" row per part."""
    found = [(Figure((RESPONDED,), period, slice_), _one(_RESPONSES, html))]
    section = html.split(f'aria-labelledby="q-{QUESTION}"', 1)[1].split("</section>", 1)[0]
    answers, *trend = section.split("<h3>", 1)
    counts = _COUNT_CELL.findall(answers)
    assert len(counts) == len(options) + 1, counts
    found += [
        (Figure((answer(QUESTION, o),), period, slice_), c)
        for o, c in zip(options, counts, strict=False)
    ]
    found.append((Figure(answers_of(QUESTION), period, slice_), counts[-1]))
    if trend:
        row = _ANSWERED.search(trend[0])
        assert row is not None
        bases = re.findall(r'<td class="numeric">([^<]*)</td>', row.group(1))
        every = answers_of(QUESTION)
        found += [(Figure(every, p, slice_), b) for p, b in zip(children, bases, strict=True)]
    return found


def _one(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    assert found is not None, pattern.pattern
    return found.group(1)


def record(seen: dict[Figure, str], found: Iterable[tuple[Figure, str]], where: str) -> None:
    """Add figures read off a surface; the same figure must read the same everywhere."""
    for figure, shown in found:
        earlier = seen.setdefault(figure, shown)
        assert earlier == shown, (where, figure, earlier, shown)


__all__ = [
    "SLUG",
    "api_figures",
    "csv_figures",
    "narrowings",
    "page_figures",
    "plant_responses",
    "query",
    "record",
    "slice_of",
    "xlsx_figures",
]
