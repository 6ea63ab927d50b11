"""Revoking a batch and disabling an account ask first, in words: the page says what will
happen, and nothing changes until its own button is pressed (both backends)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import StaffUser
from feedback.links import service as links
from feedback.links.models import LinkBatch
from tests.auth.pages import submit
from tests.factories import create_service, create_staff
from tests.support.responses import survey_ready
from tests.support.staff import SERVICE, Client, signed_in

__all__ = ["survey_ready"]


async def test_revoking_a_batch_says_what_stops_and_waits_for_yes(
    client: Client, db: AsyncSession, survey_ready: None
) -> None:
    manager = await signed_in(client, db, "service_manager")
    made = await links.create_links(
        db, survey_slug="service-satisfaction", service_name=SERVICE, count=3, base_url="x"
    )
    confirm = f"/staff/links/batches/{made.batch_id}/revoke"
    listing = await manager.get("/staff/links/batches")
    assert f'href="{confirm}"' in listing.text

    shown = await manager.get(confirm)
    without_yes = await submit(manager, confirm, confirm, {})

    for answer in (shown, without_yes):
        assert answer.status_code == 200
        assert f"Revoke batch {made.batch_id}?" in answer.text
        assert "its 3 single-use links stop working at once" in answer.text
        assert "Answers already given are kept" in answer.text
        assert "This cannot be undone." in answer.text
    await db.rollback()
    batch = await db.get(LinkBatch, made.batch_id)
    assert batch is not None and batch.revoked_at is None

    await submit(manager, confirm, confirm, {"confirm": "yes"})
    await db.rollback()
    batch = await db.get(LinkBatch, made.batch_id)
    assert batch is not None and batch.revoked_at is not None


async def test_another_services_batch_has_no_confirmation_page(
    client: Client, db: AsyncSession, survey_ready: None
) -> None:
    manager = await signed_in(client, db, "service_manager")
    await create_service(db, "Other Service")
    theirs = await links.create_links(
        db, survey_slug="service-satisfaction", service_name="Other Service", count=1, base_url="x"
    )

    assert (await manager.get(f"/staff/links/batches/{theirs.batch_id}/revoke")).status_code == 404


async def test_disabling_an_account_says_what_happens_and_waits_for_yes(
    lead: Client, db: AsyncSession
) -> None:
    made = await create_staff(db, role="analyst", email="a@example.org")
    page = f"/staff/admin/accounts/{made.id}"
    account = await lead.get(page)
    assert f'href="{page}/disable"' in account.text

    shown = await lead.get(f"{page}/disable")
    without_yes = await submit(lead, page, f"{page}/disable", {})

    for answer in (shown, without_yes):
        assert answer.status_code == 200
        assert "Disable the account a@example.org?" in answer.text
        assert "signed out everywhere at once" in answer.text
        assert "Their API tokens stop working." in answer.text
        assert "This cannot be undone." not in answer.text  # it can: enable again
    await db.rollback()
    user = await db.get(StaffUser, made.id)
    assert user is not None and user.is_active
