"""Turning a survey version into what the question page shows, in one language. The
template only loops; every decision about wording and options is made here."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from feedback.responses.answers import AnswerValue, field_name, scale_ends
from feedback.responses.frame import frame_phrase
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
)


class Option(msgspec.Struct, frozen=True):
    value: str
    label: str
    checked: bool


class QuestionView(msgspec.Struct, frozen=True):
    id: str
    field: str
    control: str  # radio, checkbox, textarea or number
    label: str
    hint: str
    options: list[Option]
    value: str
    error: str | None
    max_length: int | None = None


class SectionView(msgspec.Struct, frozen=True):
    title: str
    intro: str
    questions: list[QuestionView]


def build_form(
    survey: SurveyForRespondent,
    language: str,
    answers: Mapping[str, AnswerValue],
    errors: Mapping[str, str],
) -> list[SectionView]:
    return [
        SectionView(
            title=in_language(section.title, language),
            intro=in_language(section.intro, language),
            questions=[
                _question(survey, question, language, answers.get(question.id), errors)
                for question in section.questions
            ],
        )
        for section in survey.published.definition.sections
    ]


def _question(
    survey: SurveyForRespondent,
    question: Question,
    language: str,
    given: AnswerValue | None,
    errors: Mapping[str, str],
) -> QuestionView:
    chosen = (
        {str(v) for v in given}
        if isinstance(given, list)
        else {str(given)}
        if given is not None
        else set()
    )
    hints = [in_language(question.help, language)]
    if question.optional:
        hints.append(phrase(survey, "optional", language))
    if question.show_if is not None:
        hints.append(_condition_hint(survey, question, language))
    control, options, max_length = _control(survey, question, language, chosen)
    return QuestionView(
        id=question.id,
        field=field_name(question),
        control=control,
        label=in_language(question.text, language),
        hint=" ".join(h for h in hints if h),
        options=options,
        value="" if given is None or isinstance(given, list) else str(given),
        error=errors.get(question.id),
        max_length=max_length,
    )


def _control(
    survey: SurveyForRespondent, question: Question, language: str, chosen: set[str]
) -> tuple[str, list[Option], int | None]:
    def option(value: str, label: str) -> Option:
        return Option(value=value, label=label, checked=value in chosen)

    extra = []
    if question.prefer_not_to_say or question.sensitive:
        extra = [option(PREFER_NOT_TO_SAY, phrase(survey, "prefer_not_to_say", language))]
    if isinstance(question, SingleChoice | MultipleChoice):
        control = "checkbox" if isinstance(question, MultipleChoice) else "radio"
        choices = [option(c.code, in_language(c.text, language)) for c in question.choices or []]
        return control, choices + extra, None
    if isinstance(question, YesNo):
        return (
            "radio",
            [
                option("yes", phrase(survey, "answer_yes", language)),
                option("no", phrase(survey, "answer_no", language)),
                *extra,
            ],
            None,
        )
    if isinstance(question, Scale):
        low, high = scale_ends(question)
        points = []
        for point in range(low, high + 1):
            end = question.low if point == low else question.high if point == high else None
            label = f"{point} – {in_language(end, language)}" if end else str(point)
            points.append(option(str(point), label))
        return "radio", points + extra, None
    if isinstance(question, FreeText):
        return "textarea", [], question.max_length
    if isinstance(question, Number):
        return "number", [], None
    return "textarea", [], None


def _condition_hint(survey: SurveyForRespondent, question: Question, language: str) -> str:
    rule = question.show_if
    assert rule is not None
    wanted = [rule.equals] if rule.equals is not None else list(rule.any_of or [])
    labels = [_answer_label(survey, rule.question, str(value), language) for value in wanted]
    return frame_phrase("only_if", language, answers=" / ".join(labels))


def _answer_label(survey: SurveyForRespondent, question_id: str, value: str, language: str) -> str:
    for section in survey.published.definition.sections:
        for question in section.questions:
            if question.id != question_id:
                continue
            if isinstance(question, YesNo) and value in ("yes", "no"):
                return phrase(survey, f"answer_{value}", language)
            if isinstance(question, SingleChoice | MultipleChoice):
                for choice in question.choices or []:
                    if choice.code == value:
                        return in_language(choice.text, language)
    return value
