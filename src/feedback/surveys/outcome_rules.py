"""Rules for the outcome measures (shared/OUTCOMES.md): each item asked at the right stage,
the young-person variant kept to its items, and draft wording reported before publishing.

An intake survey never asks an exit-only item (there is nothing yet to compare) and an exit
survey never asks an intake-only one; a young person's survey asks only the variant's
outcome items and no sexual orientation or gender identity.
"""

from __future__ import annotations

from feedback.surveys.checker import Checker
from feedback.surveys.definition import ADULT_ONLY_EQUALITY_ITEMS, EQUALITY_SECTION_ID, Section

INTAKE, EXIT = "outcome_intake", "outcome_exit"


def check_outcomes(checker: Checker, sections: list[Section]) -> dict[str, str] | None:
    """Check the outcome rules; for an intake or exit survey return pair item → question id
    (every pair it asks its side of), which the published version keeps for pairing."""
    kind = checker.definition.kind
    located = _core_questions(sections)
    _check_stage(checker, kind, located)
    if checker.definition.audience != "adult":
        _check_young_person(checker, located)
    _note_drafts(checker, sections)
    if kind not in (INTAKE, EXIT):
        return None
    side = {INTAKE: "intake", EXIT: "exit"}[kind]
    by_code = {code: question_id for _path, question_id, code in located}
    pairs = {
        pair.item: by_code[getattr(pair, side)]
        for pair in checker.core.outcome_measures.pairs
        if getattr(pair, side) in by_code
    }
    if not pairs:
        checker.fail("sections", f"an {side} survey asks at least one paired outcome item")
    return pairs


def _core_questions(sections: list[Section]) -> list[tuple[str, str, str]]:
    """(path, question id, core code) of every question that carries a core code."""
    return [
        (
            "equality_monitoring.items"
            if section.id == EQUALITY_SECTION_ID
            else f"sections[{s}].questions[{q}]",
            question.id,
            question.core,
        )
        for s, section in enumerate(sections)
        for q, question in enumerate(section.questions)
        if question.core is not None
    ]


def _check_stage(checker: Checker, kind: str, located: list[tuple[str, str, str]]) -> None:
    block = checker.core.outcome_measures
    refused = {INTAKE: (set(block.exit_only), "exit"), EXIT: (set(block.intake_only), "intake")}
    if kind not in refused:
        return
    codes, stage = refused[kind]
    for path, _question_id, code in located:
        if code in codes:
            checker.fail(
                f"{path}.core", f"core code {code!r} is asked at {stage} only (outcome_measures)"
            )


def _check_young_person(checker: Checker, located: list[tuple[str, str, str]]) -> None:
    """Young people get the plain-language variant: no abuse types, no anxiety item, no
    sexual orientation or gender identity (OUTCOMES.md, whole-school approach)."""
    block = checker.core.outcome_measures
    outcome_codes, allowed = block.codes(), set(block.young_person)
    for path, _question_id, code in located:
        if code in outcome_codes and code not in allowed:
            checker.fail(
                f"{path}.core",
                f"core code {code!r} is not in the young-person variant (outcome_measures."
                "young_person); a young_person or child survey asks only those outcome items",
            )
        if code in ADULT_ONLY_EQUALITY_ITEMS:
            checker.fail(path, f"{code!r} is asked of adult surveys only")


def _note_drafts(checker: Checker, sections: list[Section]) -> None:
    """One note per thing to verify, naming the questions whose wording waits on it."""
    waiting: dict[str, list[str]] = {}
    for section in sections:
        for question in section.questions:
            if question.draft:
                waiting.setdefault(question.draft, []).append(question.id)
    for note, ids in waiting.items():
        checker.warnings.append(f"draft wording ({', '.join(ids)}): {note}")


__all__ = ["EXIT", "INTAKE", "check_outcomes"]
