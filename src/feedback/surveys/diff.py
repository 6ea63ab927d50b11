"""What changed between two versions of a survey, in lines a person can read.

Questions are compared by id and choices by code, wherever they sit, so moving a
question is reported as a move and not as a removal plus an addition.
"""

from __future__ import annotations

from typing import Any

import msgspec

from feedback.surveys.definition import PublishedSurvey, Question

Flat = dict[str, Any]


def diff_published(old: PublishedSurvey, new: PublishedSurvey) -> list[str]:
    """One line per change: `+` added, `-` removed, `~` changed; empty when identical."""
    lines = _diff_flat("", _flatten(_survey_fields(old)), _flatten(_survey_fields(new)))
    if old.consent != new.consent:
        before = f"{old.consent.slug} v{old.consent.version}" if old.consent else "none"
        after = f"{new.consent.slug} v{new.consent.version}" if new.consent else "none"
        lines.append(f"~ consent notice: {before} → {after}")
    old_questions, new_questions = _questions(old), _questions(new)
    for question_id, (place, _) in new_questions.items():
        if question_id not in old_questions:
            lines.append(f"+ question {question_id} ({place})")
    for question_id, (place, _) in old_questions.items():
        if question_id not in new_questions:
            lines.append(f"- question {question_id} (was {place})")
    for question_id, (place, question) in new_questions.items():
        if question_id not in old_questions:
            continue
        old_place, old_question = old_questions[question_id]
        if old_place != place:
            lines.append(f"~ question {question_id}: moved from {old_place} to {place}")
        lines += _diff_flat(
            f"question {question_id}: ", _question_flat(old_question), _question_flat(question)
        )
    return lines


def _survey_fields(published: PublishedSurvey) -> dict[str, Any]:
    data = msgspec.to_builtins(published.definition)
    data["languages"] = {lang.pop("code"): lang for lang in data.get("languages", [])}
    data["sections"] = {
        section.get("id") or f"#{i + 1}": {k: v for k, v in section.items() if k != "questions"}
        for i, section in enumerate(data.get("sections", []))
    }
    data["phrases"] = published.phrases
    return data


def _question_flat(question: Question) -> Flat:
    data = msgspec.to_builtins(question)
    if "choices" in data:
        data["choices"] = {c["code"]: c["text"] for c in data["choices"]}
    return _flatten(data)


def _questions(published: PublishedSurvey) -> dict[str, tuple[str, Question]]:
    found = {}
    for s, section in enumerate(published.definition.sections):
        name = section.id or f"#{s + 1}"
        for q, question in enumerate(section.questions):
            found[question.id] = (f"section {name}, question {q + 1}", question)
    return found


def _flatten(value: Any, prefix: str = "") -> Flat:
    if isinstance(value, dict) and value:
        flat: Flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _diff_flat(label: str, old: Flat, new: Flat) -> list[str]:
    lines = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            lines.append(f"+ {label}{key}: {_show(new[key])}")
        elif key not in new:
            lines.append(f"- {label}{key}: {_show(old[key])}")
        elif old[key] != new[key]:
            lines.append(f"~ {label}{key}: {_show(old[key])} → {_show(new[key])}")
    return lines


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else msgspec.json.encode(value).decode()
    return repr(text) if isinstance(value, str) else text
