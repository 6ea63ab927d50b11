"""Opening one stored response's free-text answers: for the tagging job and staff review.

Needs the period's opening key, so only the worker and staff tools import this module
(import-linter keeps public routes away from it). The plaintext lives only in memory, for
as long as one response's tagging or one review request takes.
"""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import MasterKeys
from feedback.crypto.opening import load_opening_key, open_sealed
from feedback.crypto.sealing import response_associated_data
from feedback.errors import NotFound
from feedback.responses.answers import AnswerValue
from feedback.responses.models import Response
from feedback.surveys.definition import FreeText, PublishedSurvey, all_questions
from feedback.surveys.models import SurveyVersion

__all__ = ["OpenedResponse", "StoredResponse", "free_text_answers", "open_response", "stored"]


class _Sealed(msgspec.Struct):
    answers: dict[str, AnswerValue]
    language: str = "en"


class StoredResponse(msgspec.Struct, frozen=True):
    """What the row says about a response without opening it."""

    id: str
    survey_id: int
    survey_version_id: int
    service_id: int
    key_period_id: int
    submitted_on: date
    sealed: bytes
    definition: str

    @property
    def month(self) -> str:
        return self.submitted_on.strftime("%Y-%m")


class OpenedResponse(msgspec.Struct, frozen=True):
    stored: StoredResponse
    language: str
    free_texts: dict[str, str]  # question id -> the respondent's words (plaintext!)


async def stored(session: AsyncSession, response_id: str) -> StoredResponse | None:
    row = (
        await session.execute(
            select(
                Response.id,
                SurveyVersion.survey_id,
                Response.survey_version_id,
                Response.service_id,
                Response.key_period_id,
                Response.submitted_on,
                Response.sealed,
                SurveyVersion.definition,
            )
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .where(Response.id == response_id)
        )
    ).one_or_none()
    return None if row is None else StoredResponse(*row)


def free_text_answers(definition: str, answers: dict[str, AnswerValue]) -> dict[str, str]:
    """The answers to free-text questions, in the survey's question order."""
    published = msgspec.json.decode(definition, type=PublishedSurvey)
    texts = {}
    for _path, question in all_questions(published.definition):
        value = answers.get(question.id)
        if isinstance(question, FreeText) and isinstance(value, str) and value.strip():
            texts[question.id] = value
    return texts


async def open_response(
    session: AsyncSession, response_id: str, *, master_keys: MasterKeys
) -> OpenedResponse:
    """Open a response with its period's key; a destroyed period raises PeriodKeyDestroyed."""
    row = await stored(session, response_id)
    if row is None:
        raise NotFound(f"response {response_id} does not exist")
    key = await load_opening_key(session, row.key_period_id, master_keys=master_keys)
    plain = open_sealed(key, row.sealed, response_associated_data(row.id, row.survey_version_id))
    opened = msgspec.json.decode(plain, type=_Sealed)
    return OpenedResponse(
        stored=row,
        language=opened.language,
        free_texts=free_text_answers(row.definition, opened.answers),
    )
