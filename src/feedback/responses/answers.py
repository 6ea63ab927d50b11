"""Reading a respondent's answers against the survey version they answered.

Plain functions, no HTTP and no SQL: the form arrives as field name → list of values
(`q_<question id>`), answers leave as question id → value, with one message per problem
keyed by question id so the page can link each error to its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from feedback.outcomes.joint import joint_options
from feedback.surveys.definition import (
    PREFER_NOT_TO_SAY,
    FreeText,
    MultipleChoice,
    Number,
    Question,
    Scale,
    SingleChoice,
    SurveyDefinition,
    YesNo,
)

AnswerValue = str | int | list[str]
TEXT_OPTION = "answered"  # counters record that a free-text answer exists, never its words


class ReadAnswers(msgspec.Struct, frozen=True):
    answers: dict[str, AnswerValue]
    errors: dict[str, str]


def field_name(question: Question) -> str:
    return f"q_{question.id}"


def is_shown(question: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """A question with `show_if` applies only when the earlier answer matches."""
    rule = question.show_if
    if rule is None:
        return True
    given = answers.get(rule.question)
    wanted = [rule.equals] if rule.equals is not None else list(rule.any_of or [])
    values = given if isinstance(given, list) else [given]
    return any(str(value).lower() == str(want).lower() for value in values for want in wanted)


def _in_order(definition: SurveyDefinition) -> list[Question]:
    """Every question in the order a respondent meets them (all_questions without the
    located paths, which only problem reports need: this runs on every submission)."""
    return [question for section in definition.sections for question in section.questions]


def read_answers(definition: SurveyDefinition, form: Mapping[str, Sequence[str]]) -> ReadAnswers:
    """Validate every shown question in order; answers to questions not shown are dropped."""
    answers: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    for question in _in_order(definition):
        if not is_shown(question, answers):
            continue
        raw = [value.strip() for value in form.get(field_name(question), []) if value.strip()]
        if not raw:
            if not question.optional:
                errors[question.id] = "Please answer this question, or choose another option."
            continue
        try:
            answers[question.id] = _read_one(question, raw)
        except ValueError as problem:
            errors[question.id] = str(problem)
    return ReadAnswers(answers=answers, errors=errors)


def _allowed_codes(question: SingleChoice | MultipleChoice) -> set[str]:
    codes = {choice.code for choice in question.choices or []}
    if question.prefer_not_to_say or question.sensitive:
        codes.add(PREFER_NOT_TO_SAY)
    return codes


def _read_one(question: Question, raw: list[str]) -> AnswerValue:  # noqa: C901 - one branch per type
    if isinstance(question, SingleChoice | YesNo):
        allowed = _allowed_codes(question) if isinstance(question, SingleChoice) else {"yes", "no"}
        if isinstance(question, YesNo) and (question.prefer_not_to_say or question.sensitive):
            allowed.add(PREFER_NOT_TO_SAY)
        if len(raw) != 1 or raw[0] not in allowed:
            raise ValueError("Please choose one of the options.")
        return raw[0]
    if isinstance(question, MultipleChoice):
        chosen = list(dict.fromkeys(raw))
        if not set(chosen) <= _allowed_codes(question):
            raise ValueError("Please choose from the options shown.")
        if PREFER_NOT_TO_SAY in chosen and len(chosen) > 1:
            raise ValueError("Choose options, or 'prefer not to say', but not both.")
        if question.max_choices and len(chosen) > question.max_choices:
            raise ValueError(f"Please choose up to {question.max_choices}.")
        return chosen
    if isinstance(question, Scale):
        if raw == [PREFER_NOT_TO_SAY] and (question.prefer_not_to_say or question.sensitive):
            return PREFER_NOT_TO_SAY
        low, high = scale_ends(question)
        return _whole_number(raw, low, high, "Please choose a point.")
    if isinstance(question, Number):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 100_000
        return _whole_number(raw, low, high, f"Please enter a whole number from {low} to {high}.")
    if isinstance(question, FreeText):
        text = raw[0]
        if len(text) > question.max_length:
            raise ValueError(
                f"Please keep this under {question.max_length} characters (it is {len(text)})."
            )
        return text
    raise ValueError("This question cannot be answered here.")


def scale_ends(question: Scale) -> tuple[int, int]:
    """A resolved scale's ends; 0 is a real end (the 0 to 10 outcome scales), not a gap."""
    low = question.min if question.min is not None else 1
    return low, question.max if question.max is not None else 5


def _whole_number(raw: list[str], low: int, high: int, message: str) -> int:
    if len(raw) != 1 or not raw[0].lstrip("-").isdigit():
        raise ValueError(message)
    value = int(raw[0])
    if not low <= value <= high:
        raise ValueError(message)
    return value


def counted_options(
    definition: SurveyDefinition, answers: Mapping[str, AnswerValue]
) -> list[tuple[str, str]]:
    """(question id, option) pairs to add to the counters; free text only as "answered";
    plus the joint rows outcome reports need (`outcomes.joint`), so withdrawal, which calls
    this too, takes back exactly what intake counted."""
    questions = _in_order(definition)
    pairs: list[tuple[str, str]] = joint_options(questions, answers)
    for question in questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if isinstance(question, FreeText):
            pairs.append((question.id, TEXT_OPTION))
        elif isinstance(value, list):
            pairs.extend((question.id, str(item)) for item in value)
        else:
            pairs.append((question.id, str(value)))
    return sorted(set(pairs))


def free_texts(definition: SurveyDefinition, answers: Mapping[str, AnswerValue]) -> list[str]:
    return [
        str(answers[question.id])
        for question in _in_order(definition)
        if isinstance(question, FreeText) and question.id in answers
    ]
