"""The issue's "done when", end to end through `feedback surveys ...` and `feedback consent ...`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.surveys.conftest import SHIPPED
from tests.surveys.helpers import dump, shipped, write


@pytest.mark.parametrize("slug", SHIPPED)
def test_publish_then_unchanged_then_edit_then_refuse_then_diff(
    cli: Cli, content: Path, slug: str
) -> None:
    path = content / "surveys" / f"{slug}.yaml"

    first = cli("surveys", "publish", str(path))
    assert first.exit_code == 0, first.output
    assert f"{slug}: published version 1" in first.output

    again = cli("surveys", "publish", str(path))
    assert again.exit_code == 0
    assert f"{slug}: unchanged, still version 1" in again.output

    data = shipped(slug)
    data["sections"][0]["questions"][-1]["help"] = "Take your time."
    edited = cli("surveys", "publish", str(write(content, slug, data)))
    assert f"{slug}: published version 2" in edited.output

    questions = data["sections"][0]["questions"]
    kept = questions[-1]
    question = {"id": kept["id"], "type": "free_text", "text": "Anything else?"}
    if kept["type"] == "free_text":
        question["type"] = "yes_no"
    questions[-1] = question
    refused = cli("surveys", "publish", str(write(content, slug, data)))
    assert refused.exit_code == 1
    assert f"question {question['id']!r} was" in refused.stderr
    assert "give the changed question a new id" in refused.stderr
    assert f"replaces: {question['id']}" in refused.stderr

    listed = cli("surveys", "list")
    assert f"{slug}\tv2" in listed.output

    diff = cli("surveys", "diff", slug, "1", "2")
    assert diff.exit_code == 0
    last = shipped(slug)["sections"][0]["questions"][-1]["id"]
    change = next(line for line in diff.output.splitlines() if f"question {last}: help.en" in line)
    assert change.endswith("'Take your time.'")


def test_validate_lists_every_problem_with_file_and_path(cli: Cli, content: Path) -> None:
    data = shipped("young-person-consultation")
    data["sections"][1]["questions"][3]["choices"] = [{"code": "one", "text": "One"}]
    data["title"] = {"pl": "Cześć"}
    path = write(content, "young-person-consultation", data)
    result = cli("surveys", "validate", str(path))
    assert result.exit_code == 1
    assert "sections[1].questions[3].choices: give at least two choices" in result.stderr
    assert "title: English (`en`) text is required" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_file_in_publish_publishes_nothing(cli: Cli, content: Path) -> None:
    broken = content / "surveys" / "broken.yaml"
    broken.write_bytes(dump({"slug": "broken", "sections": [{"questions": [{"id": "q"}]}]}))
    good = content / "surveys" / "service-satisfaction.yaml"
    result = cli("surveys", "publish", str(good), str(broken))
    assert result.exit_code == 1
    assert "broken.yaml" in result.stderr and "nothing was published" in result.stderr
    assert "no surveys published yet" in cli("surveys", "list").output
    assert cli("consent", "list").output == ""


def test_validate_without_paths_checks_the_shipped_surveys(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, content: Path
) -> None:
    monkeypatch.chdir(content)
    result = cli("surveys", "validate")
    assert result.exit_code == 0, result.output
    for slug in SHIPPED:
        assert f"ok: surveys/{slug}.yaml ({slug})" in result.output


def test_diff_of_unknown_survey_is_one_clear_line(cli: Cli) -> None:
    result = cli("surveys", "diff", "nope", "1", "2")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: survey 'nope' has no version 1"
