"""The public surface: the page and its filters, the young-person view, one record, the Atom
feed (parsed as XML) and the public JSON; only published records, and no staff details."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions import service
from feedback.settings import Settings
from tests.actions.conftest import People, draft_input

Client = AsyncTestClient[Litestar]
ATOM = "{http://www.w3.org/2005/Atom}"
EMAILS = ("lead@example.org", "own@example.org", "other@example.org")


class Records:
    def __init__(self, published: int, other: int, young: int, draft: int) -> None:
        self.published, self.other, self.young, self.draft = published, other, young, draft


async def _publish(
    db: AsyncSession, people: People, settings: Settings, service_id: int, **changes: object
) -> int:
    record = await service.draft_record(db, people.lead, draft_input(service_id, **changes))
    await service.submit_record(db, people.lead, record.id)
    await service.approve_record(db, people.lead, record.id, settings=settings)
    return record.id


@pytest.fixture
async def records(db: AsyncSession, people: People, settings: Settings) -> Records:
    published = await _publish(db, people, settings, people.own)
    other = await _publish(
        db,
        people,
        settings,
        people.other,
        title="Interpreters on the helpline",
        theme_ids=["language_interpreting"],
        status="done",
    )
    young = await _publish(
        db,
        people,
        settings,
        people.own,
        title="Lessons about healthy relationships",
        young_people=True,
        simple_summary="Your school will have lessons about being kind and safe in relationships.",
        theme_ids=["young_people_education"],
    )
    draft = await service.draft_record(
        db, people.own_manager, draft_input(people.own, title="Secret draft title")
    )
    return Records(published, other, young, draft.id)


async def test_the_page_lists_published_records_only(client: Client, records: Records) -> None:
    page = await client.get("/you-said-we-did")

    assert page.status_code == 200
    assert "Evening appointments" in page.text and "Interpreters on the helpline" in page.text
    assert "Secret draft title" not in page.text
    assert 'id="exit-this-page"' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert not any(email in page.text for email in EMAILS)


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("theme=language_interpreting", "Interpreters on the helpline", "Evening appointments"),
        ("status=done", "Interpreters on the helpline", "Evening appointments"),
        ("borough=westminster", "Evening appointments", "Interpreters on the helpline"),
    ],
)
async def test_the_page_filters(
    client: Client, records: Records, query: str, shown: str, hidden: str
) -> None:
    page = await client.get(f"/you-said-we-did?{query}")

    assert shown in page.text and hidden not in page.text


async def test_the_page_filters_by_service(
    client: Client, records: Records, people: People
) -> None:
    page = await client.get(f"/you-said-we-did?service={people.other}")

    assert "Interpreters on the helpline" in page.text
    assert "Evening appointments" not in page.text


async def test_the_young_people_view_uses_the_simple_summary(
    client: Client, records: Records
) -> None:
    page = await client.get("/you-said-we-did/young-people")

    assert "being kind and safe in relationships" in page.text
    assert "Evening appointments" not in page.text
    assert "Childline" in page.text


async def test_a_draft_has_no_public_page(client: Client, records: Records) -> None:
    assert (await client.get(f"/you-said-we-did/{records.published}")).status_code == 200
    assert (await client.get(f"/you-said-we-did/{records.draft}")).status_code == 404


async def test_the_atom_feed_is_well_formed_with_the_required_elements(
    client: Client, records: Records
) -> None:
    response = await client.get("/you-said-we-did.atom")

    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for tag in ("id", "title", "updated", "content", "link"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("http")
    titles = {entry.findtext(f"{ATOM}title") for entry in entries}
    assert "Secret draft title" not in titles
    assert not any(email in response.text for email in EMAILS)


async def test_the_json_is_public_paginated_and_has_published_records_only(
    client: Client, records: Records
) -> None:
    first = (await client.get("/api/v1/you-said-we-did?limit=2")).json()

    assert first["total"] == 3 and len(first["records"]) == 2
    assert first["next"] == "/api/v1/you-said-we-did?limit=2&offset=2"
    second = (await client.get(first["next"])).json()
    assert len(second["records"]) == 1 and second["next"] is None
    titles = {r["title"] for r in first["records"] + second["records"]}
    assert "Secret draft title" not in titles
    record = first["records"][0]
    assert {"id", "title", "service", "you_said", "we_did", "status", "evidence"} <= set(record)
    assert "state" not in record and "review_comment" not in record


async def test_the_json_filters(client: Client, records: Records) -> None:
    found = (await client.get("/api/v1/you-said-we-did?theme=language_interpreting")).json()

    assert [r["title"] for r in found["records"]] == ["Interpreters on the helpline"]
    assert found["total"] == 1


async def test_a_bad_filter_is_named(client: Client, records: Records) -> None:
    refused = await client.get("/api/v1/you-said-we-did?limit=lots")

    assert refused.status_code == 400
    assert "limit" in refused.text


async def test_an_edited_record_shows_when_it_changed_and_its_earlier_wording(
    client: Client, db: AsyncSession, people: People, records: Records
) -> None:
    await service.edit_record(
        db, people.lead, records.published, draft_input(people.own, we_did="Open until 9pm.")
    )

    page = await client.get(f"/you-said-we-did/{records.published}")

    assert "Open until 9pm." in page.text and "updated on" in page.text
    assert "Earlier versions of this record" in page.text
    assert "We now open until 8pm on Tuesdays and Thursdays." in page.text
