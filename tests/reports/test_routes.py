"""Report pages, API and exports, as lead, analyst and service manager would use them."""

from __future__ import annotations

import csv
import io

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.models import AuditEvent
from feedback.settings import Settings
from tests.auth.pages import sign_in, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff, create_token
from tests.support.reports import SLUG, add_counts, service_id, shows_number, submit

Client = AsyncTestClient[Litestar]
OWN = {"5": 11, "4": 6}  # 17 answered in the manager's own service
OTHER = {"5": 4321, "4": 1234}  # 5555 in a service the manager may not see
SECRET_FIGURES = ("5555", "4321", "1234", "5572")


REPORT_PATHS = {
    "/staff/reports",
    "/staff/reports/{slug:str}",
    "/staff/reports/{slug:str}/compare",
    "/staff/reports/{slug:str}/export",
    "/api/v1/reports/surveys",
    "/api/v1/reports/surveys/{slug:str}",
    "/api/v1/reports/surveys/{slug:str}/compare/{question:str}",
    "/api/v1/reports/surveys/{slug:str}/export",
    "/api/v1/reports/surveys/{slug:str}/themes",
    "/staff/reports/{slug:str}/board-pack",
    "/staff/reports/{slug:str}/board-pack/export",
    "/staff/reports/{slug:str}/themes",
    "/staff/reports/{slug:str}/themes/{theme:str}/quotes",
    "/staff/reports/outcomes",  # outcomes/staff_routes.py (no exit survey here: all x)
    "/staff/reports/outcomes/return",
    "/api/v1/reports/outcomes",
    "/api/v1/reports/outcomes/return",
}
WHOLE_QUARTER = {  # a board pack covers the quarter for every service in scope: no narrowing
    "/staff/reports/{slug:str}/board-pack",
    "/staff/reports/{slug:str}/board-pack/export",
    "/staff/reports/outcomes/return",  # a return covers every service in scope
    "/api/v1/reports/outcomes/return",
}
NO_COUNTER_FIGURES = {  # theme pages read tags (none seeded here); the XLSX is a zip
    "/api/v1/reports/surveys/{slug:str}/themes",
    "/staff/reports/{slug:str}/themes",
    "/staff/reports/{slug:str}/board-pack/export",
    "/staff/reports/outcomes",  # outcome figures read the exit survey (none here)
    "/staff/reports/outcomes/return",
    "/api/v1/reports/outcomes",
    "/api/v1/reports/outcomes/return",
}
LEAD_AND_ANALYST_ONLY = {"/staff/reports/{slug:str}/themes/{theme:str}/quotes"}


async def _seed_two_services(db: AsyncSession, version_id: int) -> tuple[int, int]:
    own, other = await service_id(db, "Own Service"), await service_id(db, "Other Service")
    rows = {("felt_believed", k, own, "westminster", "2026-02", "web"): v for k, v in OWN.items()}
    rows |= {
        ("felt_believed", k, other, "kensington-chelsea", "2026-02", "sms"): v
        for k, v in OTHER.items()
    }
    await add_counts(db, version_id, rows)
    return own, other


def _urls(other: int) -> dict[str, str]:
    query = "period=2026"
    return {
        "/staff/reports": "/staff/reports",
        "/staff/reports/{slug:str}": f"/staff/reports/{SLUG}?{query}",
        "/staff/reports/{slug:str}/compare": (
            f"/staff/reports/{SLUG}/compare?question=felt_believed&{query}"
        ),
        "/staff/reports/{slug:str}/export": f"/staff/reports/{SLUG}/export?format=csv&{query}",
        "/api/v1/reports/surveys": "/api/v1/reports/surveys",
        "/api/v1/reports/surveys/{slug:str}": f"/api/v1/reports/surveys/{SLUG}?{query}",
        "/api/v1/reports/surveys/{slug:str}/compare/{question:str}": (
            f"/api/v1/reports/surveys/{SLUG}/compare/felt_believed?{query}"
        ),
        "/api/v1/reports/surveys/{slug:str}/export": (
            f"/api/v1/reports/surveys/{SLUG}/export?format=csv&{query}"
        ),
        "/api/v1/reports/surveys/{slug:str}/themes": (
            f"/api/v1/reports/surveys/{SLUG}/themes?{query}"
        ),
        "/staff/reports/{slug:str}/board-pack": f"/staff/reports/{SLUG}/board-pack?quarter=2026-Q1",
        "/staff/reports/{slug:str}/board-pack/export": (
            f"/staff/reports/{SLUG}/board-pack/export?quarter=2026-Q1"
        ),
        "/staff/reports/{slug:str}/themes": f"/staff/reports/{SLUG}/themes?{query}",
        "/staff/reports/{slug:str}/themes/{theme:str}/quotes": (
            f"/staff/reports/{SLUG}/themes/being_believed/quotes?{query}"
        ),
        "/staff/reports/outcomes": f"/staff/reports/outcomes?{query}",
        "/staff/reports/outcomes/return": "/staff/reports/outcomes/return?quarter=2026-Q1",
        "/api/v1/reports/outcomes": f"/api/v1/reports/outcomes?{query}",
        "/api/v1/reports/outcomes/return": "/api/v1/reports/outcomes/return?quarter=2026-Q1",
    }


