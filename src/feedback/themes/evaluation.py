"""Tagger quality on a labelled JSONL file (the format of shared/data/feedback_dev.jsonl).

Scoring rules where the issue is silent, chosen so a figure means one thing:
- Theme and sentiment figures count only records labelled English (`language` "en"):
  other languages are meant to go to human review untagged, so scoring them would
  punish the behaviour we want. How many of them were routed to review is reported.
- Danger and PII figures count every record: help and redaction must not depend on the
  language check.
- Macro-F1 averages the themes that occur in the labels or the predictions; a theme
  never labelled and never predicted says nothing and is left out.
- A ratio with nothing to count (no danger labelled, nothing flagged) is 1.0.
- Over-redaction is the share of words outside the labelled personal data that redaction
  removed (a word counted once per occurrence).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import msgspec

from feedback.errors import InvalidInput
from feedback.themes.learned import TaggerModel
from feedback.themes.pipeline import TaggedText, tag_text
from feedback.themes.taxonomy import load_taxonomy

__all__ = ["Evaluation", "LabelledRecord", "ThemeScore", "evaluate", "read_records"]

Sentiment = Literal["positive", "negative", "mixed", "neutral"]


class PiiSpan(msgspec.Struct, frozen=True):
    type: Literal["name", "phone", "email", "postcode", "address"]
    text: str


class LabelledRecord(msgspec.Struct, frozen=True):
    text: str
    themes: list[str]
    sentiment: Sentiment
    immediate_danger: bool
    pii: list[PiiSpan] = []
    id: str = ""
    audience: str = ""
    language: str = "en"


class ThemeScore(msgspec.Struct, frozen=True):
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


class Evaluation(msgspec.Struct, frozen=True):
    records: int
    scored_records: int
    macro_f1: float
    danger_recall: float
    danger_precision: float
    sentiment_accuracy: float
    pii_recall: float
    pii_spans: int
    over_redaction: float
    non_english_records: int
    non_english_sent_to_review: int
    english_sent_to_review: int
    per_theme: dict[str, ThemeScore]


def _record(line: str, number: int, known: frozenset[str]) -> LabelledRecord:
    try:
        record = msgspec.json.decode(line, type=LabelledRecord)
    except msgspec.ValidationError as error:
        raise InvalidInput(f"line {number}: {error}") from None
    except msgspec.DecodeError as error:
        raise InvalidInput(f"line {number}: not valid JSON ({error})") from None
    unknown = sorted(set(record.themes) - known)
    if unknown:
        raise InvalidInput(f"line {number}: unknown theme id(s) {', '.join(unknown)}")
    for span in record.pii:
        if span.text not in record.text:
            raise InvalidInput(f"line {number}: pii text {span.text!r} is not in the text")
    return record


def read_records(path: Path) -> list[LabelledRecord]:
    """Parse a labelled file; any bad line raises InvalidInput naming its number and fault."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read ({error})") from None
    known = frozenset(load_taxonomy().ids)
    records = [
        _record(line, number, known) for number, line in enumerate(lines, start=1) if line.strip()
    ]
    if not records:
        raise InvalidInput(f"{path}: no records")
    return records


def _ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 1.0


def _theme_scores(
    pairs: Sequence[tuple[LabelledRecord, TaggedText]], ids: Iterable[str]
) -> dict[str, ThemeScore]:
    scores = {}
    for theme_id in ids:
        gold = [theme_id in record.themes for record, _ in pairs]
        predicted = [theme_id in tagged.themes for _, tagged in pairs]
        if not any(gold) and not any(predicted):
            continue
        true_positive = sum(g and p for g, p in zip(gold, predicted, strict=True))
        precision = _ratio(true_positive, sum(predicted)) if any(predicted) else 0.0
        recall = _ratio(true_positive, sum(gold)) if any(gold) else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[theme_id] = ThemeScore(
            precision=precision,
            recall=recall,
            f1=round(f1, 4),
            support=sum(gold),
            predicted=sum(predicted),
        )
    return scores


_WORD = re.compile(r"[\w']+")


def _over_redacted(pairs: Sequence[tuple[LabelledRecord, TaggedText]]) -> float:
    removed = total = 0
    for record, tagged in pairs:
        text = record.text
        for span in record.pii:
            text = text.replace(span.text, " ")
        words = Counter(_WORD.findall(text))
        lost = words - Counter(_WORD.findall(tagged.redacted_text))
        removed += sum(lost.values())
        total += sum(words.values())
    return round(removed / total, 4) if total else 0.0


def evaluate(records: Sequence[LabelledRecord], model: TaggerModel | None = None) -> Evaluation:
    """Tag every record's text (with the shipped model, or the one given) and compare."""
    pairs = [(record, tag_text(record.text, model)) for record in records]
    english = [(r, t) for r, t in pairs if r.language.lower().startswith("en")]
    other = [(r, t) for r, t in pairs if not r.language.lower().startswith("en")]
    per_theme = _theme_scores(english, load_taxonomy().ids)
    macro = sum(score.f1 for score in per_theme.values()) / len(per_theme) if per_theme else 1.0

    flagged = [t.immediate_danger for _, t in pairs]
    labelled = [r.immediate_danger for r, _ in pairs]
    caught = sum(f and g for f, g in zip(flagged, labelled, strict=True))
    spans = [(span, t) for r, t in pairs for span in r.pii]
    removed = sum(span.text not in t.redacted_text for span, t in spans)
    return Evaluation(
        records=len(pairs),
        scored_records=len(english),
        macro_f1=round(macro, 4),
        danger_recall=_ratio(caught, sum(labelled)),
        danger_precision=_ratio(caught, sum(flagged)),
        sentiment_accuracy=_ratio(
            sum(r.sentiment == t.sentiment for r, t in english), len(english)
        ),
        pii_recall=_ratio(removed, len(spans)),
        pii_spans=len(spans),
        over_redaction=_over_redacted(pairs),
        non_english_records=len(other),
        non_english_sent_to_review=sum(t.needs_human_review for _, t in other),
        english_sent_to_review=sum(t.needs_human_review for _, t in english),
        per_theme=per_theme,
    )
