"""The console's navigation offers a page to exactly the roles that page's guards let in:
both read the role sets in feedback.auth.roles, so they cannot drift apart."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from litestar import Litestar
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from feedback.app import create_app
from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.settings import Settings
from feedback.web.guards import require_staff_session

NAV = re.compile(r'<nav class="width console-nav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("navigation")))


def staff_with(role: Role) -> Staff:
    return Staff(id=1, email="x@example.org", role=role, service_ids=(1,), two_factor_enabled=True)


def links_shown(app: Litestar, staff: Staff) -> set[str]:
    engine = app.template_engine.engine  # type: ignore[union-attr]
    page = engine.get_template("staff/base.html").render(staff=staff, csrf_input="")
    (nav,) = NAV.findall(page)
    return {href.rstrip("/") or "/" for href in HREF.findall(nav)}


def page_handler(app: Litestar, path: str) -> BaseRouteHandler:
    (handler,) = [
        handler
        for route in app.routes
        if route.path == path
        for handler in getattr(route, "route_handlers", [])
        if "GET" in getattr(handler, "http_methods", ())
    ]
    return handler


def page_lets_in(app: Litestar, path: str, staff: Staff) -> bool:
    """Runs the page's own guards after the session guard (which put `staff` on the request)."""
    handler = page_handler(app, path)
    connection = SimpleNamespace(state=SimpleNamespace(staff=staff))
    for guard in handler.resolve_guards():
        check = getattr(guard, "func", guard)
        if check is require_staff_session:
            continue
        try:
            check(connection, handler)
        except PermissionDeniedException:
            return False
    return True


def test_the_lead_is_offered_every_console_page(app: Litestar) -> None:
    assert links_shown(app, staff_with(Role.LEAD)) >= {
        "/staff",
        "/staff/reports",
        "/staff/links",
        "/staff/sms",
        "/staff/you-said-we-did",
        "/staff/themes/review",
        "/staff/consultations",
        "/staff/schools",
        "/staff/admin",
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_offered_exactly_the_pages_it_may_open(app: Litestar, role: Role) -> None:
    every_page = links_shown(app, staff_with(Role.LEAD))
    staff = staff_with(role)

    allowed = {path for path in every_page if page_lets_in(app, path, staff)}

    assert links_shown(app, staff) == allowed
