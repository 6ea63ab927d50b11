"""Theme review over the staff JSON API: leads and analysts only, scoped like reports."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import THEME_REVIEWERS
from feedback.auth.schemas import Staff
from feedback.crypto.master import MasterKeys
from feedback.themes import review
from feedback.themes.schemas import RedactedAnswers, ReviewItem, TagOut, ThemeDecision
from feedback.web.guards import requires_role


class ThemeReviewApi(Controller):
    path = "/themes"
    tags = ["themes"]
    guards = [requires_role(*THEME_REVIEWERS)]

    @get("/review")
    async def to_review(self, db: AsyncSession, staff: Staff) -> list[ReviewItem]:
        """Responses the tagger flagged for a person, with their current tags."""
        return await review.responses_to_review(db, staff)

    @post("/responses/{response_id:str}/decisions", status_code=200)
    async def decide(
        self, db: AsyncSession, staff: Staff, response_id: str, data: ThemeDecision
    ) -> list[TagOut]:
        """Confirm, remove or add a theme on one answer; audit-logged, kept through retags."""
        return await review.decide_theme(db, staff, response_id, data)

    @post("/responses/{response_id:str}/open", status_code=200)
    async def open_text(
        self, db: AsyncSession, staff: Staff, master_keys: tuple[bytes, ...], response_id: str
    ) -> RedactedAnswers:
        """The response's free text, redacted; audit-logged as free_text.open."""
        return await review.open_redacted(
            db, staff, response_id, master_keys=MasterKeys(master_keys)
        )
