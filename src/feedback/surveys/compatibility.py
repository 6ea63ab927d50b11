"""Whether a new version keeps every question id's meaning, so results stay comparable.

A question id is a promise: the same id always has the same type and the same answer
codes. Text may be reworded and choices reordered; anything that changes what an answer
code means needs a new id, which may declare `replaces: OLD_ID` to keep the lineage.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from feedback.surveys.definition import PublishedSurvey, Question, Scale, question_type
from feedback.surveys.errors import IncompatibleChange


class Shape(msgspec.Struct, frozen=True):
    """What must not change under one question id."""

    type: str
    answers: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.type} ({', '.join(self.answers)})" if self.answers else self.type


def shape_of(question: Question) -> Shape:
    choices = getattr(question, "choices", None)
    if choices is not None:
        answers = tuple(sorted(choice.code for choice in choices))
    elif isinstance(question, Scale):
        answers = (f"{question.min}..{question.max}",)
    else:
        answers = ()
    return Shape(question_type(question), answers)


def shapes(published: PublishedSurvey) -> dict[str, Shape]:
    return {
        question.id: shape_of(question)
        for section in published.definition.sections
        for question in section.questions
    }


def check_compatible(history: Sequence[tuple[int, PublishedSurvey]], new: PublishedSurvey) -> None:
    """Raise IncompatibleChange listing every question id whose meaning would change.
    `history` is every earlier version, oldest first."""
    known: dict[str, tuple[int, Shape]] = {}
    retired: dict[str, int] = {}
    for number, published in history:
        for question_id, shape in shapes(published).items():
            known[question_id] = (number, shape)
        for question in _questions(published):
            if question.replaces is not None:
                retired.setdefault(question.replaces, number)
    problems = [
        *_changed_shapes(known, new),
        *_bad_replacements(known, retired, new),
    ]
    if problems:
        slug = new.definition.slug
        raise IncompatibleChange(f"{slug}: refused, nothing published: " + "; ".join(problems))


def _changed_shapes(known: dict[str, tuple[int, Shape]], new: PublishedSurvey) -> list[str]:
    problems = []
    for question_id, shape in shapes(new).items():
        if question_id in known and known[question_id][1] != shape:
            number, old = known[question_id]
            problems.append(
                f"question {question_id!r} was {old.describe()} in version {number} and would "
                f"become {shape.describe()}. A question id keeps its type and answer codes so "
                "results stay comparable across versions: give the changed question a new id, "
                f"with `replaces: {question_id}` if it takes the old one's place"
            )
    return problems


def _bad_replacements(
    known: dict[str, tuple[int, Shape]], retired: dict[str, int], new: PublishedSurvey
) -> list[str]:
    problems = []
    for question in _questions(new):
        if question.id in retired:
            problems.append(
                f"question {question.id!r} was replaced in version {retired[question.id]}; a "
                "replaced id is retired for good: use a new id"
            )
        if question.replaces is not None and question.replaces not in known:
            problems.append(
                f"question {question.id!r} replaces {question.replaces!r}, which no earlier "
                "version has"
            )
    return problems


def _questions(published: PublishedSurvey) -> list[Question]:
    return [q for section in published.definition.sections for q in section.questions]
