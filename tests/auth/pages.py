"""Driving the staff pages as a browser would: GET a form, post it back with its CSRF token."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

_CSRF_INPUT = re.compile(r'name="_csrf_token"\s+value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The hidden `_csrf_token` value of the first form on a page."""
    found = _CSRF_INPUT.search(html)
    assert found, "the page has no CSRF token field"
    return found.group(1)


async def submit(
    client: AsyncTestClient[Litestar], page: str, action: str, fields: dict[str, str]
) -> httpx.Response:
    """GET `page` (which sets the CSRF cookie), then POST its form to `action` with `fields`."""
    shown = await client.get(page, follow_redirects=False)
    assert shown.status_code == 200, (page, shown.status_code)
    data = {"_csrf_token": csrf_token(shown.text), **fields}
    return await client.post(action, data=data, follow_redirects=False)


async def sign_in(client: AsyncTestClient[Litestar], email: str, password: str) -> httpx.Response:
    return await submit(
        client, "/staff/sign-in", "/staff/sign-in", {"email": email, "password": password}
    )


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Every Set-Cookie header of a response, by cookie name, as the raw header text."""
    found: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0].strip()
        found[name] = header
    return found


def cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    """The value and the lower-cased attributes of one Set-Cookie header."""
    parsed = SimpleCookie()
    parsed.load(header)
    (morsel,) = parsed.values()
    attributes = {key: str(value) for key, value in morsel.items() if value not in ("", False)}
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    for flag in ("httponly", "secure"):
        if flag in flags:
            attributes[flag] = "true"
    return morsel.value, attributes


async def sign_in_with_new_two_factor(
    client: AsyncTestClient[Litestar], email: str, password: str
) -> None:
    """First sign-in of an account that must use two factors: enrol, then reach the console."""
    import pyotp

    from feedback import clock

    signed_in = await sign_in(client, email, password)
    assert signed_in.headers["location"] == "/staff/two-factor/setup"
    page = await client.get("/staff/two-factor/setup")
    key = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.text)
    assert key is not None
    confirmed = await client.post(
        "/staff/two-factor/setup",
        data={
            "_csrf_token": csrf_token(page.text),
            "code": pyotp.TOTP(key.group(1)).at(clock.now_utc()),
        },
    )
    assert confirmed.status_code == 200
