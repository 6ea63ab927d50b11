"""Each router answers errors for its own audience (web/errors.py); only a request that
matches no route is answered by the app, which then goes by the path."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.web.errors import problem_details, public_error_page, staff_error_page
from tests.factories import create_service, create_staff, create_token
from tests.support.staff import SERVICE, signed_in

Client = AsyncTestClient[Litestar]
PUBLIC_WORDS = "This page is not available"


def _is_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return body


def _is_public_page(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert PUBLIC_WORDS in response.text
    assert "console home page" not in response.text


def _is_staff_page(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "Go to the console home page" in response.text


async def test_a_public_route_error_shows_the_same_words_and_no_reason(client: Client) -> None:
    response = await client.get("/you-said-we-did", params={"service": "abc"})

    _is_public_page(response, 400)
    assert "service number" not in response.text
    assert "abc" not in response.text


async def test_a_staff_route_error_shows_the_reason(client: Client, db: AsyncSession) -> None:
    await create_service(db, SERVICE)
    lead = await signed_in(client, db, "lead")

    response = await lead.get("/staff/reports/outcomes/", params={"service_id": "abc"})

    _is_staff_page(response, 400)
    assert "must be a whole number" in response.text


async def test_a_staff_route_without_a_session_redirects_to_sign_in(client: Client) -> None:
    response = await client.get("/staff/reports/outcomes/", follow_redirects=False)

    assert response.is_redirect
    assert response.headers["location"] == "/staff/sign-in"


async def test_an_api_route_error_is_problem_details_with_the_reason(
    client: Client, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email="lead@example.org")
    token = await create_token(db, "lead@example.org")

    response = await client.get(
        "/api/v1/actions/999999", headers={"Authorization": f"Bearer {token}"}
    )

    assert _is_problem(response, 404)["detail"] == "record 999999: no such record"


async def test_an_api_route_without_a_token_is_problem_details(client: Client) -> None:
    response = await client.get("/api/v1/actions/")

    _is_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_the_public_json_list_answers_errors_as_problem_details(client: Client) -> None:
    response = await client.get("/api/v1/you-said-we-did/", params={"service": "abc"})

    assert "must be a service number" in str(_is_problem(response, 400)["detail"])


@pytest.mark.parametrize(
    ("path", "status"), [("/api/v1/no-such-thing", 404), ("/api/v1/actions/1/nope", 404)]
)
async def test_an_unknown_api_path_is_problem_details(
    client: Client, path: str, status: int
) -> None:
    _is_problem(await client.get(path), status)


async def test_a_method_the_api_does_not_take_is_problem_details(client: Client) -> None:
    _is_problem(await client.delete("/api/v1/actions/"), 405)


async def test_an_unknown_staff_path_is_the_staff_page(client: Client) -> None:
    _is_staff_page(await client.get("/staff/no-such-page"), 404)


async def test_any_other_unknown_path_is_the_public_page(client: Client) -> None:
    _is_public_page(await client.get("/no-such-page"), 404)


def test_every_route_answers_errors_for_its_routers_audience(app: Litestar) -> None:
    """A staff handler cannot fall back to the respondent page (or the reverse) by where it
    is mounted: each route's own handler for any error is its audience's."""
    expected = {"/staff": staff_error_page, "/api/": problem_details}
    wrong = []
    for route in app.routes:
        if route.path.startswith("/schema"):
            continue  # Litestar mounts the OpenAPI routes on the app itself
        handlers = route.route_handlers if isinstance(route, HTTPRoute) else [route.route_handler]
        for handler in handlers:
            audience = next(
                (page for prefix, page in expected.items() if route.path.startswith(prefix)),
                public_error_page,
            )
            if handler.resolve_exception_handlers().get(Exception) is not audience:
                wrong.append(route.path)
    assert not wrong
    assert len(app.routes) > 50  # the walk saw the real app
