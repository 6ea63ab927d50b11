"""The lead's administration pages: accounts, services, key periods and the audit log."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.crypto.models import KeyPeriod
from feedback.crypto.service import rotate_keys
from feedback.organisations.models import Service
from feedback.settings import Settings
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def lead(client: Client, db: AsyncSession) -> Client:
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    return client


async def test_accounts_page_lists_roles_and_two_factor(lead: Client, db: AsyncSession) -> None:
    await create_service(db, "Advocacy Service")
    await create_staff(
        db, role="service_manager", email="m@example.org", services=["Advocacy Service"]
    )
    page = await lead.get("/staff/admin")
    assert "m@example.org" in page.text and "service manager" in page.text
    assert "Advocacy Service" in page.text and "not set up" in page.text


async def test_a_service_is_added_from_the_page(lead: Client, db: AsyncSession) -> None:
    page = await lead.get("/staff/admin/services")
    added = await lead.post(
        "/staff/admin/services",
        data={
            "_csrf_token": csrf_token(page.text),
            "name": "Refuge West",
            "boroughs": ["westminster", "kensington-chelsea"],
        },
    )
    assert added.status_code == 200
    assert "Added Refuge West" in added.text
    await db.rollback()
    service = await db.scalar(select(Service).where(Service.name == "Refuge West"))
    assert service is not None
    assert sorted(b.slug for b in service.boroughs) == ["kensington-chelsea", "westminster"]


async def test_a_service_without_a_borough_is_refused_with_the_name_kept(
    lead: Client, db: AsyncSession
) -> None:
    page = await lead.get("/staff/admin/services")
    refused = await lead.post(
        "/staff/admin/services",
        data={"_csrf_token": csrf_token(page.text), "name": "Nowhere Service"},
    )
    assert refused.status_code == 400
    assert "There is a problem" in refused.text and 'value="Nowhere Service"' in refused.text
    await db.rollback()
    assert await db.scalar(select(Service.id)) is None


async def test_audit_log_filters_and_exports_with_its_own_record(
    lead: Client, db: AsyncSession
) -> None:
    page = await lead.get("/staff/admin/audit?action=sign_in")
    assert "sign_in.password" in page.text
    assert "two_factor.enrol" not in page.text
    exported = await lead.get("/staff/admin/audit?format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {"sign_in.password", "two_factor.enrol"} <= {row["action"] for row in rows}
    await db.rollback()
    assert "audit.export" in set(await db.scalars(select(AuditEvent.action)))


async def test_a_bad_date_filter_is_named(lead: Client) -> None:
    page = await lead.get("/staff/admin/audit?since=yesterday")
    assert page.status_code == 400
    assert "From: enter a date" in page.text  # the label, not the parameter


async def test_key_periods_show_status_and_no_key_material(
    lead: Client, db: AsyncSession, settings: Settings
) -> None:
    rotated = await rotate_keys(db, settings=settings)
    page = await lead.get("/staff/admin/keys")
    assert page.status_code == 200
    for label in rotated.created:
        assert label in page.text
    assert "current" in page.text and "upcoming" in page.text
    wrapped = list(await db.scalars(select(KeyPeriod.private_key_wrapped)))
    assert all(blob and base64.b64encode(blob).decode()[:16] not in page.text for blob in wrapped)


@pytest.mark.parametrize("role", ["analyst", "service_manager"])
async def test_only_the_lead_reaches_administration(
    client: Client, db: AsyncSession, role: str
) -> None:
    await create_service(db, "Advocacy Service")
    await create_staff(
        db,
        role=role,
        email="x@example.org",
        services=["Advocacy Service"] if role == "service_manager" else [],
    )
    await sign_in_with_new_two_factor(client, "x@example.org", PASSWORD)
    for path in (
        "/staff/admin",
        "/staff/admin/services",
        "/staff/admin/keys",
        "/staff/admin/audit",
    ):
        assert (await client.get(path)).status_code == 403, path
