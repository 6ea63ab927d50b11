"""The lead's keys and services in the console (issue 19, item 9): the same functions as
`feedback keys` and `feedback services`, audit-logged, destroying a period only after its
name is typed, and a retired service keeping its history but issuing no new links."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent, StaffUser
from feedback.crypto.master import load_master_keys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import period_label
from feedback.crypto.service import rotate_keys
from feedback.crypto.wrapping import new_key_pair, wrap_private_key
from feedback.db.base import utc_now
from feedback.errors import InvalidInput
from feedback.links import service as links
from feedback.links.models import LinkBatch
from feedback.organisations.models import Service
from feedback.organisations.names import BOROUGH_NAMES
from feedback.organisations.service import list_boroughs
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from tests.auth.pages import csrf_token
from tests.support.responses import ROOT
from tests.support.staff import SERVICE, Client

BASE = "http://127.0.0.1:8000"


@pytest.fixture
async def published(db: AsyncSession, settings: Settings) -> None:
    """A survey to make links for; the `lead` fixture has made the service."""
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await rotate_keys(db, settings=settings)


async def _audit(db: AsyncSession, action: str) -> list[tuple[int | None, str | None]]:
    await db.rollback()
    rows = await db.execute(
        select(AuditEvent.actor_id, AuditEvent.target_id).where(AuditEvent.action == action)
    )
    return [tuple(row) for row in rows]


async def _lead_id(db: AsyncSession) -> int:
    found = await db.scalar(select(StaffUser.id).where(StaffUser.role == "lead"))
    assert found is not None
    return found


async def test_the_lead_makes_missing_key_pairs_from_the_console(
    lead: Client, db: AsyncSession, settings: Settings
) -> None:
    page = await lead.get("/staff/admin/keys")
    made = await lead.post("/staff/admin/keys/rotate", data={"_csrf_token": csrf_token(page.text)})
    assert made.status_code == 200 and "Created key pairs for" in made.text
    current = period_label(utc_now(), settings.key_period)
    assert current in made.text
    created = await _audit(db, "keys.create")
    assert len(created) == 2 and {actor for actor, _ in created} == {await _lead_id(db)}
    again = await lead.post("/staff/admin/keys/rotate", data={"_csrf_token": csrf_token(page.text)})
    assert "Every period that needs one has a key" in again.text
    assert len(await _audit(db, "keys.create")) == 2


async def test_a_period_is_destroyed_only_after_its_name_is_typed(
    lead: Client, db: AsyncSession, settings: Settings
) -> None:
    rotated = await rotate_keys(db, settings=settings)
    label = rotated.created[1]  # the upcoming period
    confirm = await lead.get(f"/staff/admin/keys/destroy?period={label.lower()}")
    assert confirm.status_code == 200
    assert "unreadable for good" in confirm.text and "cannot be undone" in confirm.text
    await db.rollback()
    assert await db.scalar(select(KeyPeriod.destroyed_at).where(KeyPeriod.label == label)) is None

    token = csrf_token(confirm.text)
    wrong = await lead.post(
        "/staff/admin/keys/destroy", data={"_csrf_token": token, "period": label, "confirm": "yes"}
    )
    assert wrong.status_code == 400
    assert f"Type the period&#39;s name: type {label} exactly" in wrong.text
    assert 'href="#confirm"' in wrong.text
    await db.rollback()
    assert await db.scalar(select(KeyPeriod.destroyed_at).where(KeyPeriod.label == label)) is None
    assert await _audit(db, "keys.destroy") == []

    done = await lead.post(
        "/staff/admin/keys/destroy",
        data={"_csrf_token": token, "period": label, "confirm": f" {label.lower()} "},
    )
    assert done.status_code == 200
    assert f"Destroyed the opening key of {label}" in done.text
    assert "fresh key pair" in done.text  # the upcoming period is replaced, as the CLI does
    await db.rollback()
    rows = list(await db.scalars(select(KeyPeriod).where(KeyPeriod.label == label)))
    destroyed = [row for row in rows if row.destroyed_at is not None]
    assert len(destroyed) == 1 and destroyed[0].private_key_wrapped is None
    assert await _audit(db, "keys.destroy") == [(await _lead_id(db), label)]
    gone = await lead.get("/staff/admin/keys/destroy?period=1999-Q1")
    assert gone.status_code == 404


async def test_rewrap_from_the_console_reports_and_refuses_like_the_cli(
    lead: Client, db: AsyncSession, settings: Settings
) -> None:
    await rotate_keys(db, settings=settings)
    page = await lead.get("/staff/admin/keys")
    token = csrf_token(page.text)
    done = await lead.post("/staff/admin/keys/rewrap", data={"_csrf_token": token})
    assert done.status_code == 200
    assert "re-wrapped 0 period key(s)" in done.text and "were already current" in done.text
    assert len(await _audit(db, "keys.rewrap")) == 1
    # A period wrapped by a master key this server does not hold: nothing is half done.
    private_key, public_key = new_key_pair()
    db.add(
        KeyPeriod(
            label="2001-Q1",
            public_key=public_key,
            private_key_wrapped=wrap_private_key(
                b"\x01" * 32, private_key, label="2001-Q1", public_key=public_key
            ),
            master_key_id="gone-key",
        )
    )
    await db.commit()
    refused = await lead.post("/staff/admin/keys/rewrap", data={"_csrf_token": token})
    assert refused.status_code == 400
    assert "periods 2001-Q1 are wrapped by a master key that is not configured" in refused.text
    assert len(await _audit(db, "keys.rewrap")) == 1


async def _service_id(db: AsyncSession, name: str) -> int:
    await db.rollback()
    found = await db.scalar(select(Service.id).where(Service.name == name))
    assert found is not None
    return found


async def test_a_renamed_service_keeps_its_history(
    lead: Client, db: AsyncSession, settings: Settings, published: None
) -> None:
    batch = await links.create_links(
        db, survey_slug="service-satisfaction", service_name=SERVICE, count=1, base_url=BASE
    )
    service_id = await _service_id(db, SERVICE)
    page = await lead.get(f"/staff/admin/services/{service_id}")
    assert page.status_code == 200 and 'value="Advocacy Service"' in page.text
    token = csrf_token(page.text)
    renamed = await lead.post(
        f"/staff/admin/services/{service_id}/rename",
        data={"_csrf_token": token, "name": "  Westminster   Advocacy "},
    )
    assert renamed.status_code == 200
    assert "Renamed Advocacy Service to Westminster Advocacy" in renamed.text
    await db.rollback()
    kept = await db.scalar(select(LinkBatch.service_id).where(LinkBatch.id == batch.batch_id))
    assert kept == service_id
    assert await _audit(db, "service.rename") == [(await _lead_id(db), str(service_id))]

    await lead.post(
        "/staff/admin/services",
        data={"_csrf_token": token, "name": "Second Service", "boroughs": "westminster"},
    )
    taken = await lead.post(
        f"/staff/admin/services/{service_id}/rename",
        data={"_csrf_token": token, "name": "Second Service"},
    )
    assert taken.status_code == 400
    assert "already exists" in taken.text and 'class="field field-error"' in taken.text
    assert await _service_id(db, "Westminster Advocacy") == service_id


async def test_a_retired_service_issues_no_links_until_brought_back(
    lead: Client, db: AsyncSession, settings: Settings, published: None
) -> None:
    service_id = await _service_id(db, SERVICE)
    page = await lead.get(f"/staff/admin/services/{service_id}")
    token = csrf_token(page.text)
    retired = await lead.post(
        f"/staff/admin/services/{service_id}/retire", data={"_csrf_token": token}
    )
    assert retired.status_code == 200 and "Retired Advocacy Service" in retired.text
    assert "Retired: makes no new links" in retired.text
    await db.rollback()
    attempts = {
        "links": links.create_links(
            db, survey_slug="service-satisfaction", service_name=SERVICE, count=1, base_url=BASE
        ),
        "code": links.create_code(
            db,
            survey_slug="service-satisfaction",
            service_name=SERVICE,
            cap=30,
            base_url=BASE,
            master_key=load_master_keys(settings).current,
        ),
    }
    for kind, attempt in attempts.items():
        with pytest.raises(InvalidInput, match="'Advocacy Service' is retired"):
            await attempt
        await db.rollback()
        assert kind
    assert await db.scalar(select(LinkBatch.id)) is None
    assert await _audit(db, "service.retire") == [(await _lead_id(db), str(service_id))]

    back = await lead.post(
        f"/staff/admin/services/{service_id}/reinstate", data={"_csrf_token": token}
    )
    assert back.status_code == 200 and "is in use again" in back.text
    await db.rollback()
    made = await links.create_links(
        db, survey_slug="service-satisfaction", service_name=SERVICE, count=1, base_url=BASE
    )
    assert len(made.links) == 1
    assert len(await _audit(db, "service.reinstate")) == 1


async def test_each_borough_has_one_display_name_matching_its_seeded_row(
    lead: Client, db: AsyncSession
) -> None:
    seeded = {row.slug: row.name for row in await list_boroughs(db)}
    assert seeded == {slug: name for slug, name in BOROUGH_NAMES.items() if slug != "multiple"}
    page = await lead.get("/staff/admin/services")
    assert "<td>Westminster</td>" in page.text and "westminster</td>" not in page.text