async def test_every_report_route_shows_a_manager_only_their_services(
    client: Client, db: AsyncSession, app: Litestar, survey_version_id: int
) -> None:
    _own, other = await _seed_two_services(db, survey_version_id)
    routes = {route.path for route in app.routes if "/reports" in route.path}
    assert routes == REPORT_PATHS, "a report route is missing from this scope test"
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    token = await create_token(db, "m@example.org")
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    for path, url in _urls(other).items():
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        shown = await client.get(url, headers=headers)
        if path in LEAD_AND_ANALYST_ONLY:
            assert shown.status_code == 403, (url, shown.status_code)
            continue
        assert shown.status_code == 200, (url, shown.status_code, shown.text[:300])
        for figure in SECRET_FIGURES:
            assert not shows_number(shown.text, figure), (path, figure)
        if path not in ("/staff/reports", "/api/v1/reports/surveys"):
            if path not in NO_COUNTER_FIGURES:
                assert "17" in shown.text, path
            if path in WHOLE_QUARTER:
                continue
            narrowed = url + f"&service_id={other}"
            refused = await client.get(narrowed, headers=headers)
            assert refused.status_code == 403, (narrowed, refused.status_code)


async def test_lead_and_analyst_see_every_service(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await _seed_two_services(db, survey_version_id)
    for role in ("lead", "analyst"):
        await create_staff(db, role=role, email=f"{role}@example.org")
        token = await create_token(db, f"{role}@example.org")
        report = await client.get(
            f"/api/v1/reports/surveys/{SLUG}?period=2026",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert report.status_code == 200
        believed = next(q for q in report.json()["questions"] if q["id"] == "felt_believed")
        assert believed["base"] == "5572"


async def test_a_school_coordinator_cannot_read_reports(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await create_staff(db, role="school_coordinator", email="s@example.org")
    token = await create_token(db, "s@example.org")
    refused = await client.get(
        f"/api/v1/reports/surveys/{SLUG}", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 403


async def test_a_lead_sees_a_report_from_two_services_with_charts_and_exports_it(
    client: Client, db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    for service, believed, count in (("Own Service", "5", 6), ("Other Service", "2", 2)):
        for _ in range(count):
            await submit(
                db,
                app,
                settings,
                service=service,
                answers={"felt_believed": int(believed), "what_helped_most": "my advocate"},
            )
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    year = clock.now_london().year
    page = await client.get(f"/staff/reports/{SLUG}")
    assert page.status_code == 200
    assert f"version 1, {year}" in page.text
    assert "<svg" in page.text and "<desc>" in page.text and "<table>" in page.text
    assert "c = fewer than 5" in page.text
    exported = await client.get(f"/staff/reports/{SLUG}/export?format=csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text)))
    in_csv = {row[7]: row[9] for row in rows[3:] if row[4] == "felt_believed"}
    assert in_csv["2"] == "c"  # 2 is small: never shown, never 0
    assert in_csv["5"] == "c"  # and 6 is withheld too, or 8 answered - 6 would give it away
    assert list(in_csv.values()).count("0") == 3
    workbook = await client.get(f"/staff/reports/{SLUG}/export?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    cells = [row for row in sheet.iter_rows(values_only=True) if row[4] == "felt_believed"]
    assert {row[7]: row[9] for row in cells}["2"] == "c"
    await db.rollback()
    actions = list(await db.scalars(select(AuditEvent.action)))
    assert actions.count("report.export") == 2


async def test_filters_that_combine_two_narrowings_are_refused_plainly(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")
    refused = await client.get(
        f"/api/v1/reports/surveys/{SLUG}?period=2026&borough=westminster&channel=web",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 400
    assert "one of service, borough or channel" in refused.text
    bad = await client.get(
        f"/api/v1/reports/surveys/{SLUG}?period=2026-Q7",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 400 and "period" in bad.text


async def test_a_filter_that_is_not_a_whole_number_is_refused_by_name(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    """Every report route parses its filters in one place: the refusal names the field."""
    await create_staff(db, role="analyst", email="a@example.org")
    headers = {"Authorization": f"Bearer {await create_token(db, 'a@example.org')}"}
    for path, query, field in (
        (f"/api/v1/reports/surveys/{SLUG}", "version=two", "version"),
        (f"/api/v1/reports/surveys/{SLUG}/themes", "service_id=abc", "service"),
        (f"/api/v1/reports/surveys/{SLUG}/export", "version=1.5", "version"),
        (f"/api/v1/reports/surveys/{SLUG}/compare/felt_believed", "service_id=x", "service"),
        ("/api/v1/reports/outcomes", "service_id=abc", "service"),
    ):
        refused = await client.get(f"{path}?{query}", headers=headers)
        assert refused.status_code == 400, path
        assert field in refused.text and "must be a whole number" in refused.text, path


async def test_signing_in_with_a_password_alone_does_not_reach_reports(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    await sign_in(client, "a@example.org", PASSWORD)
    page = await client.get("/staff/reports", follow_redirects=False)
    assert page.status_code in (302, 303, 401)


async def test_theme_mentions_come_from_tags_and_small_ones_show_c(
    client: Client, db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    from feedback.responses.models import Response
    from feedback.themes.models import ThemeTag

    for _ in range(7):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    ids = list(await db.scalars(select(Response.id).order_by(Response.id)))
    for number, response_id in enumerate(ids):
        themes = ["being_believed"] + (["safety"] if number < 2 else [])
        for theme in themes:
            db.add(
                ThemeTag(
                    response_id=response_id,
                    question_id="what_helped_most",
                    theme_id=theme,
                    source="machine",
                    sentiment="positive",
                    polarity=0.5,
                )
            )
    await db.commit()
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")
    year = clock.now_london().year
    answer = await client.get(
        f"/api/v1/reports/surveys/{SLUG}/themes?period={year}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    shown_themes = {line["option"]: line["shown"] for line in answer.json()["themes"]}
    assert shown_themes == {"being_believed": "7", "safety": "c"}
    assert answer.json()["responses"] == "7"
