"""The shared core data set: canonical wording and answer scales every service asks the
same way, the equality-monitoring questions, and the interface phrases in each language.

It lives in one file (surveys/core.yaml) so that services are "not having to ask the same
question in three different ways": a survey question that carries a core code must keep
its type, scale and choice codes, and takes its wording from here.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from feedback.surveys.definition import (
    EQUALITY_ITEMS,
    Code,
    Part,
    Question,
    Scale,
    SingleChoice,
    Text,
    question_type,
)
from feedback.surveys.errors import Problem, SurveyInvalid
from feedback.surveys.files import display_name, read_file

CORE_FILE_NAME = "core.yaml"
REQUIRED_PHRASES = (
    "answer_yes",
    "answer_no",
    "prefer_not_to_say",
    "not_translated",
    "draft_translation",
)


class NamedScale(Part, kw_only=True):
    min: int
    max: int
    low: Text
    high: Text


class EqualityBlock(Part, kw_only=True):
    title: Text
    intro: Text
    questions: list[Question]


class OutcomePair(Part, kw_only=True):
    """One outcome asked at intake and again at exit, counted as intake answer x exit answer."""

    item: Code
    intake: Code
    exit: Code


class OutcomeMeasures(Part, kw_only=True):
    """When each outcome item is asked (shared/OUTCOMES.md R2) and the young-person variant."""

    pairs: list[OutcomePair] = msgspec.field(default_factory=list)
    intake_only: list[Code] = msgspec.field(default_factory=list)
    exit_only: list[Code] = msgspec.field(default_factory=list)
    young_person: list[Code] = msgspec.field(default_factory=list)

    def codes(self) -> set[str]:
        """Every outcome item code: those a young person's survey may ask only if listed."""
        paired = {code for pair in self.pairs for code in (pair.intake, pair.exit)}
        return paired | set(self.intake_only) | set(self.exit_only)


class CoreDataSet(Part, kw_only=True):
    phrases: dict[Code, Text]
    scales: dict[Code, NamedScale]
    questions: list[Question]
    equality_monitoring: EqualityBlock
    outcome_measures: OutcomeMeasures = msgspec.field(default_factory=OutcomeMeasures)

    def question(self, code: str) -> Question | None:
        for question in self.questions:
            if question.id == code:
                return question
        for question in self.equality_monitoring.questions:
            if question.id == code:
                return question
        return None


def core_path_for(survey_path: Path) -> Path:
    """The core data set that applies to a survey file: core.yaml in the same folder."""
    return survey_path.parent / CORE_FILE_NAME


def load_core(path: Path) -> CoreDataSet:
    """Read and check the core data set; any fault is a located SurveyInvalid."""
    core = read_file(path, CoreDataSet)
    problems = check_core(core, display_name(path))
    if problems:
        raise SurveyInvalid(problems)
    return core


def check_core(core: CoreDataSet, file: str) -> list[Problem]:
    problems = [
        Problem(file, f"phrases.{name}", "required phrase is missing")
        for name in REQUIRED_PHRASES
        if name not in core.phrases
    ]
    problems += _check_texts(core, file)
    for name, scale in core.scales.items():
        if scale.min >= scale.max:
            problems.append(Problem(file, f"scales.{name}", "min must be less than max"))
    problems += _check_core_questions(core, file)
    problems += _check_outcome_measures(core, file)
    ids = [q.id for q in core.equality_monitoring.questions]
    if sorted(ids) != sorted(EQUALITY_ITEMS):
        problems.append(
            Problem(
                file,
                "equality_monitoring.questions",
                f"must define exactly these ids: {', '.join(EQUALITY_ITEMS)}",
            )
        )
    return problems


def _check_core_questions(core: CoreDataSet, file: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    listed = [(f"questions[{i}]", q) for i, q in enumerate(core.questions)] + [
        (f"equality_monitoring.questions[{i}]", q)
        for i, q in enumerate(core.equality_monitoring.questions)
    ]
    for path, question in listed:
        if question.id in seen:
            problems.append(Problem(file, f"{path}.id", f"core code {question.id!r} is repeated"))
        seen.add(question.id)
        if question.text is None:
            problems.append(Problem(file, f"{path}.text", "a core question needs its wording"))
        if isinstance(question, Scale) and question.scale not in core.scales:
            problems.append(
                Problem(file, f"{path}.scale", "a core scale question names one of `scales`")
            )
        if question.core is not None or question.show_if is not None:
            problems.append(Problem(file, path, "core questions take no `core` or `show_if`"))
        if question_type(question) not in ("scale", "single_choice", "yes_no", "multiple_choice"):
            problems.append(Problem(file, f"{path}.type", "core questions must be closed"))
        if question.draft is not None and not question.draft.strip():
            problems.append(Problem(file, f"{path}.draft", "say what must be verified"))
    for path, question in listed[len(core.questions) :]:
        if not isinstance(question, SingleChoice):
            problems.append(Problem(file, f"{path}.type", "must be single_choice"))
    return problems


def _check_outcome_measures(core: CoreDataSet, file: str) -> list[Problem]:
    """Every listed code is a core question, and no item is both intake-only and exit-only."""
    block = core.outcome_measures
    known = {question.id for question in core.questions}
    listed = [
        (f"outcome_measures.pairs[{i}].{side}", code)
        for i, pair in enumerate(block.pairs)
        for side, code in (("intake", pair.intake), ("exit", pair.exit))
    ]
    for name in ("intake_only", "exit_only", "young_person"):
        listed += [(f"outcome_measures.{name}[{i}]", c) for i, c in enumerate(getattr(block, name))]
    problems = [
        Problem(file, path, f"{code!r} is not a core question")
        for path, code in listed
        if code not in known
    ]
    items = [pair.item for pair in block.pairs]
    problems += [
        Problem(file, "outcome_measures.pairs", f"pair item {item!r} is listed twice")
        for item in sorted({i for i in items if items.count(i) > 1})
    ]
    problems += [
        Problem(file, "outcome_measures", f"{code!r} cannot be both intake_only and exit_only")
        for code in sorted(set(block.intake_only) & set(block.exit_only))
    ]
    return problems


def _check_texts(core: CoreDataSet, file: str) -> list[Problem]:
    texts: list[tuple[str, Text]] = [(f"phrases.{k}", v) for k, v in core.phrases.items()]
    texts += [(f"scales.{k}.low", v.low) for k, v in core.scales.items()]
    texts += [(f"scales.{k}.high", v.high) for k, v in core.scales.items()]
    texts += [
        ("equality_monitoring.title", core.equality_monitoring.title),
        ("equality_monitoring.intro", core.equality_monitoring.intro),
    ]
    return [
        Problem(file, path, "English (`en`) text is required")
        for path, text in texts
        if isinstance(text, dict) and not text.get("en", "").strip()
    ]
