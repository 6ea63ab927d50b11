"""Every staff route, for every role, as people use it: a role (or a signed-out visitor)
that must not have a route gets 403 (signed out: the sign-in page) and the database is
left exactly as it was. Routes are enumerated from the app, so a new page is covered the
day it is added, and a route missing from ACCESS fails until someone decides who may use it.

ACCESS lists the roles each route's guards let through. Finer rules (a service manager's
own services, who may approve a record) belong to each domain's own tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.auth import accounts
from feedback.auth.models import StaffSession
from feedback.db.registry import Base
from feedback.links import service as links
from feedback.organisations.models import Service
from feedback.settings import Settings
from tests.auth.pages import csrf_token
from tests.factories import create_staff
from tests.support.responses import new_link_token, survey_ready
from tests.support.staff import SERVICE, Client, signed_in

__all__ = ["survey_ready"]

THIS_FILE = "tests/auth/test_access.py::ACCESS"
LEAD, MANAGER, COORDINATOR, ANALYST = "lead", "service_manager", "school_coordinator", "analyst"
SIGNED_IN = frozenset({LEAD, MANAGER, COORDINATOR, ANALYST})
ANYONE = SIGNED_IN | {"signed_out"}
REPORTS = frozenset({LEAD, ANALYST, MANAGER})
ONLY_LEAD = frozenset({LEAD})
LINKS = frozenset({LEAD, MANAGER})
REVIEW = frozenset({LEAD, ANALYST})

# "METHOD path" as the app's routes spell it -> the roles that may use it.
ACCESS: dict[str, frozenset[str]] = {
    # sign-in: before an account is known, or part-way through signing in
    "GET /staff/sign-in": ANYONE,
    "POST /staff/sign-in": ANYONE,
    "GET /staff/set-password": ANYONE,
    "POST /staff/set-password": ANYONE,
    "GET /staff/two-factor": SIGNED_IN,
    "POST /staff/two-factor": SIGNED_IN,
    "GET /staff/two-factor/setup": SIGNED_IN,
    "POST /staff/two-factor/setup": SIGNED_IN,
    "POST /staff/two-factor/skip": SIGNED_IN,
    "POST /staff/sign-out": SIGNED_IN,
    "POST /staff/sign-out-everywhere": SIGNED_IN,
    # home and surveys
    "GET /staff": SIGNED_IN,
    "GET /staff/surveys": SIGNED_IN,
    "POST /staff/surveys": ONLY_LEAD,
    "GET /staff/surveys/{slug:str}": SIGNED_IN,
    "GET /staff/surveys/{slug:str}/{number:int}": SIGNED_IN,
    "GET /staff/surveys/{slug:str}/{number:int}/preview": SIGNED_IN,
    "GET /staff/surveys/core-data-set": SIGNED_IN,
    # survey drafts (issue 19, H6): authoring is the lead's
    **{
        f"{method} /staff/surveys/drafts{path}": ONLY_LEAD
        for method, path in [
            ("GET", ""),
            ("POST", "/from-template"),
            ("POST", "/from-version"),
            ("POST", "/from-upload"),
            ("GET", "/{draft_id:int}"),
            ("POST", "/{draft_id:int}"),
            ("GET", "/{draft_id:int}/questions/{section:int}/{number:int}"),
            ("POST", "/{draft_id:int}/questions/{section:int}/{number:int}"),
            ("GET", "/{draft_id:int}/questions/{section:int}/new"),
            ("POST", "/{draft_id:int}/questions/{section:int}/new"),
            ("POST", "/{draft_id:int}/questions/{section:int}/{number:int}/remove"),
            ("GET", "/{draft_id:int}/definition"),
            ("POST", "/{draft_id:int}/definition"),
            ("GET", "/{draft_id:int}/download"),
            ("GET", "/{draft_id:int}/preview"),
            ("GET", "/{draft_id:int}/phone"),
            ("GET", "/{draft_id:int}/publish"),
            ("POST", "/{draft_id:int}/publish"),
            ("POST", "/{draft_id:int}/discard"),
        ]
    },
    # links and codes
    "GET /staff/links": LINKS,
    "POST /staff/links": LINKS,
    "GET /staff/links/batches": LINKS,
    "GET /staff/links/batches/{batch_id:int}/revoke": LINKS,
    "POST /staff/links/batches/{batch_id:int}/revoke": LINKS,
    # reports
    "GET /staff/reports": REPORTS,
    "GET /staff/reports/{slug:str}": REPORTS,
    "GET /staff/reports/{slug:str}/compare": REPORTS,
    "GET /staff/reports/{slug:str}/export": REPORTS,
    "GET /staff/reports/{slug:str}/themes": REPORTS,
    "GET /staff/reports/{slug:str}/themes/{theme:str}/quotes": REVIEW,
    "GET /staff/reports/{slug:str}/board-pack": REPORTS,
    "GET /staff/reports/{slug:str}/board-pack/export": REPORTS,
    "GET /staff/reports/outcomes": REPORTS,  # outcomes/staff_routes.py
    "GET /staff/reports/outcomes/return": REPORTS,
    # theme review
    "GET /staff/themes/review": REVIEW,
    "GET /staff/themes/review/{response_id:str}": REVIEW,
    "POST /staff/themes/review/{response_id:str}/open": REVIEW,
    "POST /staff/themes/review/{response_id:str}/decisions": REVIEW,
    # administration
    "GET /staff/admin": ONLY_LEAD,
    "GET /staff/admin/services": ONLY_LEAD,
    "POST /staff/admin/services": ONLY_LEAD,
    "GET /staff/admin/keys": ONLY_LEAD,
    "POST /staff/admin/keys/rotate": ONLY_LEAD,
    "POST /staff/admin/keys/rewrap": ONLY_LEAD,
    "GET /staff/admin/keys/destroy": ONLY_LEAD,
    "POST /staff/admin/keys/destroy": ONLY_LEAD,
    "GET /staff/admin/services/{service_id:int}": ONLY_LEAD,
    "POST /staff/admin/services/{service_id:int}/rename": ONLY_LEAD,
    "POST /staff/admin/services/{service_id:int}/retire": ONLY_LEAD,
    "POST /staff/admin/services/{service_id:int}/reinstate": ONLY_LEAD,
    "GET /staff/admin/audit": ONLY_LEAD,
    "GET /staff/admin/accounts/new": ONLY_LEAD,
    "POST /staff/admin/accounts/new": ONLY_LEAD,
    "GET /staff/admin/accounts/{user_id:int}": ONLY_LEAD,
    "POST /staff/admin/accounts/{user_id:int}/role": ONLY_LEAD,
    "GET /staff/admin/accounts/{user_id:int}/disable": ONLY_LEAD,
    "POST /staff/admin/accounts/{user_id:int}/disable": ONLY_LEAD,
    "POST /staff/admin/accounts/{user_id:int}/enable": ONLY_LEAD,
    "POST /staff/admin/accounts/{user_id:int}/reset-password": ONLY_LEAD,
    "GET /staff/admin/tokens": ONLY_LEAD,
    "POST /staff/admin/tokens": ONLY_LEAD,
    "GET /staff/admin/tokens/{token_id:int}/revoke": ONLY_LEAD,
    "POST /staff/admin/tokens/{token_id:int}/revoke": ONLY_LEAD,
    # Pages other helpers added in parallel, entered here from their routes' guards while
    # they were being built; their owners confirm these lines at integration.
    "GET /staff/consultations": ONLY_LEAD,
    "GET /staff/consultations/new": ONLY_LEAD,
    "POST /staff/consultations/new": ONLY_LEAD,
    "GET /staff/consultations/{round_id:int}": ONLY_LEAD,
    "GET /staff/consultations/{round_id:int}/close": ONLY_LEAD,
    "POST /staff/consultations/{round_id:int}/close": ONLY_LEAD,
    "GET /staff/consultations/{round_id:int}/compare": ONLY_LEAD,
    "GET /staff/schools": frozenset({LEAD, COORDINATOR}),
    "POST /staff/schools": frozenset({LEAD, COORDINATOR}),
    "GET /staff/schools/{school_id:int}": frozenset({LEAD, COORDINATOR}),
    "POST /staff/schools/{school_id:int}/sessions": frozenset({LEAD, COORDINATOR}),
    "GET /staff/schools/sessions/{session_id:int}": frozenset({LEAD, COORDINATOR}),
    "POST /staff/schools/sessions/{session_id:int}/letter": frozenset({LEAD, COORDINATOR}),
    "POST /staff/schools/sessions/{session_id:int}/open": frozenset({LEAD, COORDINATOR}),
    "GET /staff/you-said-we-did": LINKS,
    "GET /staff/you-said-we-did/new": LINKS,
    "POST /staff/you-said-we-did/new": LINKS,
    "GET /staff/you-said-we-did/{record_id:int}": LINKS,
    "GET /staff/you-said-we-did/{record_id:int}/edit": LINKS,
    "POST /staff/you-said-we-did/{record_id:int}/edit": LINKS,
    "POST /staff/you-said-we-did/{record_id:int}/submit": LINKS,
    "POST /staff/you-said-we-did/{record_id:int}/approve": LINKS,  # the service: lead only
    "POST /staff/you-said-we-did/{record_id:int}/send-back": LINKS,
    "POST /staff/you-said-we-did/{record_id:int}/progress": LINKS,
    "GET /staff/sms": LINKS,
    "POST /staff/sms/check": LINKS,
    "POST /staff/sms/send": LINKS,
    "GET /staff/sms/batches/{batch_id:int}": LINKS,
}
ROLES_UNDER_TEST = [LEAD, MANAGER, COORDINATOR, ANALYST, "signed_out"]
_PARAM = re.compile(r"\{(\w+):\w+\}")


def staff_routes(app: Litestar) -> list[str]:
    """Every staff "METHOD path" the app serves (OPTIONS and HEAD are Litestar's own)."""
    found = set()
    for route in app.routes:
        if route.path == "/staff" or route.path.startswith("/staff/"):
            for handler in route.route_handlers:
                for method in getattr(handler, "http_methods", ()):
                    if method not in ("OPTIONS", "HEAD"):
                        found.add(f"{method} {route.path}")
    return sorted(found)


def test_every_staff_route_has_a_line_in_the_access_table(tmp_path: Path) -> None:
    routes = staff_routes(create_app(Settings(data_dir=tmp_path)))
    missing = [route for route in routes if route not in ACCESS]
    stale = [route for route in ACCESS if route not in routes]

    assert missing == [], f"add it to {THIS_FILE} (who may use it?): {missing}"
    assert stale == [], f"remove it from {THIS_FILE} (the app no longer has it): {stale}"


async def _snapshot(db: AsyncSession) -> dict[str, Any]:
    """Every row of every table; sessions by id only (their last-seen time may move)."""
    await db.rollback()
    state: dict[str, Any] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == StaffSession.__tablename__:
            state[table.name] = sorted(await db.scalars(select(StaffSession.id)))
            continue
        rows = (await db.execute(select(table))).all()
        state[table.name] = sorted(repr(tuple(row)) for row in rows)
    count = await db.scalar(select(func.count()).select_from(text("audit_events")))
    state["audit_count"] = count
    return state


async def _sample_values(db: AsyncSession, settings: Settings) -> dict[str, str]:
    """A real value for each path parameter, so a refusal cannot come from a missing row."""
    batch = await links.create_links(
        db, survey_slug="service-satisfaction", service_name=SERVICE, count=2, base_url="x"
    )
    other = await create_staff(db, role="analyst", email="other@example.org")
    await accounts.create_api_token(db, email="other@example.org")
    token_id = (await accounts.list_api_tokens(db))[0].id
    from tests.support.themes import store_response

    response_id = await store_response(db, await new_link_token(db), _master_key(settings), None)
    return {
        "slug": "service-satisfaction",
        "draft_id": "1",
        "section": "0",
        "number": "1",
        "batch_id": str(batch.batch_id),
        "user_id": str(other.id),
        "token_id": str(token_id),
        "response_id": response_id,
        "theme": "housing",
        "round_id": "1",
        "school_id": "1",
        "session_id": "1",
        "record_id": "1",
        "service_id": str(await db.scalar(select(Service.id).where(Service.name == SERVICE))),
    }


def _master_key(settings: Settings) -> bytes:
    from feedback.crypto.master import load_master_keys

    return load_master_keys(settings).current


def _fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"give the path parameter {name!r} a sample value in _sample_values"
        return values[name]

    return _PARAM.sub(value, path)


@pytest.mark.parametrize("role", ROLES_UNDER_TEST)
async def test_a_role_is_refused_every_route_it_must_not_have_and_nothing_changes(
    client: Client,
    db: AsyncSession,
    settings: Settings,
    app: Litestar,
    survey_ready: None,
    role: str,
) -> None:
    values = await _sample_values(db, settings)
    if role == "signed_out":
        form_page = await client.get("/staff/sign-in")
    else:
        await signed_in(client, db, role)
        form_page = await client.get("/staff/")
    token = csrf_token(form_page.text)
    denied = [r for r in staff_routes(app) if r in ACCESS and role not in ACCESS[r]]
    assert denied or role == LEAD, "only the lead may use every staff page"
    before = await _snapshot(db)

    wrong = []
    for route in denied:
        method, path = route.split(" ", 1)
        url = _fill(path, values)
        if method == "GET":
            answer = await client.get(url, follow_redirects=False)
        else:
            answer = await client.post(url, data={"_csrf_token": token}, follow_redirects=False)
        assert "CSRF" not in answer.text, f"{route}: refused by the CSRF check, not by role"
        if role == "signed_out":
            refused = answer.status_code in (302, 303) and answer.headers.get(
                "location", ""
            ).endswith("/staff/sign-in")
        else:
            refused = answer.status_code == 403
        if not refused:
            wrong.append(f"{route} -> {answer.status_code}")

    assert wrong == [], f"{role} reached routes ACCESS does not give them"
    assert await _snapshot(db) == before
