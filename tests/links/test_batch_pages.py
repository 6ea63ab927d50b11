"""The list of link batches with their use counts and a Revoke button."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links import service as links
from feedback.links.models import Link, LinkBatch
from tests.auth.pages import submit
from tests.support.responses import survey_ready
from tests.support.staff import SERVICE, Client, signed_in

__all__ = ["survey_ready"]


async def _batch(db: AsyncSession, count: int) -> int:
    made = await links.create_links(
        db, survey_slug="service-satisfaction", service_name=SERVICE, count=count, base_url="x"
    )
    return made.batch_id


async def test_batches_list_counts_and_revoke_stops_the_links(
    client: Client, db: AsyncSession, survey_ready: None
) -> None:
    manager = await signed_in(client, db, "service_manager")
    batch_id = await _batch(db, 3)
    first = await db.scalar(select(Link).where(Link.batch_id == batch_id).limit(1))
    assert first is not None
    first.used = True
    await db.commit()
    page = await manager.get("/staff/links/batches")
    row = page.text.split(f"<tr><td>{batch_id}</td>", 1)[1].split("</tr>", 1)[0]
    # One of three used: a small count of people is never shown as it is (issue 21).
    assert '<td class="numeric">3</td><td class="numeric">fewer than 5</td>' in row
    assert "<td>in date</td>" in row  # a batch of 3: "live" would say not all answered
    assert "/s/" not in page.text  # the links themselves are never listed again
    for link in await db.scalars(select(Link).where(Link.batch_id == batch_id)):
        link.used = True
    await db.commit()
    page = await manager.get("/staff/links/batches")
    row = page.text.split(f"<tr><td>{batch_id}</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>in date</td>" in row and "used up" not in row  # nor that all three did

    done = await submit(
        manager,
        "/staff/links/batches",
        f"/staff/links/batches/{batch_id}/revoke",
        {"confirm": "yes"},
    )
    assert done.status_code == 200 and "revoked" in done.text
    await db.rollback()
    batch = await db.get(LinkBatch, batch_id)
    assert batch is not None and batch.revoked_at is not None


async def test_a_manager_sees_and_revokes_only_their_own_services_batches(
    client: Client, db: AsyncSession, survey_ready: None
) -> None:
    from tests.factories import create_service

    await create_service(db, "Other Service")
    other = await links.create_links(
        db, survey_slug="service-satisfaction", service_name="Other Service", count=1, base_url="x"
    )
    manager = await signed_in(client, db, "service_manager")
    page = await manager.get("/staff/links/batches")
    assert "Other Service" not in page.text
    refused = await submit(
        manager, "/staff/links/batches", f"/staff/links/batches/{other.batch_id}/revoke", {}
    )
    assert refused.status_code == 404
    await db.rollback()
    batch = await db.get(LinkBatch, other.batch_id)
    assert batch is not None and batch.revoked_at is None
