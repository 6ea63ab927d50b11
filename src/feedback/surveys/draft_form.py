"""The console's question form for a survey draft: a question as form fields and back, and
where on the pages each problem of a definition belongs, named as the page labels it.

Kept free of HTTP: the route hands in the posted fields as a mapping of strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import msgspec

from feedback.responses.journey import LANGUAGE_NAMES
from feedback.surveys.core import CoreDataSet
from feedback.surveys.definition import (
    QUESTION_TYPES,
    AnswerValue,
    Choice,
    FreeText,
    MultipleChoice,
    Number,
    Question,
    Scale,
    ShowIf,
    SingleChoice,
    SurveyDefinition,
    YesNo,
    question_type,
)
from feedback.surveys.errors import Problem

TYPE_LABELS = {
    "single_choice": "One answer from a list",
    "multiple_choice": "Any number of answers from a list",
    "scale": "A numbered scale",
    "yes_no": "Yes or no",
    "free_text": "Their own words",
    "number": "A number",
}
_CLASSES: dict[str, type[Question]] = {
    "single_choice": SingleChoice,
    "multiple_choice": MultipleChoice,
    "scale": Scale,
    "yes_no": YesNo,
    "free_text": FreeText,
    "number": Number,
}
BLANK_CHOICES = 3
"""Empty answer rows offered under the existing ones, so answers can be added without script."""

Fields = Mapping[str, str]


class PlacedProblem(msgspec.Struct, frozen=True):
    """A problem with the page and field it belongs to: `page` is relative to the draft's
    address ("" for the draft page itself), `field` the id of the input."""

    page: str
    field: str
    label: str
    message: str
    where: str = ""
    """The question it belongs to, in words, when the problem is inside one."""

    @property
    def text(self) -> str:
        """As the draft page lists it (naming the question)."""
        where = f"{self.where}, " if self.where else ""
        return f"{where}{self.label}: {self.message}"

    @property
    def at_field(self) -> str:
        """As the page holding the field lists it."""
        return f"{self.label}: {self.message}"


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code, code)
    return f"{name} ({code})" if code != "en" else "English"


def _text(value: object, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value if language == "en" else ""
    return str(value.get(language, "")) if isinstance(value, dict) else ""


def question_fields(question: Question | None, languages: list[str]) -> dict[str, str]:
    """The form's values for one question (empty for a new one)."""
    if question is None:
        return {"type": "free_text", "required": ""}
    values = {
        "id": question.id,
        "type": question_type(question),
        "core": question.core or "",
        "required": "" if question.optional else "on",
        "sms": "on" if question.sms else "",
        "sensitive": "on" if question.sensitive else "",
    }
    for language in languages:
        values[f"text_{language}"] = _text(question.text, language)
        values[f"help_{language}"] = _text(question.help, language)
    for i, choice in enumerate(getattr(question, "choices", None) or []):
        values[f"choice_{i}_code"] = choice.code
        for language in languages:
            values[f"choice_{i}_{language}"] = _text(choice.text, language)
    for name in ("min", "max"):
        value = getattr(question, name, None)
        values[name] = "" if value is None else str(value)
    if isinstance(question, Scale):
        values["scale"] = question.scale or ""
        for language in languages:
            values[f"low_{language}"] = _text(question.low, language)
            values[f"high_{language}"] = _text(question.high, language)
    if isinstance(question, FreeText):
        values["max_length"] = str(question.max_length)
    if question.show_if is not None:
        rule = question.show_if
        wanted = rule.any_of if rule.any_of is not None else [rule.equals]
        values["show_if_question"] = rule.question
        values["show_if_answers"] = ", ".join(str(v).lower() for v in wanted if v is not None)
    return values


def choice_rows(fields: Fields) -> int:
    """How many answer rows the form shows: those filled in, then some blank ones."""
    used = [int(m.group(1)) for k in fields if (m := re.fullmatch(r"choice_(\d+)_code", k))]
    return (max(used) + 1 if used else 0) + BLANK_CHOICES


def question_from_fields(
    fields: Fields, languages: list[str], core: CoreDataSet
) -> tuple[Question | None, list[Problem]]:
    """Build the question the form describes. Problems here are the ones a form can have
    and a file cannot (a number box holding words); the survey rules are checked later."""
    problems: list[Problem] = []
    kind = fields.get("type", "")
    core_code = fields.get("core", "").strip() or None
    canonical = core.question(core_code) if core_code else None
    if canonical is not None:
        kind = question_type(canonical)  # a core question is asked as the core data set asks it
    if kind not in QUESTION_TYPES:
        return None, [Problem("form", "type", "choose the type of answer")]

    def number(name: str) -> int | None:
        raw = fields.get(name, "").strip()
        if not raw:
            return None
        if not re.fullmatch(r"-?\d{1,6}", raw):
            problems.append(Problem("form", name, "enter a whole number, such as 5"))
            return None
        return int(raw)

    common: dict[str, object] = {
        "id": fields.get("id", "").strip(),
        "optional": fields.get("required") != "on",
        "sms": fields.get("sms") == "on",
        "sensitive": fields.get("sensitive") == "on",
        "core": core_code,
        "help": _mapping(fields, "help", languages),
        "show_if": _show_if(fields),
    }
    if canonical is None:
        common["text"] = _mapping(fields, "text", languages)
    extra = _typed_fields(kind, canonical is None, fields, languages, number)
    if problems:
        return None, problems
    return _CLASSES[kind](**common, **extra), []  # type: ignore[arg-type]


