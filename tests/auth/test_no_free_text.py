"""No console page shows what a respondent wrote, except a page whose request recorded an
audit event for opening it (the theme review's "open", report quotes). Every GET page each
role may use is fetched, with responses holding known free text in the database."""

from __future__ import annotations

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.crypto.master import load_master_keys
from feedback.settings import Settings
from feedback.themes.tagging import tag_stored_response
from tests.auth.pages import csrf_token
from tests.auth.test_access import ACCESS, _fill, _sample_values, staff_routes
from tests.support.responses import new_link_token, survey_ready
from tests.support.staff import Client, signed_in
from tests.support.themes import store_response

__all__ = ["survey_ready"]

# Words only a respondent typed: one English answer set, one that goes to review.
ENGLISH = {
    "felt_believed": "4",
    "what_helped_most": "The zebracorn leaflet and my advocate helped me feel believed.",
    "what_should_change": "Waiting for the marmalade-kettle callback took far too long.",
}
SPANISH = {
    "felt_believed": "2",
    "what_helped_most": "Muy buen servicio, me escucharon con paciencia quetzalito",
}
MARKERS = ("zebracorn", "marmalade-kettle", "escucharon", "quetzalito")
QUERIES = {"/staff/reports/service-satisfaction/compare": "?question=felt_believed"}
TEXT_AUDIT_ACTIONS = {"free_text.open", "report.quotes"}


def shown(html: str) -> list[str]:
    lowered = html.lower()
    return [marker for marker in MARKERS if marker in lowered]


async def _responses_with_text(db: AsyncSession, settings: Settings) -> list[str]:
    keys = load_master_keys(settings)
    ids = []
    for answers in (ENGLISH, SPANISH):
        response_id = await store_response(db, await new_link_token(db), keys.current, answers)
        await tag_stored_response(db, response_id, master_keys=keys, suppression_threshold=5)
        ids.append(response_id)
    return ids


async def _text_audits(db: AsyncSession) -> int:
    await db.rollback()
    rows = await db.scalars(select(AuditEvent.id).where(AuditEvent.action.in_(TEXT_AUDIT_ACTIONS)))
    return len(list(rows))


@pytest.mark.parametrize("role", ["lead", "service_manager", "school_coordinator", "analyst"])
async def test_no_page_shows_answer_text_unless_its_opening_was_audited(
    client: Client,
    db: AsyncSession,
    settings: Settings,
    app: Litestar,
    survey_ready: None,
    role: str,
) -> None:
    values = await _sample_values(db, settings)
    english_id, spanish_id = await _responses_with_text(db, settings)
    values["response_id"] = spanish_id
    await signed_in(client, db, role)
    pages = [
        _fill(route.split(" ", 1)[1], values)
        for route in staff_routes(app)
        if route.startswith("GET ") and role in ACCESS.get(route, frozenset())
    ]
    pages += [f"/staff/themes/review/{english_id}"]
    pages = [page + QUERIES.get(page, "") for page in pages]

    leaks, statuses = [], {}
    for page in pages:
        audits = await _text_audits(db)
        answer = await client.get(page, follow_redirects=True)
        statuses[page] = answer.status_code
        found = shown(answer.text)
        if found and await _text_audits(db) == audits:
            leaks.append(f"{page}: {found}")

    assert leaks == []
    # The scan read real pages, not only refusals: home, surveys and the role's own pages.
    assert statuses["/staff"] == 200 and statuses["/staff/surveys/service-satisfaction/1"] == 200


async def test_the_scan_finds_text_where_an_audited_opening_shows_it(
    client: Client, db: AsyncSession, settings: Settings, survey_ready: None
) -> None:
    """The positive control: the review page's "open" does show the words, so the scan
    above would see them on any page that leaked them."""
    _english_id, spanish_id = await _responses_with_text(db, settings)
    analyst = await signed_in(client, db, "analyst")
    page = await analyst.get(f"/staff/themes/review/{spanish_id}")
    assert shown(page.text) == []
    opened = await analyst.post(
        f"/staff/themes/review/{spanish_id}/open", data={"_csrf_token": csrf_token(page.text)}
    )
    assert "escucharon" in shown(opened.text)
    assert await _text_audits(db) == 1
