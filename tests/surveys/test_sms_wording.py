"""An SMS question stays on the phone it was sent to: `surveys validate` refuses one whose
text or answers name the subject, with the file and the question id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.surveys.helpers import shipped, write

SLUG = "service-satisfaction"


def _question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    questions = (q for section in data["sections"] for q in section["questions"])
    return next(q for q in questions if q["id"] == question_id)


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("en", "Did the refuge staff help you?", "refuge"),
        ("pl", "Czy przemoc ustała?", "przemoc"),
    ],
)
def test_an_sms_question_naming_the_subject_is_refused_with_file_and_question_id(
    cli: Cli, content: Path, language: str, text: str, word: str
) -> None:
    data = shipped(SLUG)
    _question(data, "what_helped_most")["text"][language] = text

    result = cli("surveys", "validate", str(write(content, SLUG, data)))

    assert result.exit_code == 1
    line = next(line for line in result.stderr.splitlines() if "names the subject" in line)
    assert f"{SLUG}.yaml" in line and f".text.{language}" in line
    assert f"SMS question 'what_helped_most' names the subject ({word!r})" in line


def test_a_web_only_question_may_name_the_subject(cli: Cli, content: Path) -> None:
    data = shipped(SLUG)
    question = _question(data, "what_helped_most")
    question["sms"] = False
    question["text"]["en"] = "What helped you most at the refuge?"

    result = cli("surveys", "validate", str(write(content, SLUG, data)))

    assert result.exit_code == 0, result.output


def test_an_sms_question_repeating_a_telling_survey_title_is_refused(
    cli: Cli, content: Path
) -> None:
    data = shipped(SLUG)
    data["title"]["en"] = "Hestia Housing"
    _question(data, "what_should_change")["text"]["en"] = "What should Hestia Housing change?"

    result = cli("surveys", "validate", str(write(content, SLUG, data)))

    assert result.exit_code == 1
    assert "'what_should_change' names the subject ('Hestia Housing')" in result.stderr