def _typed_fields(
    kind: str, own: bool, fields: Fields, languages: list[str], number: Callable[[str], int | None]
) -> dict[str, object]:
    """The fields only some types have; a core question (not `own`) takes them from the core."""
    if kind in ("single_choice", "multiple_choice") and own:
        return {"choices": _choices(fields, languages)}
    if kind == "scale" and own:
        scale = fields.get("scale", "").strip() or None
        if scale is not None:
            return {"scale": scale}
        return {
            "min": number("min"),
            "max": number("max"),
            "low": _mapping(fields, "low", languages),
            "high": _mapping(fields, "high", languages),
        }
    if kind == "number":
        return {"min": number("min"), "max": number("max")}
    if kind == "free_text":
        return {"max_length": number("max_length") or 1000}
    return {}


def _mapping(fields: Fields, prefix: str, languages: list[str]) -> dict[str, str] | None:
    texts = {lang: fields.get(f"{prefix}_{lang}", "").strip() for lang in languages}
    texts = {lang: words for lang, words in texts.items() if words}
    return texts or None


def _choices(fields: Fields, languages: list[str]) -> list[Choice]:
    """Every answer row with a code or a text; a row left wholly empty is dropped."""
    choices = []
    for i in range(choice_rows(fields)):
        code = fields.get(f"choice_{i}_code", "").strip()
        text = _mapping(fields, f"choice_{i}", languages) or {}
        if code or text:
            choices.append(Choice(code=code, text=text))
    return choices


def _show_if(fields: Fields) -> ShowIf | None:
    question = fields.get("show_if_question", "").strip()
    if not question:
        return None
    given = fields.get("show_if_answers", "").split(",")
    answers: list[AnswerValue] = [answer.strip() for answer in given if answer.strip()]
    if len(answers) == 1:
        return ShowIf(question=question, equals=answers[0])
    return ShowIf(question=question, any_of=answers or None)


_QUESTION = re.compile(r"^sections\[(\d+)\]\.questions\[(\d+)\](?:\.(.*))?$")
_CHOICE = re.compile(r"^choices\[(\d+)\](?:\.(code|text)(?:\.(.+))?)?$")
DETAILS = {"slug": "Short name (used in addresses)", "title": "Title", "intro": "Introduction",
           "thanks": "Thank-you message"}  # fmt: skip


def place(problem: Problem, definition: SurveyDefinition | None) -> PlacedProblem:
    """Where a problem is fixed: a question's form field, a detail on the draft page, or
    (for everything the forms do not edit) the definition text."""
    path = problem.path
    match = _QUESTION.match(path)
    if match and definition is not None:
        s, q, rest = int(match.group(1)), int(match.group(2)), match.group(3) or ""
        field, label = question_field(rest)
        name = _question_name(definition, s, q)
        return PlacedProblem(f"/questions/{s}/{q}", field, label, problem.message, name)
    head, _, language = path.partition(".")
    if head in DETAILS:
        field = head if head == "slug" else f"{head}_{language or 'en'}"
        label = DETAILS[head] + (f" ({language_name(language)})" if language else "")
        return PlacedProblem("", field, label, problem.message)
    where = f"Definition, at {path}" if path else "Definition"
    return PlacedProblem("/definition", "definition", where, problem.message)


def question_field(rest: str) -> tuple[str, str]:
    """The form field and its label for a path inside one question (`text.ar`, `choices[1]`)."""
    head, _, tail = rest.partition(".")
    choice = _CHOICE.match(rest)
    if choice:
        i = int(choice.group(1))
        if choice.group(2) == "code" or choice.group(2) is None:
            return f"choice_{i}_code", f"Answer {i + 1} code"
        language = choice.group(3) or "en"
        return f"choice_{i}_{language}", f"Answer {i + 1} ({language_name(language)})"
    if head in ("text", "help", "low", "high"):
        language = tail or "en"
        words = {"text": "Question", "help": "Help text", "low": "Low end", "high": "High end"}
        return f"{head}_{language}", f"{words[head]} ({language_name(language)})"
    simple = {
        "id": ("id", "Question id"),
        "type": ("type", "Type of answer"),
        "core": ("core", "Core data set question"),
        "choices": ("choice_0_code", "Answers"),
        "optional": ("required", "An answer is required"),
        "sensitive": ("sensitive", "Sensitive"),
        "prefer_not_to_say": ("sensitive", "Sensitive"),
        "sms": ("sms", "Ask it by SMS too"),
        "scale": ("scale", "Named scale"),
        "min": ("min", "Lowest number"),
        "max": ("max", "Highest number"),
        "max_length": ("max_length", "Longest answer (characters)"),
        "max_choices": ("type", "Type of answer"),
        "show_if": ("show_if_question", "Show only when this question"),
        "replaces": ("id", "Question id"),
    }
    if head == "show_if" and tail and tail != "question":
        return "show_if_answers", "has one of these answers"
    return simple.get(head, ("type", "Type of answer"))


def _question_name(definition: SurveyDefinition, s: int, q: int) -> str:
    try:
        question_id = definition.sections[s].questions[q].id
    except IndexError:
        question_id = ""
    return f"Section {s + 1}, question {q + 1}" + (f" ({question_id})" if question_id else "")
