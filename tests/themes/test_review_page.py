"""The theme review page: one response at a time, text only after an audited "open",
confirm / remove / add through the review service functions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.crypto.master import load_master_keys
from feedback.settings import Settings
from feedback.themes.models import ResponseTagging, ThemeTag
from feedback.themes.tagging import tag_stored_response
from tests.auth.pages import csrf_token, submit
from tests.support.staff import Client, signed_in
from tests.support.themes import NewResponse, new_response, survey_ready

__all__ = ["new_response", "survey_ready"]

SPANISH = "Muy buen servicio, me escucharon con paciencia"
CHANGE = "The waiting list was far too long and nobody called me back."


async def queued_response(db: AsyncSession, settings: Settings, new_response: NewResponse) -> str:
    """A response the tagger sends to a person (its first answer is not English)."""
    response_id = await new_response(
        {"felt_believed": "4", "what_helped_most": SPANISH, "what_should_change": CHANGE}
    )
    await tag_stored_response(
        db, response_id, master_keys=load_master_keys(settings), suppression_threshold=5
    )
    return response_id


async def test_the_text_is_shown_only_after_an_audited_open(
    client: Client, db: AsyncSession, settings: Settings, new_response: NewResponse
) -> None:
    response_id = await queued_response(db, settings, new_response)
    analyst = await signed_in(client, db, "analyst")
    page = await analyst.get("/staff/themes/review")
    assert response_id in page.text and "not in English" in page.text
    assert SPANISH not in page.text and "waiting list" not in page.text
    assert "free_text.open" not in set(await db.scalars(select(AuditEvent.action)))

    opened = await analyst.post(
        f"/staff/themes/review/{response_id}/open", data={"_csrf_token": csrf_token(page.text)}
    )
    assert opened.status_code == 200 and SPANISH in opened.text
    audit = await db.scalar(select(AuditEvent).where(AuditEvent.action == "free_text.open"))
    assert audit is not None and audit.target_id == response_id


async def test_a_decision_leaves_the_queue_and_shows_no_text(
    client: Client, db: AsyncSession, settings: Settings, new_response: NewResponse
) -> None:
    response_id = await queued_response(db, settings, new_response)
    machine = await db.scalar(select(ThemeTag).where(ThemeTag.response_id == response_id))
    assert machine is not None  # the English answer was tagged
    analyst = await signed_in(client, db, "analyst")
    page = f"/staff/themes/review/{response_id}"
    confirmed = await submit(
        analyst,
        page,
        f"{page}/decisions",
        {"action": "remove", "question_id": machine.question_id, "theme_id": machine.theme_id},
    )
    assert confirmed.status_code == 200 and "removed" in confirmed.text
    assert "waiting list" not in confirmed.text
    added = await submit(
        analyst,
        page,
        f"{page}/decisions",
        {"action": "add", "question_id": "what_helped_most", "theme_id": "housing"},
    )
    assert added.status_code == 200
    await db.rollback()
    db.expunge_all()
    removed = await db.get(ThemeTag, (response_id, machine.question_id, machine.theme_id))
    assert removed is not None and removed.decision == "removed"
    human = await db.get(ThemeTag, (response_id, "what_helped_most", "housing"))
    assert human is not None and human.decision == "added"
    tagging = await db.get(ResponseTagging, response_id)
    assert tagging is not None and not tagging.needs_review
    assert "No responses are waiting" in (await analyst.get("/staff/themes/review")).text


async def test_an_unknown_theme_is_named_and_nothing_changes(
    client: Client, db: AsyncSession, settings: Settings, new_response: NewResponse
) -> None:
    response_id = await queued_response(db, settings, new_response)
    lead = await signed_in(client, db, "lead")
    page = f"/staff/themes/review/{response_id}"
    refused = await submit(
        lead, page, f"{page}/decisions", {"action": "add", "question_id": "x", "theme_id": "nope"}
    )
    assert refused.status_code == 400 and "Theme: &#39;nope&#39; is not in the taxonomy" in (
        refused.text
    )
    tagging = await db.get(ResponseTagging, response_id)
    assert tagging is not None and tagging.needs_review
