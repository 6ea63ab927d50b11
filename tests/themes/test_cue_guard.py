"""The cue-scan shortcuts never change which themes a text gets (they only skip work)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from feedback.themes.cue_guard import (
    boundary_prefixes,
    first_char_guard,
    match_prefixes,
    possible_matches,
)
from feedback.themes.pipeline import themes_by_clause
from feedback.themes.redaction import redact
from feedback.themes.sentiment import split_clauses
from feedback.themes.taxonomy import ThemeCues, load_cues

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "feedback_dev.jsonl"
OWN = Path(__file__).resolve().parent / "data" / "heldout_own.jsonl"


def _unguarded() -> ThemeCues:
    raw = yaml.safe_load(
        resources.files("feedback.themes").joinpath("data", "theme_cues.yaml").read_bytes()
    )["themes"]
    patterns = {
        theme: re.compile(r"\b(?:" + "|".join(f"(?:{cue})" for cue in cues) + r")\b")
        for theme, cues in raw.items()
    }
    return ThemeCues(version=0, patterns=patterns)


def _texts() -> list[str]:
    texts = ["", "24/7 at 9am", "Ça va, merci 9 pm", "GP", "gp no", "٣ pm", "x\ny"]
    for path in (DEV, OWN):
        if path.exists():
            for line in path.read_text().splitlines():
                if line.strip():
                    words = json.loads(line)["text"].split()
                    texts.append(" ".join(words))
                    texts += [" ".join(words[:i] + words[i + 1 :]) for i in range(len(words))]
    return texts


def test_guarded_cues_find_exactly_what_plain_cues_find() -> None:
    plain, guarded = _unguarded(), load_cues()
    for text in _texts():
        clauses = split_clauses(redact(text)) or [text]
        assert themes_by_clause(clauses, guarded) == themes_by_clause(clauses, plain), text


@pytest.mark.parametrize(
    ("expression", "guard"),
    [
        (r"wait\w*|delay\w*|backlog|queue", "(?=[bdqw])"),
        (r"24/7|any ?time", "(?=[2a])"),
        (r"[^a]b", ""),  # almost any first character: no guard is worth it
        (r"(x)?", ""),  # can match nothing: no guard is possible
    ],
)
def test_a_guard_lists_the_first_characters_a_match_can_have(expression: str, guard: str) -> None:
    assert first_char_guard(expression) == guard


def test_match_prefixes_stop_where_a_wide_class_begins() -> None:
    assert match_prefixes(r"took \w+ weeks|gp") == frozenset({"took ", "gp"})
    assert match_prefixes(r"\d ?(am|pm)") is None
    assert {"we", "wai", "wait"} <= boundary_prefixes("we wait")


def test_start_table_picks_exactly_the_themes_whose_starts_occur() -> None:
    cues = load_cues()
    for text in _texts():
        joined = text.lower()
        here = boundary_prefixes(joined)
        expected = [
            theme
            for theme, starts in cues.prefixes.items()
            if starts is None or not here.isdisjoint(starts)
        ]
        found = possible_matches(joined, cues.starts)
        assert [t for i, t in enumerate(cues.patterns) if found >> i & 1] == expected, text
