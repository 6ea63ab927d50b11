"""The consent gate, stated once: before any question is shown or any answer stored, a
respondent whose survey has a consent notice, and every pupil (who gives assent), must have
agreed on the consent page. The pages send them back there; the answers route stores
nothing without it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consultations import pupils
from feedback.responses.entry_cookie import EntryCookie
from feedback.responses.journey import SurveyForRespondent


async def consent_needed(
    db: AsyncSession, survey: SurveyForRespondent, cookie: EntryCookie
) -> bool:
    """True while this respondent still has to agree on the consent (or assent) page."""
    if cookie.consented:
        return False
    if survey.notice is not None:
        return True
    return await pupils.class_entry(db, cookie.kind, cookie.digest) is not None


__all__ = ["consent_needed"]
