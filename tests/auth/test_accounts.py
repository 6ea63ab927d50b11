"""Account management in the browser: create with a one-time link, change role and scope,
disable and enable, reset; the same service functions as `feedback users`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent, PasswordLink, StaffSession, StaffUser
from feedback.db.base import utc_now
from feedback.settings import Settings
from tests.auth.pages import csrf_token, sign_in, sign_in_with_new_two_factor, submit
from tests.conftest import Cli
from tests.factories import PASSWORD, create_service, create_staff
from tests.support.staff import SERVICE, Client, local, second_browser, shown_once

NEW_PASSWORD = "a brand new long passphrase"


async def _create_manager(lead: Client) -> str:
    made = await submit(
        lead,
        "/staff/admin/accounts/new",
        "/staff/admin/accounts/new",
        {"email": "new.manager@example.org", "role": "service_manager", "services": SERVICE},
    )
    assert made.status_code == 200, made.text
    assert "new.manager@example.org" in made.text
    return local(shown_once(made.text, "one-time-link"))


async def _set_password(client: Client, link: str, password: str = NEW_PASSWORD) -> str:
    page = await client.get(link)
    assert page.status_code == 200, page.text
    done = await client.post(
        "/staff/set-password",
        data={
            "_csrf_token": csrf_token(page.text),
            "token": link.split("token=", 1)[1],
            "password": password,
            "confirm": password,
        },
    )
    return done.text


async def test_a_new_account_sets_its_own_password_with_a_one_time_link(
    lead: Client, settings: Settings, db: AsyncSession
) -> None:
    link = await _create_manager(lead)
    token = link.split("token=", 1)[1]
    stored = list(await db.scalars(select(PasswordLink.token_hash)))
    assert len(stored) == 1 and token not in stored[0]  # only a digest is kept

    async with second_browser(settings) as person:
        assert (await sign_in(person, "new.manager@example.org", NEW_PASSWORD)).status_code == 401
        assert "Your password is set" in await _set_password(person, link)
        await sign_in_with_new_two_factor(person, "new.manager@example.org", NEW_PASSWORD)
        assert (await person.get("/staff/")).status_code == 200
        again = await person.get(link)
    assert again.status_code == 404 and "does not work" in again.text
    actions = set(await db.scalars(select(AuditEvent.action)))
    assert {"staff.create", "staff.password_set_link", "staff.password_set"} <= actions


async def test_an_expired_link_does_not_work(lead: Client, db: AsyncSession) -> None:
    link = await _create_manager(lead)
    await db.execute(update(PasswordLink).values(expires_at=utc_now() - timedelta(seconds=1)))
    await db.commit()
    assert (await lead.get(link)).status_code == 404


async def test_a_short_password_is_refused_and_the_link_stays_usable(
    lead: Client, settings: Settings
) -> None:
    link = await _create_manager(lead)
    async with second_browser(settings) as person:
        refused = await _set_password(person, link, "short")
        assert "password: must be at least 12 characters" in refused
        assert "Your password is set" in await _set_password(person, link)


async def test_a_service_manager_without_a_service_is_refused_with_nothing_made(
    lead: Client, db: AsyncSession
) -> None:
    refused = await submit(
        lead,
        "/staff/admin/accounts/new",
        "/staff/admin/accounts/new",
        {"email": "x@example.org", "role": "service_manager"},
    )
    assert refused.status_code == 400 and "needs at least one" in refused.text
    await db.rollback()
    assert await db.scalar(select(StaffUser.id).where(StaffUser.email == "x@example.org")) is None


async def test_role_and_scope_change_from_the_account_page(lead: Client, db: AsyncSession) -> None:
    await create_service(db, "Refuge West")
    made = await create_staff(db, role="analyst", email="a@example.org")
    changed = await submit(
        lead,
        f"/staff/admin/accounts/{made.id}",
        f"/staff/admin/accounts/{made.id}/role",
        {"role": "service_manager", "services": "Refuge West"},
    )
    assert changed.status_code == 200 and "Role and services saved" in changed.text
    await db.rollback()
    user = await db.get(StaffUser, made.id)
    assert user is not None and user.role == "service_manager"
    assert [s.name for s in user.services] == ["Refuge West"]


async def test_disabling_ends_sessions_and_enabling_restores_sign_in(
    lead: Client, settings: Settings, db: AsyncSession
) -> None:
    made = await create_staff(db, role="analyst", email="a@example.org")
    async with second_browser(settings) as analyst:
        await sign_in_with_new_two_factor(analyst, "a@example.org", PASSWORD)
        page = f"/staff/admin/accounts/{made.id}"
        await submit(lead, page, f"{page}/disable", {"confirm": "yes"})
        assert (await analyst.get("/staff/", follow_redirects=False)).status_code in (302, 303)
        assert (await sign_in(analyst, "a@example.org", PASSWORD)).status_code == 401
        await submit(lead, page, f"{page}/enable", {})
        assert (await sign_in(analyst, "a@example.org", PASSWORD)).status_code in (302, 303)
    actions = list(await db.scalars(select(AuditEvent.action)))
    assert "staff.disable" in actions and "staff.enable" in actions


async def test_a_reset_signs_the_account_out_and_voids_its_password(
    lead: Client, settings: Settings, db: AsyncSession
) -> None:
    made = await create_staff(db, role="analyst", email="a@example.org")
    async with second_browser(settings) as analyst:
        await sign_in_with_new_two_factor(analyst, "a@example.org", PASSWORD)
        page = f"/staff/admin/accounts/{made.id}"
        reset = await submit(lead, page, f"{page}/reset-password", {})
        link = local(shown_once(reset.text, "one-time-link"))
        count = select(func.count()).where(StaffSession.user_id == made.id)
        assert await db.scalar(count) == 0
        assert (await analyst.get("/staff/", follow_redirects=False)).status_code in (302, 303)
        assert (await sign_in(analyst, "a@example.org", PASSWORD)).status_code == 401
        assert "Your password is set" in await _set_password(analyst, link)
        assert (await sign_in(analyst, "a@example.org", NEW_PASSWORD)).status_code in (302, 303)


async def test_a_lead_cannot_disable_or_demote_themselves(lead: Client, db: AsyncSession) -> None:
    me = await db.scalar(select(StaffUser).where(StaffUser.email == "lead@example.org"))
    assert me is not None
    page = await lead.get(f"/staff/admin/accounts/{me.id}")
    assert "This is your own account" in page.text
    refused = await lead.post(
        f"/staff/admin/accounts/{me.id}/disable",
        data={"_csrf_token": csrf_token(page.text), "confirm": "yes"},
    )
    assert refused.status_code == 403
    await db.refresh(me)
    assert me.is_active


def test_the_cli_invites_changes_and_resets_with_the_same_functions(cli: Cli) -> None:
    assert cli("services", "add", SERVICE, "--borough", "westminster").exit_code == 0
    made = cli("users", "create", "--role", "analyst", "--email", "c@example.org", "--invite")
    assert made.exit_code == 0, made.output
    assert "/staff/set-password?token=" in made.output
    changed = cli(
        "users", "set-role", "--email", "c@example.org", "--role", "service_manager",
        "--service", SERVICE,
    )  # fmt: skip
    assert (
        changed.exit_code == 0 and "is now service_manager for Advocacy Service" in changed.output
    )
    assert cli("users", "disable", "--email", "c@example.org").exit_code == 0
    refused = cli("users", "reset-password", "--email", "c@example.org")
    assert refused.exit_code == 1 and "disabled" in refused.output
    assert cli("users", "enable", "--email", "c@example.org").exit_code == 0
    reset = cli("users", "reset-password", "--email", "c@example.org")
    assert reset.exit_code == 0 and "/staff/set-password?token=" in reset.output


async def test_a_newer_link_replaces_the_older_one(lead: Client, db: AsyncSession) -> None:
    first = await _create_manager(lead)
    user = await db.scalar(select(StaffUser).where(StaffUser.email == "new.manager@example.org"))
    assert user is not None
    page = f"/staff/admin/accounts/{user.id}"
    again = await submit(lead, page, f"{page}/reset-password", {})
    second = local(shown_once(again.text, "one-time-link"))
    assert (await lead.get(first)).status_code == 404
    assert (await lead.get(second)).status_code == 200
