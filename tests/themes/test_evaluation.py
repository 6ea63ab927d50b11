"""Quality targets on the labelled sets, and the `feedback themes evaluate` verb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback.cli import main
from feedback.themes.evaluation import evaluate, read_records

REPO = Path(__file__).resolve().parents[2]
DEV_SET = REPO.parent / "shared" / "data" / "feedback_dev.jsonl"
OWN_SET = Path(__file__).parent / "data" / "heldout_own.jsonl"

needs_dev_set = pytest.mark.skipif(
    not DEV_SET.exists(), reason="shared/data/feedback_dev.jsonl is not beside the repo"
)


# Danger precision is not asserted here: the learned check's threshold is chosen for recall
# on left-out files (`feedback themes cross-validate` reports its precision there).
@needs_dev_set
def test_development_set_meets_the_targets() -> None:
    result = evaluate(read_records(DEV_SET))
    assert result.macro_f1 >= 0.75
    assert result.danger_recall == 1.0
    assert result.pii_recall >= 0.95


def test_own_held_out_set_meets_the_targets() -> None:
    result = evaluate(read_records(OWN_SET))
    assert result.macro_f1 >= 0.75
    assert result.danger_recall == 1.0
    assert result.pii_recall >= 0.95
    assert result.over_redaction <= 0.01
    assert result.non_english_sent_to_review == result.non_english_records


def test_evaluate_json_prints_the_contract_keys() -> None:
    result = CliRunner().invoke(main, ["themes", "evaluate", str(OWN_SET), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    for key in ("macro_f1", "danger_recall", "danger_precision", "pii_recall"):
        assert isinstance(figures[key], float)
    assert isinstance(figures["sentiment_accuracy"], float)
    assert set(figures["per_theme"]["safety"]) >= {"precision", "recall", "f1"}


def test_evaluate_prints_a_table_by_default() -> None:
    result = CliRunner().invoke(main, ["themes", "evaluate", str(OWN_SET)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output
    assert "safety" in result.output


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": "x"', "not valid JSON"),
        (
            '{"text": "x", "themes": [], "sentiment": "good", "immediate_danger": false}',
            "sentiment",
        ),
        (
            '{"text": "x", "themes": ["nope"], "sentiment": "neutral", "immediate_danger": false}',
            "unknown theme",
        ),
        ('{"themes": [], "sentiment": "neutral", "immediate_danger": false}', "text"),
    ],
)
def test_malformed_line_is_named_without_traceback(tmp_path: Path, line: str, problem: str) -> None:
    good = '{"text": "ok", "themes": [], "sentiment": "neutral", "immediate_danger": false}'
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n\n{line}\n")
    result = CliRunner().invoke(main, ["themes", "evaluate", str(path)])
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert problem in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    result = CliRunner().invoke(main, ["themes", "evaluate", str(path)])
    assert result.exit_code == 1
    assert "no records" in result.output
