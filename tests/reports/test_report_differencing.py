"""Differencing through the real API: the reports one analyst may request, subtracted."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.reports.schemas import ReportFilter
from feedback.reports.service import survey_report
from feedback.settings import Settings
from tests.factories import create_staff, create_token
from tests.reports.conftest import SLUG, add_counts, service_id

Client = AsyncTestClient[Litestar]
BOROUGHS = ("hammersmith-fulham", "kensington-chelsea", "westminster")
# Kensington and Chelsea's "no" is 2: it must never come out of any subtraction.
COUNTS = {
    ("hammersmith-fulham", "2026-01"): {"yes": 9, "no": 6},
    ("hammersmith-fulham", "2026-02"): {"yes": 8, "no": 7},
    ("kensington-chelsea", "2026-03"): {"yes": 10, "no": 2},
    ("westminster", "2026-01"): {"yes": 12, "no": 9},
    ("westminster", "2026-03"): {"yes": 6, "no": 11},
}


async def _seed(db: AsyncSession, version_id: int) -> None:
    own = await service_id(db, "Own Service")
    await add_counts(
        db,
        version_id,
        {
            ("had_to_repeat_story", option, own, borough, month, "web"): count
            for (borough, month), options in COUNTS.items()
            for option, count in options.items()
        },
    )


def _figures(report: dict[str, Any]) -> dict[str, int | None]:
    question = next(q for q in report["questions"] if q["id"] == "had_to_repeat_story")
    figures: dict[str, int | None] = {a["option"]: a["count"] for a in question["answers"]}
    figures["base"] = None if question["base"] == "c" else int(question["base"])
    return figures


async def _report(client: Client, token: str, query: str) -> dict[str, int | None]:
    answer = await client.get(
        f"/api/v1/reports/surveys/{SLUG}?{query}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    return _figures(answer.json())


async def test_all_boroughs_against_two_of_them_never_gives_the_third_away(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")
    whole = await _report(client, token, "period=2026-Q1")
    parts = {b: await _report(client, token, f"period=2026-Q1&borough={b}") for b in BOROUGHS}
    assert parts["kensington-chelsea"]["no"] is None
    for key in ("yes", "no", "base"):
        for small in BOROUGHS:
            if parts[small][key] is None:
                others = [parts[b][key] for b in BOROUGHS if b != small]
                assert whole[key] is None or None in others, (key, small)


async def test_a_quarter_against_two_of_its_months_never_gives_the_third_away(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")
    for narrowing in ("", "&borough=kensington-chelsea", "&borough=westminster"):
        quarter = await _report(client, token, f"period=2026-Q1{narrowing}")
        months = [await _report(client, token, f"period=2026-0{m}{narrowing}") for m in (1, 2, 3)]
        for key in ("yes", "no", "base"):
            for index, month in enumerate(months):
                if month[key] is None:
                    rest = [m[key] for i, m in enumerate(months) if i != index]
                    assert quarter[key] is None or None in rest, (narrowing, key, index)


async def test_rounding_to_five_rounds_every_count_and_totals_from_unrounded_data(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    analyst = Staff(id=0, email="a@x", role="analyst", service_ids=(), two_factor_enabled=True)
    rounded = msgspec.structs.replace(settings, report_rounding="round5")
    report = await survey_report(
        db, analyst, SLUG, filters=ReportFilter(period="2026-Q1"), settings=rounded
    )
    question = next(q for q in report.questions if q.id == "had_to_repeat_story")
    counts = {a.option: a.count for a in question.answers}
    assert counts == {"yes": 45, "no": 35}  # 45 and 35 exactly
    assert question.base == "80"  # 80 unrounded -> 80; not 45 + 35 rounded separately
    k_and_c = await survey_report(
        db,
        analyst,
        SLUG,
        filters=ReportFilter(period="2026-Q1", borough="kensington-chelsea"),
        settings=rounded,
    )
    kc = next(q for q in k_and_c.questions if q.id == "had_to_repeat_story")
    # "no" is 2. Rounded it shows 5 (1 to 7); beside the base (10: 8 to 12) and "yes" shown
    # (10: 8 to 12) it could only be 1 to 4, so "yes" is hidden: then "no" is still 1 to 7
    # to the reader, six apart, and may show (figures settled one at a time, `exposure`).
    assert {a.option: a.shown for a in kc.answers} == {"yes": "c", "no": "5"}
    assert kc.base == "10"  # 12 answered rounds to 10, though the rounded parts add to 15
    assert "nearest 5" in k_and_c.legend
