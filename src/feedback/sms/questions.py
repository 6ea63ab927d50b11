"""A survey question as a text message, and a reply read back into the web form's values.

Plain functions, no SQL: choices are numbered from 1 so every closed answer is a single
digit or two; the reply becomes the same `q_<id>` form values the web page would send, so
`responses.answers.read_answers` validates SMS and web answers by the same rules.
"""

from __future__ import annotations

import re

from feedback.responses.answers import scale_ends
from feedback.responses.journey import SurveyForRespondent, in_language, phrase
from feedback.surveys.definition import (
    PREFER_NOT_TO_SAY,
    FreeText,
    MultipleChoice,
    Number,
    Question,
    Scale,
    SingleChoice,
    YesNo,
    all_questions,
)


def sms_questions(survey: SurveyForRespondent) -> list[Question]:
    """The questions marked `sms: true`, in the order a respondent meets them."""
    return [q for _path, q in all_questions(survey.published.definition) if q.sms]


def options_of(
    question: Question, survey: SurveyForRespondent, language: str
) -> list[tuple[str, str]]:
    """(form value, label) for each numbered option of a closed question; empty for open ones."""
    pairs: list[tuple[str, str]] = []
    if isinstance(question, SingleChoice | MultipleChoice):
        pairs = [(c.code, in_language(c.text, language)) for c in question.choices or []]
    elif isinstance(question, YesNo):
        pairs = [
            ("yes", phrase(survey, "answer_yes", language)),
            ("no", phrase(survey, "answer_no", language)),
        ]
    else:
        return []
    if question.prefer_not_to_say or question.sensitive:
        pairs.append((PREFER_NOT_TO_SAY, phrase(survey, "prefer_not_to_say", language)))
    return pairs


def prompt(question: Question, survey: SurveyForRespondent, language: str, number: int) -> str:
    """The question text with its numbered options, prefixed by its place in the
    conversation. How-to-answer words are English-only; other languages get the numbers
    alone, which read the same in any language and keep Arabic and Polish within two
    UCS-2 segments."""
    lines = [f"{number}. {in_language(question.text, language)}"]
    english = language == "en"
    options = options_of(question, survey, language)
    if options:
        lines += [f"{i} {label}" for i, (_value, label) in enumerate(options, start=1)]
        if english:
            many = isinstance(question, MultipleChoice)
            lines.append(
                "Reply with one or more numbers, e.g. 1 3." if many else "Reply with a number."
            )
    elif isinstance(question, Scale):
        low, high = scale_ends(question)
        lines.append(f"{low} = {in_language(question.low, language)}")
        lines.append(f"{high} = {in_language(question.high, language)}")
        if english:
            lines.append(f"Reply {low} to {high}.")
    elif english:
        lines.append(
            "Reply with a number." if isinstance(question, Number) else "Reply in your own words."
        )
    return "\n".join(lines)


def hint(question: Question, survey: SurveyForRespondent, language: str) -> str:
    """A short reminder of what a valid reply looks like."""
    options = options_of(question, survey, language)
    if options:
        return f"Please reply with a number from 1 to {len(options)}."
    if isinstance(question, Scale):
        low, high = scale_ends(question)
        return f"Please reply with a number from {low} to {high}."
    if isinstance(question, Number):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 100_000
        return f"Please reply with a whole number from {low} to {high}."
    if isinstance(question, FreeText):
        return f"Please keep your reply under {question.max_length} characters."
    return "Please reply again."


def reply_values(
    question: Question, survey: SurveyForRespondent, language: str, text: str
) -> list[str] | None:
    """The form values a reply stands for, or None when it is not an answer at all."""
    reply = text.strip()
    if isinstance(question, FreeText):
        return [reply] if reply else None
    if isinstance(question, Scale | Number):
        return [reply] if re.fullmatch(r"-?\d{1,6}", reply) else None
    options = options_of(question, survey, language)
    picks = re.split(r"[\s,]+", reply)
    if not reply or not all(p.isdigit() and 1 <= int(p) <= len(options) for p in picks):
        return None
    if not isinstance(question, MultipleChoice) and len(picks) != 1:
        return None
    return [options[int(p) - 1][0] for p in picks]
