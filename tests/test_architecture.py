"""The architecture, checked: every staff page needs a staff session, every API route a bearer
token, only the sign-in pages may lower the sign-in stage, and nothing else is public; and no
two modules of `feedback` import each other, directly or round a longer loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grimp
import pytest
from litestar import Litestar
from litestar.handlers.base import BaseRouteHandler

from feedback.app import create_app
from feedback.settings import Settings
from feedback.web.guards import require_api_token, require_staff_session

STAGES = ("anonymous", "password", "complete")
# Pages a person reaches before finishing sign-in (the only ones that may lower the stage).
SIGN_IN_PATHS = ("/staff/sign-in", "/staff/two-factor", "/staff/sign-out", "/staff/set-password")
# The public router's surface as shared/DESIGN.md draws it; anything else must be guarded.
PUBLIC_ROOTS = (
    "/health",
    "/ready",
    "/static",
    "/schema",
    "/s",
    "/join",
    "/withdraw",
    "/receipt",
    "/sms",
    "/you-said-we-did",
    "/safety",
    "/leave",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("architecture")))


def handlers(app: Litestar) -> Iterator[tuple[str, BaseRouteHandler]]:
    for route in app.routes:
        # An ASGIRoute (the question form's POST) holds one handler; the others a list.
        for handler in getattr(route, "route_handlers", None) or [route.route_handler]:  # type: ignore[union-attr]
            yield route.path, handler


def guards_of(handler: BaseRouteHandler) -> list[Callable[..., Any]]:
    """The guards that run for a handler, app to handler, unwrapped from Litestar's adapters."""
    return [getattr(guard, "func", guard) for guard in handler.resolve_guards()]


def describe(path: str, handler: BaseRouteHandler) -> str:
    return f"{sorted(getattr(handler, 'http_methods', []))} {path} ({handler.handler_name})"


def is_staff(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


def is_public(path: str) -> bool:
    if path in PUBLIC_API_PATHS:
        return True
    return any(path == root or path.startswith((root + "/", root + ".")) for root in PUBLIC_ROOTS)


# Under the API prefix but public by contract (shared/DESIGN.md): published records as JSON.
PUBLIC_API_PATHS = ("/api/v1/you-said-we-did",)


def is_api(path: str) -> bool:
    if path in PUBLIC_API_PATHS:
        return False
    return path == "/api/v1" or path.startswith("/api/v1/")


def test_the_app_has_staff_and_api_routes(app: Litestar) -> None:
    paths = {path for path, _ in handlers(app)}

    assert any(is_staff(path) for path in paths) and any(is_api(path) for path in paths)


def test_every_staff_route_requires_a_staff_session(app: Litestar) -> None:
    unguarded = [
        describe(path, handler)
        for path, handler in handlers(app)
        if is_staff(path) and require_staff_session not in guards_of(handler)
    ]

    assert unguarded == []


def test_every_api_route_requires_a_bearer_token(app: Litestar) -> None:
    unguarded = [
        describe(path, handler)
        for path, handler in handlers(app)
        if is_api(path) and require_api_token not in guards_of(handler)
    ]

    assert unguarded == []


def test_the_router_guard_runs_before_any_other(app: Litestar) -> None:
    """A role or scope guard reads the staff member the router's guard put on the request."""
    misordered = []
    for path, handler in handlers(app):
        expected = (
            require_staff_session if is_staff(path) else require_api_token if is_api(path) else None
        )
        guards = guards_of(handler)
        if expected is not None and guards and guards[0] is not expected:
            misordered.append(describe(path, handler))

    assert misordered == []


def test_sign_in_stage_is_one_the_guard_knows(app: Litestar) -> None:
    """An unknown stage would skip the two-factor check, so a typo must fail here."""
    unknown = [
        describe(path, handler)
        for path, handler in handlers(app)
        if handler.opt.get("sign_in_stage", "complete") not in STAGES
    ]

    assert unknown == []


def test_only_sign_in_pages_lower_the_sign_in_stage(app: Litestar) -> None:
    lowered = [
        describe(path, handler)
        for path, handler in handlers(app)
        if handler.opt.get("sign_in_stage", "complete") != "complete"
        and not (path in SIGN_IN_PATHS or path.startswith("/staff/two-factor/"))
    ]

    assert lowered == []


def test_only_the_sign_in_page_is_open_to_anonymous_visitors(app: Litestar) -> None:
    anonymous = {
        path for path, handler in handlers(app) if handler.opt.get("sign_in_stage") == "anonymous"
    }

    assert anonymous <= {"/staff/sign-in", "/staff/set-password"}  # a one-time link is the proof


def test_every_other_route_is_on_the_public_list(app: Litestar) -> None:
    unexpected = sorted(
        {
            path
            for path, _ in handlers(app)
            if not (is_staff(path) or is_api(path) or is_public(path))
        }
    )

    assert unexpected == []


def test_the_staff_home_needs_both_factors(app: Litestar) -> None:
    (home,) = [
        handler
        for path, handler in handlers(app)
        if path == "/staff" and "GET" in getattr(handler, "http_methods", ())
    ]

    assert home.opt.get("sign_in_stage", "complete") == "complete"


def test_every_sms_webhook_checks_the_provider_signature(app: Litestar) -> None:
    from feedback.sms.public_routes import require_provider_signature

    webhooks = [(path, handler) for path, handler in handlers(app) if path.startswith("/sms/")]
    unsigned = [
        describe(path, handler)
        for path, handler in webhooks
        if require_provider_signature not in guards_of(handler)
    ]

    assert {path for path, _ in webhooks} == {
        "/sms/inbound/notify",
        "/sms/inbound/twilio",
        "/sms/status/notify",
        "/sms/status/twilio",
    }
    assert unsigned == []


def test_only_the_published_records_json_is_public_under_the_api_prefix(app: Litestar) -> None:
    """`/api/v1/you-said-we-did` is public by contract; any other unguarded API path fails."""
    unguarded = {
        path
        for path, handler in handlers(app)
        if path.startswith("/api/v1") and require_api_token not in guards_of(handler)
    }

    assert unguarded == set(PUBLIC_API_PATHS)


def import_circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: every strongly connected component of more than one module
    (Tarjan's algorithm, iterative so a deep chain cannot exhaust the stack), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []
    for root in sorted(imports):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, iter(sorted(imports[root])))]
        while work:
            module, targets = work[-1]
            target = next((t for t in targets if t not in index or t in stack), None)
            if target is not None and target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                work.append((target, iter(sorted(imports.get(target, ())))))
            elif target is not None:
                low[module] = min(low[module], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = stack[stack.index(module) :]
                    del stack[stack.index(module) :]
                    if len(component) > 1:
                        circles.append(sorted(component))
    return circles


def test_import_circles_finds_a_loop_and_only_the_loop() -> None:
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert import_circles(imports) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_feedback_imports_itself_round_a_loop() -> None:
    """Every import counts, including those inside functions and under TYPE_CHECKING: a lazy
    or type-only import that closes a loop still ties the two modules together."""
    graph = grimp.build_graph("feedback", exclude_type_checking_imports=False, cache_dir=None)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    assert import_circles(imports) == []
