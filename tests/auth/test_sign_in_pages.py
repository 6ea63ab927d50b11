"""Staff sign-in through the real HTML pages: forms, CSRF, cookies, two-factor, throttling."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.app import create_app
from feedback.auth.models import AuditEvent, SignInFailure, StaffSession, StaffUser
from feedback.auth.sign_in import account_key
from feedback.db.base import utc_now
from feedback.settings import Settings
from tests.auth.pages import cookie_attributes, csrf_token, set_cookies, sign_in, submit
from tests.conftest import make_settings
from tests.factories import PASSWORD, create_staff

LEAD = "lead@example.org"
COORDINATOR = "coordinator@example.org"
COOKIE = "feedback-staff"

ClientMaker = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Litestar]]]


@pytest.fixture
def client_with(settings: Settings, tmp_path: Path) -> ClientMaker:
    """A client for an app built on the same database with some settings changed."""

    @asynccontextmanager
    async def make(
        base_url: str = "http://127.0.0.1:8000", **overrides: Any
    ) -> AsyncIterator[AsyncTestClient[Litestar]]:
        changed = make_settings(tmp_path, database_url=settings.database_url, **overrides)
        async with AsyncTestClient(app=create_app(changed), base_url=base_url) as client:
            yield client

    return make


async def fresh(db: AsyncSession) -> AsyncSession:
    """End the test session's transaction so the next query sees what the app committed."""
    await db.rollback()
    return db


async def count(db: AsyncSession, model: type[Any]) -> int:
    await fresh(db)
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def audit_actions(db: AsyncSession) -> list[str]:
    await fresh(db)
    return sorted(await db.scalars(select(AuditEvent.action)))


async def enrol(client: AsyncTestClient[Litestar], email: str = LEAD) -> list[str]:
    """Sign in for the first time and set up two-factor; returns the recovery codes."""
    signed_in = await sign_in(client, email, PASSWORD)
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
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", confirmed.text)


async def sign_in_with_code(client: AsyncTestClient[Litestar], code: str) -> Any:
    signed_in = await sign_in(client, LEAD, PASSWORD)
    assert signed_in.headers["location"] == "/staff/two-factor"
    return await submit(client, "/staff/two-factor", "/staff/two-factor", {"code": code})


async def sign_out(client: AsyncTestClient[Litestar]) -> Any:
    page = await client.get("/staff/sign-in")  # any form page carries the CSRF token
    return await client.post(
        "/staff/sign-out", data={"_csrf_token": csrf_token(page.text)}, follow_redirects=False
    )


async def sign_in_without_two_factor(client: AsyncTestClient[Litestar]) -> str:
    """A school coordinator signs in and skips two-factor; returns the session cookie."""
    await sign_in(client, COORDINATOR, PASSWORD)
    skipped = await submit(client, "/staff/two-factor/setup", "/staff/two-factor/skip", {})
    assert skipped.status_code in (302, 303) and skipped.headers["location"] == "/staff/"
    return client.cookies[COOKIE]


async def test_first_sign_in_of_a_lead_sets_up_two_factor_and_reaches_home(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)

    signed_in = await sign_in(client, LEAD, PASSWORD)
    assert signed_in.status_code in (302, 303)
    assert signed_in.headers["location"] == "/staff/two-factor/setup"

    page = await client.get("/staff/two-factor/setup")
    assert page.status_code == 200
    assert "<svg" in page.text
    key = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.text)
    assert key is not None
    assert len(key.group(1)) >= 16  # base32 key, 80 bits or more

    confirmed = await client.post(
        "/staff/two-factor/setup",
        data={
            "_csrf_token": csrf_token(page.text),
            "code": pyotp.TOTP(key.group(1)).at(clock.now_utc()),
        },
    )
    assert confirmed.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", confirmed.text)
    assert len(codes) == 10 and len(set(codes)) == 10

    home = await client.get("/staff/", follow_redirects=False)
    assert home.status_code == 200
    assert LEAD in home.text
    await fresh(db)
    assert await db.scalar(select(StaffUser.totp_confirmed_at)) is not None


