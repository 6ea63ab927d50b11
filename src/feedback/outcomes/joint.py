"""Counts across two answers of one response, made at intake so reports need not open it.

The MoJ/PCC indicator "helped to cope and to recover" is a share of people who said yes to
both questions: it cannot be worked out from each question's own counts. So every response
that answers both is counted once more, under a row no survey question has (`JOINT_ROW`),
by the same function intake and withdrawal use to count (`responses.answers
.counted_options`), which keeps the two exact mirrors. Plain functions, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from feedback.surveys.definition import PREFER_NOT_TO_SAY, Question

COPE, RECOVER = "helped_cope", "helped_recover"
JOINT_ROW = "_cope_and_recover"  # no question id starts with `_`
BOTH, NOT_BOTH = "both", "not_both"
HELPED = frozenset({"yes_a_lot", "yes_a_little"})


def joint_options(
    questions: Iterable[Question], answers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(JOINT_ROW, both | not_both) when the response answered both the cope and the
    recover item (prefer not to say is no answer to either); else nothing."""
    by_core = {question.core: question.id for question in questions if question.core}
    if COPE not in by_core or RECOVER not in by_core:
        return []
    given = [answers.get(by_core[code]) for code in (COPE, RECOVER)]
    if any(value is None or value == PREFER_NOT_TO_SAY for value in given):
        return []
    return [(JOINT_ROW, BOTH if all(value in HELPED for value in given) else NOT_BOTH)]


__all__ = ["BOTH", "HELPED", "JOINT_ROW", "NOT_BOTH", "joint_options"]
