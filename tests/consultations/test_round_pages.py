"""The lead's round pages: the new-round form names fields as it labels them and marks no
field before anything is sent; closing a round early asks first, in words (both backends)."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consultations import rounds
from feedback.links import service as links
from feedback.links.models import LinkBatch
from tests.auth.pages import sign_in_with_new_two_factor, submit
from tests.consultations.conftest import People, open_round
from tests.factories import PASSWORD

Client = AsyncTestClient[Litestar]
NEW = "/staff/consultations/new"


@pytest.fixture
async def lead(people: People, client: Client) -> Client:
    await sign_in_with_new_two_factor(client, people.lead.email, PASSWORD)
    return client


async def test_the_new_round_form_marks_no_field_before_anything_is_sent(lead: Client) -> None:
    page = await lead.get(NEW)

    assert page.status_code == 200
    assert "field-error" not in page.text and "There is a problem" not in page.text


async def test_a_bad_date_is_named_by_the_forms_label(lead: Client) -> None:
    fields = {"title": "Spring", "purpose": "To hear you.", "opens_on": "next week"}
    refused = await submit(lead, NEW, NEW, fields)

    assert refused.status_code == 400
    assert '<a href="#opens_on">Opening date: enter a date as YYYY-MM-DD' in refused.text
    assert "opens_on:" not in refused.text
    assert refused.text.count("field-error") == 1  # only the field at fault


async def test_closing_early_shows_what_will_happen_and_changes_nothing_yet(
    db: AsyncSession, people: People, lead: Client
) -> None:
    found = await open_round(db, people)
    page = f"/staff/consultations/{found.id}"

    shown = await lead.get(f"{page}/close")
    posted_without_yes = await submit(lead, page, f"{page}/close", {})

    for answer in (shown, posted_without_yes):
        assert answer.status_code == 200
        assert "Close “Spring consultation” now?" in answer.text
        assert "Every link and code issued for it stops working at once" in answer.text
        assert "Advocacy Service, Outreach Service" in answer.text
        assert "This cannot be undone." in answer.text
    assert (await rounds.get_round(db, found.id, actor=people.lead)).status == "open"
    detail = await lead.get(page)
    assert 'href="/staff/consultations/' in detail.text and "Close the round early" in detail.text
    assert "<button" not in detail.text.split("Close the round early")[0].rsplit("<h2>", 1)[1]


async def test_closing_after_yes_closes_the_round_and_its_links(
    db: AsyncSession, people: People, lead: Client
) -> None:
    found = await open_round(db, people)
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=1,
        base_url="http://127.0.0.1:8000",
    )  # issued while the round is open, for its survey and service: it belongs to the round
    page = f"/staff/consultations/{found.id}"

    closed = await submit(lead, f"{page}/close", f"{page}/close", {"confirm": "yes"})

    assert closed.status_code == 303
    assert (await rounds.get_round(db, found.id, actor=people.lead)).status == "closed"
    await db.rollback()
    stored = await db.get(LinkBatch, batch.batch_id)
    assert stored is not None and stored.revoked_at is not None
    again = await lead.get(f"{page}/close", follow_redirects=False)
    assert again.status_code == 303  # nothing left to confirm
