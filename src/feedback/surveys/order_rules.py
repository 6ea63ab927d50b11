"""Rules across questions: unique ids, `show_if` pointing back at earlier answers, each core
code asked once, and `replaces` naming a retired id."""

from __future__ import annotations

import msgspec

from feedback.surveys.checker import Checker
from feedback.surveys.definition import (
    PREFER_NOT_TO_SAY,
    MultipleChoice,
    Question,
    Scale,
    Section,
    ShowIf,
    SingleChoice,
    YesNo,
)


def check_order(checker: Checker, sections: list[Section]) -> None:
    """Check cross-question rules, replacing each `show_if` with its normalised form."""
    seen: dict[str, tuple[str, Question]] = {}
    cores: dict[str, str] = {}
    for s, section in enumerate(sections):
        for q, question in enumerate(section.questions):
            path = f"sections[{s}].questions[{q}]"
            if question.id in seen:
                where = seen[question.id][0]
                checker.fail(f"{path}.id", f"id {question.id!r} is already used at {where}")
            if question.core is not None:
                if question.core in cores:
                    where = cores[question.core]
                    checker.fail(
                        f"{path}.core", f"core code {question.core!r} is already asked at {where}"
                    )
                cores.setdefault(question.core, path)
            if question.show_if is not None:
                show_if = check_show_if(checker, path, question.show_if, seen)
                section.questions[q] = msgspec.structs.replace(question, show_if=show_if)
            seen.setdefault(question.id, (path, question))
    _check_replaces(checker, sections, set(seen))


def _check_replaces(checker: Checker, sections: list[Section], ids: set[str]) -> None:
    for s, section in enumerate(sections):
        for q, question in enumerate(section.questions):
            if question.replaces is not None and question.replaces in ids:
                checker.fail(
                    f"sections[{s}].questions[{q}].replaces",
                    f"{question.replaces!r} is still a question here; a replaced id is retired",
                )


def check_show_if(
    checker: Checker, path: str, show_if: ShowIf, earlier: dict[str, tuple[str, Question]]
) -> ShowIf:
    where = f"{path}.show_if"
    if (show_if.equals is None) == (show_if.any_of is None):
        checker.fail(where, "give exactly one of `equals` or `any_of`")
        return show_if
    values = [show_if.equals] if show_if.equals is not None else list(show_if.any_of or [])
    if not values:
        checker.fail(f"{where}.any_of", "list at least one answer")
    if show_if.question not in earlier:
        checker.fail(
            f"{where}.question", f"{show_if.question!r} is not an earlier question of this survey"
        )
        return show_if
    allowed = answer_values(earlier[show_if.question][1])
    if allowed is None:
        checker.fail(f"{where}.question", "can only depend on a choice, yes/no or scale question")
        return show_if
    normalised = [_yaml_boolean(value) for value in values]
    for value in normalised:
        if value not in allowed:
            shown = ", ".join(map(str, allowed))
            checker.fail(where, f"{value!r} is not an answer of {show_if.question!r} ({shown})")
    return ShowIf(question=show_if.question, any_of=normalised)


def answer_values(question: Question) -> list[str | int] | None:
    """The answers a later question may depend on, or None when it cannot depend on any."""
    extra: list[str | int] = [PREFER_NOT_TO_SAY] if question.prefer_not_to_say else []
    if isinstance(question, SingleChoice | MultipleChoice):
        return [c.code for c in question.choices or []] + extra
    if isinstance(question, YesNo):
        return ["yes", "no", *extra]
    if isinstance(question, Scale) and question.min is not None and question.max is not None:
        return [*range(question.min, question.max + 1), *extra]
    return None


def _yaml_boolean(value: str | int | bool) -> str | int:
    """YAML reads a bare `yes` or `no` as a boolean; here they mean the yes/no answer codes."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value
