"""Report latency on 1,000,000 responses' worth of counters in PostgreSQL.

    .venv/bin/python bench/reports.py [--responses 1000000] [--runs 20]
        [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

Creates a throw-away database `feedback_bench_reports`, runs the real migrations, publishes
the satisfaction survey, adds 40 services across the 3 boroughs and spreads the responses'
closed answers over 24 months and 3 channels as answer counters (what intake would have
written). Then times, as a lead: the main survey report for a year, and a filtered one (a
quarter, one borough), p50 and p95. The floor is the one SELECT of the year's counters the
report starts from, so the difference is the protection and shaping in Python.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from pathlib import Path

import asyncpg

from feedback.auth.schemas import Staff
from feedback.db.engine import create_engine, session_factory
from feedback.db.migrate import upgrade
from feedback.organisations.service import add_service
from feedback.reports.schemas import ReportFilter
from feedback.reports.service import _load_atoms, survey_report
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "feedback_bench_reports"
BOROUGHS = ("hammersmith-fulham", "kensington-chelsea", "westminster")
CHANNELS = ("web", "sms", "poster")
MONTHS = [f"{2025 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
SCALE_QUESTIONS = (
    "felt_believed",
    "felt_listened_to",
    "not_blamed",
    "in_control",
    "told_what_next",
    "expert_advice",
    "felt_safer",
    "treated_equally",
    "overall_satisfaction",
)


def counter_rows(responses: int, version_id: int, services: list[int]) -> list[tuple]:
    """Aggregated counters: each cell's responses split over the scale points."""
    rng = random.Random(7)
    cells = [(s, b, m, c) for s in services for m in MONTHS for c in CHANNELS for b in BOROUGHS[:1]]
    weights = [rng.random() ** 2 for _ in cells]
    scale = responses / sum(weights)
    rows = []
    for (service, _b, month, channel), weight in zip(cells, weights, strict=True):
        borough = BOROUGHS[service % 3]
        people = int(weight * scale)
        if not people:
            continue
        for question in SCALE_QUESTIONS:
            split = [rng.random() for _ in range(5)]
            total = sum(split)
            for point, share in enumerate(split, start=1):
                count = int(people * share / total)
                if count:
                    rows.append(
                        (version_id, question, str(point), service, borough, month, channel, count)
                    )
        yes = int(people * rng.random())
        for option, count in (("yes", yes), ("no", people - yes)):
            if count:
                rows.append(
                    (
                        version_id,
                        "had_to_repeat_story",
                        option,
                        service,
                        borough,
                        month,
                        channel,
                        count,
                    )
                )
    return rows


async def prepare(admin_url: str, responses: int) -> Settings:
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await connection.execute(f'CREATE DATABASE "{DATABASE}"')
    await connection.close()
    url = admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    settings = Settings(database_url=url.replace("postgresql://", "postgresql+asyncpg://"))
    await asyncio.to_thread(upgrade, settings)
    engine = create_engine(settings)
    async with session_factory(engine)() as session:
        await publish_surveys(session, [ROOT / "surveys" / "service-satisfaction.yaml"])
        services = [
            (await add_service(session, f"Service {n:02d}", boroughs=[BOROUGHS[n % 3]])).id
            for n in range(40)
        ]
    await engine.dispose()
    connection = await asyncpg.connect(url)
    version_id = await connection.fetchval("SELECT id FROM survey_versions")
    rows = counter_rows(responses, version_id, services)
    await connection.copy_records_to_table(
        "answer_counts",
        records=rows,
        columns=[
            "survey_version_id",
            "question_id",
            "option",
            "service_id",
            "borough",
            "month",
            "channel",
            "count",
        ],
    )
    await connection.close()
    print(f"{len(rows):,} counter rows for {responses:,} responses")
    return settings


async def timed(runs: int, work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    settings = await prepare(options.admin_url, options.responses)
    lead = Staff(
        id=0, email="bench@example.org", role="lead", service_ids=(), two_factor_enabled=True
    )
    engine = create_engine(settings)
    sessions = session_factory(engine)

    async def floor() -> None:
        async with sessions() as session:
            await _load_atoms(session, lead, 1, 2026)

    async def main_report() -> None:
        async with sessions() as session:
            await survey_report(
                session,
                lead,
                "service-satisfaction",
                filters=ReportFilter(period="2026"),
                settings=settings,
            )

    async def filtered() -> None:
        async with sessions() as session:
            await survey_report(
                session,
                lead,
                "service-satisfaction",
                filters=ReportFilter(period="2026-Q2", borough="westminster"),
                settings=settings,
            )

    for name, work in (
        ("floor: load a year's counters", floor),
        ("main report, year 2026", main_report),
        ("filtered: 2026-Q2, westminster", filtered),
    ):
        p50, p95 = await timed(options.runs, work)
        print(f"{name:34s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    print("target: p95 under 150 ms for each report")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