async def test_second_sign_in_asks_for_the_code(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await enrol(client)
    await sign_out(client)

    signed_in = await sign_in(client, LEAD, PASSWORD)

    assert signed_in.headers["location"] == "/staff/two-factor"
    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"
    page = await client.get("/staff/two-factor")
    assert page.status_code == 200 and 'name="code"' in page.text


async def test_recovery_code_works_once_but_not_twice(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    codes = await enrol(client)
    await sign_out(client)

    first = await sign_in_with_code(client, codes[0])
    assert first.status_code in (302, 303) and first.headers["location"] == "/staff/"
    assert (await client.get("/staff/", follow_redirects=False)).status_code == 200
    await sign_out(client)

    second = await sign_in_with_code(client, codes[0])
    assert second.status_code == 401
    assert "There is a problem" in second.text
    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"


async def test_wrong_password_shows_the_form_again_and_writes_only_a_failure(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await fresh(db)
    hash_before = await db.scalar(select(StaffUser.password_hash))
    audit_before = await audit_actions(db)

    response = await sign_in(client, LEAD, "not the password at all")

    assert response.status_code == 401
    assert f'value="{LEAD}"' in response.text
    assert "There is a problem" in response.text and 'class="error-summary"' in response.text
    assert "not the password at all" not in response.text
    assert await count(db, SignInFailure) == 1
    assert await count(db, StaffSession) == 0
    assert await db.scalar(select(StaffUser.password_hash)) == hash_before
    assert await audit_actions(db) == sorted([*audit_before, "sign_in.failed"])


async def test_post_without_csrf_token_is_refused_and_changes_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    audit_before = await audit_actions(db)
    await client.get("/staff/sign-in")  # the CSRF cookie is set, but the form token is missing

    response = await client.post(
        "/staff/sign-in", data={"email": LEAD, "password": PASSWORD}, follow_redirects=False
    )

    assert response.status_code == 403
    assert COOKIE not in set_cookies(response)
    assert await count(db, StaffSession) == 0
    assert await count(db, SignInFailure) == 0
    assert await audit_actions(db) == audit_before


async def test_session_cookie_is_httponly_strict_and_ends_with_the_browser(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)

    response = await sign_in(client, LEAD, PASSWORD)

    _, attributes = cookie_attributes(set_cookies(response)[COOKIE])
    assert attributes.get("httponly") == "true"
    assert attributes.get("samesite", "").lower() == "strict"
    assert attributes.get("path") == "/"
    assert "expires" not in attributes and "max-age" not in attributes


async def test_every_sign_in_gets_a_new_session_id(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await enrol(client)
    enrolled = client.cookies[COOKIE]

    again = await sign_in(client, LEAD, PASSWORD)  # the enrolled session's cookie is still sent

    password_stage, _ = cookie_attributes(set_cookies(again)[COOKIE])
    assert password_stage != enrolled
    assert await count(db, StaffSession) == 1  # the session the browser brought was ended
    client.cookies.set(COOKIE, enrolled)
    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"


async def test_over_https_the_cookie_has_the_host_prefix_and_is_secure(
    client_with: ClientMaker, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    async with client_with("https://example.org", public_base_url="https://example.org") as client:
        response = await sign_in(client, LEAD, PASSWORD)

    assert response.status_code in (302, 303)
    cookies = set_cookies(response)
    assert COOKIE not in cookies
    _, attributes = cookie_attributes(cookies["__Host-" + COOKIE])
    assert attributes.get("secure") == "true"
    assert attributes.get("path") == "/"
    assert "domain" not in attributes


async def test_sign_out_ends_the_session_so_back_cannot_resume_it(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="school_coordinator", email=COORDINATOR)
    cookie = await sign_in_without_two_factor(client)
    assert (await client.get("/staff/", follow_redirects=False)).status_code == 200

    signed_out = await sign_out(client)

    assert signed_out.headers["location"] == "/staff/sign-in"
    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"
    client.cookies.set(COOKIE, cookie)  # a page kept in history still holds the old cookie
    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"
    assert await count(db, StaffSession) == 0


async def test_idle_session_is_ended(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Settings
) -> None:
    await create_staff(db, role="school_coordinator", email=COORDINATOR)
    await sign_in_without_two_factor(client)
    assert (await client.get("/staff/", follow_redirects=False)).status_code == 200

    idle_since = utc_now() - timedelta(minutes=settings.session_idle_minutes, seconds=1)
    await fresh(db)
    await db.execute(update(StaffSession).values(last_seen_at=idle_since))
    await db.commit()

    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"
    assert await count(db, StaffSession) == 0


async def test_lead_cannot_skip_two_factor_setup(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await sign_in(client, LEAD, PASSWORD)

    skipped = await submit(client, "/staff/two-factor/setup", "/staff/two-factor/skip", {})

    assert skipped.status_code == 403
    assert (await client.get("/staff/", follow_redirects=False)).headers[
        "location"
    ] == "/staff/sign-in"


async def test_school_coordinator_may_skip_two_factor_setup(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="school_coordinator", email=COORDINATOR)
    await sign_in(client, COORDINATOR, PASSWORD)
    page = await client.get("/staff/two-factor/setup")
    assert "/staff/two-factor/skip" in page.text

    skipped = await client.post(
        "/staff/two-factor/skip",
        data={"_csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )

    assert skipped.headers["location"] == "/staff/"
    assert (await client.get("/staff/", follow_redirects=False)).status_code == 200


async def test_too_many_failures_answer_429_without_checking_the_password(
    client_with: ClientMaker, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    async with client_with(sign_in_attempts_per_hour=3) as client:
        for _ in range(3):
            assert (await sign_in(client, LEAD, "a wrong password, again")).status_code == 401

        response = await sign_in(client, LEAD, PASSWORD)

    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 3600
    assert await count(db, StaffSession) == 0
    assert await count(db, SignInFailure) == 3
    assert "sign_in.password" not in await audit_actions(db)


async def test_failures_older_than_an_hour_no_longer_count(
    client_with: ClientMaker, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    an_hour_ago = utc_now() - timedelta(hours=1, minutes=1)
    db.add_all(SignInFailure(account_key=account_key(LEAD), at=an_hour_ago) for _ in range(3))
    await db.commit()

    async with client_with(sign_in_attempts_per_hour=3) as client:
        response = await sign_in(client, LEAD, PASSWORD)

    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/staff/two-factor/setup"


async def test_over_https_sign_out_clears_the_host_cookie_with_a_secure_cookie(
    client_with: ClientMaker, db: AsyncSession
) -> None:
    await create_staff(db, role="school_coordinator", email=COORDINATOR)
    async with client_with("https://example.org", public_base_url="https://example.org") as client:
        await sign_in(client, COORDINATOR, PASSWORD)
        await submit(client, "/staff/two-factor/setup", "/staff/two-factor/skip", {})
        signed_out = await sign_out(client)

    # A browser ignores a __Host- cookie (even one that deletes) unless it is Secure.
    value, attributes = cookie_attributes(set_cookies(signed_out)["__Host-" + COOKIE])
    assert value == ""
    assert attributes.get("secure") == "true" and attributes.get("path") == "/"
    assert attributes.get("max-age") == "0"


async def test_visiting_setup_again_does_not_switch_two_factor_off(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await enrol(client)
    await fresh(db)
    sealed_before = await db.scalar(select(StaffUser.totp_secret_sealed))

    await client.get("/staff/two-factor/setup")
    await sign_out(client)

    await fresh(db)
    assert await db.scalar(select(StaffUser.totp_confirmed_at)) is not None
    assert await db.scalar(select(StaffUser.totp_secret_sealed)) == sealed_before
    assert (await sign_in(client, LEAD, PASSWORD)).headers["location"] == "/staff/two-factor"


async def test_a_code_in_other_digits_is_refused_not_an_error(
    client: AsyncTestClient[Litestar], db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await enrol(client)
    await sign_out(client)

    response = await sign_in_with_code(client, "１２３４５６")

    assert response.status_code == 401
    assert "There is a problem" in response.text


async def test_too_many_wrong_setup_codes_answer_429_with_retry_after(
    client_with: ClientMaker, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    async with client_with(sign_in_attempts_per_hour=3) as client:
        await sign_in(client, LEAD, PASSWORD)
        for _ in range(3):
            wrong = await submit(
                client, "/staff/two-factor/setup", "/staff/two-factor/setup", {"code": "000000"}
            )
            assert wrong.status_code == 401

        response = await submit(
            client, "/staff/two-factor/setup", "/staff/two-factor/setup", {"code": "000000"}
        )

    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 3600


async def test_too_many_wrong_codes_answer_429_with_retry_after(
    client_with: ClientMaker, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email=LEAD)
    await db.execute(update(StaffUser).values(totp_confirmed_at=utc_now()))
    await db.commit()
    async with client_with(sign_in_attempts_per_hour=3) as client:
        await sign_in(client, LEAD, PASSWORD)
        for _ in range(3):
            wrong = await submit(
                client, "/staff/two-factor", "/staff/two-factor", {"code": "000000"}
            )
            assert wrong.status_code == 401

        response = await submit(
            client, "/staff/two-factor", "/staff/two-factor", {"code": "000000"}
        )

    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 3600
