"""What the respondent pages need: the survey version and consent notice an entry leads to,
and texts in the respondent's language with English as the fallback."""

from __future__ import annotations

import weakref
from collections import OrderedDict

import msgspec
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consent.definition import NoticeText, PublishedNotice
from feedback.consent.models import ConsentNoticeVersion
from feedback.errors import NotFound
from feedback.surveys.definition import PublishedSurvey, Text
from feedback.surveys.models import SurveyVersion

LANGUAGE_NAMES = {
    "en": "English",
    "ar": "العربية",
    "pl": "Polski",
    "cy": "Cymraeg",
    "so": "Soomaali",
    "fa": "فارسی",
    "ur": "اردو",
    "es": "Español",
}


class SurveyForRespondent(msgspec.Struct, frozen=True):
    version_id: int
    published: PublishedSurvey
    notice_version_id: int | None
    notice: PublishedNotice | None


async def latest_version_id(session: AsyncSession, survey_id: int) -> int:
    version_id = await session.scalar(
        select(SurveyVersion.id)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    )
    if version_id is None:
        raise NotFound("survey has no published version")
    return version_id


VERSIONS_KEPT = 64  # published versions live at once are few; each holds a decoded survey
_decoded: weakref.WeakKeyDictionary[Engine | Connection, OrderedDict[int, SurveyForRespondent]] = (
    weakref.WeakKeyDictionary()
)


async def survey_for_respondent(session: AsyncSession, version_id: int) -> SurveyForRespondent:
    """Every respondent request needs its survey version decoded. Published survey versions
    and consent notice versions are never changed or deleted (a change is a new version), so
    the decoded pair is kept per database (engine) and version id, most recently used first."""
    engine = session.get_bind()
    kept = _decoded.setdefault(engine, OrderedDict())
    found = kept.get(version_id)
    if found is not None:
        kept.move_to_end(version_id)
        return found
    survey = await _load_survey(session, version_id)
    kept[version_id] = survey
    if len(kept) > VERSIONS_KEPT:
        kept.popitem(last=False)
    return survey


async def _load_survey(session: AsyncSession, version_id: int) -> SurveyForRespondent:
    version = await session.get(SurveyVersion, version_id)
    if version is None:
        raise NotFound("no such survey version")
    published = msgspec.json.decode(version.definition, type=PublishedSurvey)
    notice_row = await session.get(ConsentNoticeVersion, version.consent_version_id)
    notice = msgspec.json.decode(notice_row.content, type=PublishedNotice) if notice_row else None
    return SurveyForRespondent(
        version_id=version.id,
        published=published,
        notice_version_id=notice_row.id if notice_row else None,
        notice=notice,
    )


def languages_of(survey: SurveyForRespondent) -> list[str]:
    return [language.code for language in survey.published.definition.languages]


def direction_of(survey: SurveyForRespondent, language: str) -> str:
    for item in survey.published.definition.languages:
        if item.code == language:
            return item.direction or ("rtl" if language in ("ar", "fa", "he", "ur") else "ltr")
    return "ltr"


def in_language(text: Text | None, language: str) -> str:
    """The text in the respondent's language, else English (the page marks untranslated parts)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get("en") or next(iter(text.values()), "")


def phrase(survey: SurveyForRespondent, key: str, language: str) -> str:
    texts = survey.published.phrases.get(key, {})
    return texts.get(language) or texts.get("en") or key.replace("_", " ")


def notice_text(survey: SurveyForRespondent, language: str) -> NoticeText | None:
    if survey.notice is None:
        return None
    return survey.notice.languages.get(language) or survey.notice.languages.get("en")


def draft_note(survey: SurveyForRespondent, language: str) -> str | None:
    """Drafts awaiting the translators say so on every page shown in that language."""
    for item in survey.published.definition.languages:
        if item.code == language and item.status == "draft":
            return phrase(survey, "draft_translation", language)
    return None


def page_context(survey: SurveyForRespondent, language: str) -> dict[str, object]:
    """What every respondent page of a survey needs: language, direction, audience, title."""
    definition = survey.published.definition
    return {
        "lang": language,
        "dir": direction_of(survey, language),
        "young_people": definition.audience != "adult",
        "title": in_language(definition.title, language),
        "languages": languages_of(survey),
        "language_names": LANGUAGE_NAMES,
        "draft_note": draft_note(survey, language),
    }
