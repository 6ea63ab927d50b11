"""Human review of theme tags: list what needs a look, confirm, remove or add a theme, and
open one response's redacted free text. Every decision and every opening is audit-logged
(who, what, which response; never the words)."""

from __future__ import annotations

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.crypto.master import MasterKeys
from feedback.errors import InvalidInput, NotFound
from feedback.responses.models import Response
from feedback.surveys.definition import FreeText, PublishedSurvey, all_questions
from feedback.themes.models import ResponseTagging, ThemeTag
from feedback.themes.opening import open_response, stored
from feedback.themes.redaction import redact
from feedback.themes.schemas import RedactedAnswers, ReviewItem, TagOut, ThemeDecision
from feedback.themes.taxonomy import load_taxonomy

__all__ = [
    "decide_theme",
    "free_text_questions",
    "open_redacted",
    "responses_to_review",
    "review_item",
    "review_queue_size",
]


def _in_scope(staff: Staff, service_id: int) -> bool:
    scope = staff.service_scope()
    return scope is None or service_id in scope


async def _tags(session: AsyncSession, response_id: str) -> list[TagOut]:
    rows = await session.scalars(
        select(ThemeTag).where(ThemeTag.response_id == response_id).order_by(ThemeTag.question_id)
    )
    return [
        TagOut(r.question_id, r.theme_id, r.source, r.decision, r.sentiment, r.polarity)
        for r in rows
    ]


async def responses_to_review(
    session: AsyncSession, staff: Staff, *, limit: int = 100
) -> list[ReviewItem]:
    """Responses the tagger flagged for a person (e.g. not English), in the reader's scope."""
    query = (
        select(ResponseTagging.response_id, ResponseTagging.review_reason, Response.service_id)
        .join(Response, Response.id == ResponseTagging.response_id)
        .where(ResponseTagging.needs_review.is_(True))
        .order_by(ResponseTagging.response_id)
        .limit(limit)
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    rows = (await session.execute(query)).all()
    return [
        ReviewItem(response_id=rid, reason=reason or "", tags=await _tags(session, rid))
        for rid, reason, _service in rows
    ]


async def review_queue_size(session: AsyncSession, staff: Staff) -> int:
    """How many responses in the reader's scope wait for a person."""
    query = (
        select(func.count())
        .select_from(ResponseTagging)
        .join(Response, Response.id == ResponseTagging.response_id)
        .where(ResponseTagging.needs_review.is_(True))
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    return int(await session.scalar(query) or 0)


async def review_item(session: AsyncSession, staff: Staff, response_id: str) -> ReviewItem:
    """One response's review state and tags (no text), whether or not it is still queued."""
    await _response_in_scope(session, staff, response_id)
    reason = await session.scalar(
        select(ResponseTagging.review_reason).where(ResponseTagging.response_id == response_id)
    )
    return ReviewItem(
        response_id=response_id, reason=reason or "", tags=await _tags(session, response_id)
    )


def _english(text: str | dict[str, str] | None) -> str | None:
    return text.get("en") if isinstance(text, dict) else text


async def free_text_questions(
    session: AsyncSession, staff: Staff, response_id: str
) -> dict[str, str]:
    """The free-text questions of the response's survey version (id -> English wording),
    read from the published definition: nothing is opened."""
    await _response_in_scope(session, staff, response_id)
    row = await stored(session, response_id)
    if row is None:
        raise NotFound(f"response {response_id} does not exist")
    published = msgspec.json.decode(row.definition, type=PublishedSurvey)
    return {
        question.id: _english(question.text) or question.id
        for _path, question in all_questions(published.definition)
        if isinstance(question, FreeText)
    }


async def _response_in_scope(session: AsyncSession, staff: Staff, response_id: str) -> None:
    service_id = await session.scalar(select(Response.service_id).where(Response.id == response_id))
    if service_id is None or not _in_scope(staff, service_id):
        raise NotFound(f"response {response_id} does not exist")


async def decide_theme(
    session: AsyncSession, staff: Staff, response_id: str, decision: ThemeDecision
) -> list[TagOut]:
    """confirm / remove a tag, or add one; the decision outlives every later re-tagging."""
    if decision.theme_id not in load_taxonomy().ids:
        raise InvalidInput(f"{decision.theme_id!r} is not in the taxonomy", field="theme_id")
    await _response_in_scope(session, staff, response_id)
    key = (response_id, decision.question_id, decision.theme_id)
    tag = await session.get(ThemeTag, key)
    if decision.action in ("confirm", "remove"):
        if tag is None:
            raise NotFound(f"response {response_id} has no tag {decision.theme_id}")
        tag.decision = "confirmed" if decision.action == "confirm" else "removed"
    elif tag is None:
        session.add(
            ThemeTag(
                response_id=response_id,
                question_id=decision.question_id,
                theme_id=decision.theme_id,
                source="human",
                sentiment="neutral",
                polarity=0.0,
                decision="added",
            )
        )
    else:
        tag.decision = "confirmed"
    await session.execute(
        update(ResponseTagging)
        .where(ResponseTagging.response_id == response_id)
        .values(needs_review=False)
    )
    record_audit(
        session,
        f"theme.{decision.action}",
        actor_id=staff.id,
        target_type="response",
        target_id=response_id,
    )
    await session.commit()
    return await _tags(session, response_id)


async def open_redacted(
    session: AsyncSession, staff: Staff, response_id: str, *, master_keys: MasterKeys
) -> RedactedAnswers:
    """One response's free text, redacted, for a reviewer; the opening is audit-logged."""
    await _response_in_scope(session, staff, response_id)
    opened = await open_response(session, response_id, master_keys=master_keys)
    record_audit(
        session, "free_text.open", actor_id=staff.id, target_type="response", target_id=response_id
    )
    await session.commit()
    return RedactedAnswers(
        response_id=response_id,
        answers={question: redact(text) for question, text in opened.free_texts.items()},
        tags=await _tags(session, response_id),
    )
