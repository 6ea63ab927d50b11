"""Each audience's routes live under its own router's prefix: every route behind the staff
session is under /staff and every route behind a bearer token under /api/v1, so a router's
guards and error pages cover exactly its own addresses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.handlers.base import BaseRouteHandler

from feedback.app import api_router, create_app, staff_router
from feedback.settings import Settings
from feedback.web.guards import require_api_token, require_staff_session


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("routers")))


def handlers(app: Litestar) -> Iterator[tuple[str, BaseRouteHandler]]:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", None) or [route.route_handler]:  # type: ignore[union-attr]
            yield route.path, handler


def guarded_by(app: Litestar, guard: Callable[..., Any]) -> set[str]:
    return {
        path
        for path, handler in handlers(app)
        if guard in [getattr(g, "func", g) for g in handler.resolve_guards()]
    }


def under(prefix: str, path: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def test_the_staff_and_api_routers_are_mounted_at_their_prefixes() -> None:
    assert staff_router().path == "/staff"
    assert api_router().path == "/api/v1"


def test_every_route_behind_the_staff_session_is_under_staff(app: Litestar) -> None:
    staff = guarded_by(app, require_staff_session)

    assert staff
    assert sorted(path for path in staff if not under("/staff", path)) == []


def test_every_route_behind_a_bearer_token_is_under_api_v1(app: Litestar) -> None:
    api = guarded_by(app, require_api_token)

    assert api
    assert sorted(path for path in api if not under("/api/v1", path)) == []


def test_no_route_is_behind_both_guards(app: Litestar) -> None:
    assert guarded_by(app, require_staff_session) & guarded_by(app, require_api_token) == set()


def test_the_staff_home_and_sign_in_keep_their_addresses(app: Litestar) -> None:
    paths = {path for path, _ in handlers(app)}

    assert {"/staff", "/staff/sign-in", "/staff/set-password", "/staff/you-said-we-did"} <= paths
