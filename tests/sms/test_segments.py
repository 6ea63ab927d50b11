"""Segment counting (GSM-7 versus UCS-2) and splitting, and the survey's prompts by text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.responses.journey import latest_version_id, survey_for_respondent
from feedback.settings import Settings
from feedback.sms.questions import prompt, sms_questions
from feedback.sms.segments import is_gsm7, segment_count, split_message
from feedback.surveys.models import Survey


def test_plain_english_is_gsm7_up_to_160_in_one_segment() -> None:
    assert is_gsm7("Reply 1 (Strongly disagree) to 5.")
    assert segment_count("a" * 160) == 1 and segment_count("a" * 161) == 2
    assert segment_count("a" * 306) == 2 and segment_count("a" * 307) == 3


def test_extension_characters_count_twice() -> None:
    assert segment_count("€" * 80) == 1 and segment_count("€" * 81) == 2


def test_one_polish_or_arabic_letter_makes_the_text_ucs2() -> None:
    assert not is_gsm7("Dziękujemy") and not is_gsm7("شكراً")
    assert segment_count("ł" * 70) == 1 and segment_count("ł" * 71) == 2
    assert segment_count("ł" * 134) == 2 and segment_count("ł" * 135) == 3


def test_a_long_text_is_split_at_word_boundaries_within_two_segments() -> None:
    text = " ".join(["słowo"] * 60)

    parts = split_message(text)

    assert len(parts) == 3 and " ".join(parts) == text
    assert all(segment_count(part) <= 2 for part in parts)


@given(st.text(min_size=1, max_size=600))
def test_split_parts_always_fit_and_lose_nothing_but_the_spaces_at_cuts(text: str) -> None:
    parts = split_message(text)

    assert all(segment_count(part) <= 2 for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


async def test_every_prompt_of_the_satisfaction_survey_fits_two_segments_in_each_language(
    db: AsyncSession, settings: Settings, sms_code: str
) -> None:
    survey_id = await db.scalar(select(Survey.id).where(Survey.slug == "service-satisfaction"))
    assert survey_id is not None
    survey = await survey_for_respondent(db, await latest_version_id(db, survey_id))

    for language in ("en", "ar", "pl"):
        for number, question in enumerate(sms_questions(survey), start=1):
            text = prompt(question, survey, language, number)
            assert segment_count(text) <= 2, (language, question.id, segment_count(text))
