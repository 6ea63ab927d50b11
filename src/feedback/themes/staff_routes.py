"""The theme review page for leads and analysts: one response from the queue at a time,
its tags without any text, and the redacted text only after an explicit "open" (a POST,
audit-logged by the same service functions as the review API). Each decision shows the
response again without its text: reading it again is another audited opening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import THEME_REVIEWERS
from feedback.auth.schemas import Staff
from feedback.crypto.master import MasterKeys
from feedback.errors import FeedbackError, InvalidInput
from feedback.themes import review
from feedback.themes.schemas import ThemeDecision
from feedback.themes.taxonomy import load_taxonomy
from feedback.web.form_labels import FormLabels
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
DECISION_FORM = FormLabels("theme_id", {"question_id": "Answer", "theme_id": "Theme"})
REASONS = {
    "not_english": "The text is not in English, so the tagger could not read it.",
    "unreadable": "The response's key period was destroyed; it cannot be opened.",
}


@dataclass
class DecisionForm:
    action: str = ""
    question_id: str = ""
    theme_id: str = ""


class ThemeReviewPages(Controller):
    path = "/themes/review"
    guards = [requires_role(*THEME_REVIEWERS)]

    @get("/", media_type=MediaType.HTML)
    async def next_in_queue(self, db: AsyncSession, staff: Staff) -> Template:
        waiting = await review.responses_to_review(db, staff, limit=1)
        if not waiting:
            return Template("staff/theme_review.html", context={"staff": staff, "item": None})
        return await self._page(db, staff, waiting[0].response_id)

    @get("/{response_id:str}", media_type=MediaType.HTML)
    async def response(self, db: AsyncSession, staff: Staff, response_id: str) -> Template:
        return await self._page(db, staff, response_id)

    @post("/{response_id:str}/open", media_type=MediaType.HTML)
    async def open_text(
        self, db: AsyncSession, staff: Staff, master_keys: tuple[bytes, ...], response_id: str
    ) -> Template:
        opened = await review.open_redacted(
            db, staff, response_id, master_keys=MasterKeys(master_keys)
        )
        return await self._page(db, staff, response_id, answers=opened.answers)

    @post("/{response_id:str}/decisions", media_type=MediaType.HTML)
    async def decide(
        self,
        data: Annotated[DecisionForm, FORM],
        db: AsyncSession,
        staff: Staff,
        response_id: str,
    ) -> Template:
        if data.action not in ("confirm", "remove", "add"):
            return await self._page(
                db,
                staff,
                response_id,
                error=InvalidInput("choose confirm, remove or add", field="action"),
                status=400,
            )
        decision = ThemeDecision(
            action=data.action,  # type: ignore[arg-type]  # checked just above
            question_id=data.question_id,
            theme_id=data.theme_id,
        )
        try:
            await review.decide_theme(db, staff, response_id, decision)
        except FeedbackError as error:
            await db.rollback()
            return await self._page(db, staff, response_id, error=error, status=400)
        done = {"confirm": "confirmed", "remove": "removed", "add": "added"}[data.action]
        return await self._page(db, staff, response_id, notice=f"Theme {data.theme_id} {done}.")

    @staticmethod
    async def _page(
        db: AsyncSession,
        staff: Staff,
        response_id: str,
        *,
        answers: dict[str, str] | None = None,
        notice: str | None = None,
        error: FeedbackError | None = None,
        status: int = 200,
    ) -> Template:
        item = await review.review_item(db, staff, response_id)
        context: dict[str, Any] = {
            "staff": staff,
            "item": item,
            "reason": REASONS.get(item.reason, item.reason),
            "waiting": await review.review_queue_size(db, staff),
            "questions": await review.free_text_questions(db, staff, response_id),
            "themes": load_taxonomy().themes,
            "answers": answers,
            "notice": notice,
            **DECISION_FORM.context(error),
        }
        return Template("staff/theme_review.html", status_code=status, context=context)
