"""Differencing through the real API: the reports one analyst may request, subtracted."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_staff, create_token
from tests.support.reports import SLUG, add_counts, service_id

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
