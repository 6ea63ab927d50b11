"""The learned tagger: trained by the command, loadable, deterministic, and refusing bad data."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from feedback.cli import main
from feedback.errors import InvalidInput
from feedback.themes.evaluation import LabelledRecord, read_records
from feedback.themes.learned import TaggerModel, TaggerModelUnavailable, load_model
from feedback.themes.pipeline import tag_text, tagger_version
from feedback.themes.taxonomy import load_taxonomy
from feedback.themes.training import Corpus, train

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "training"
FIXTURE = SHARED / "train_a.jsonl"  # 300 texts by one author: a small model, quickly
needs_fixture = pytest.mark.skipif(
    not FIXTURE.exists(), reason="shared/data/training is not beside the repo"
)


def _quiet(_steps: int) -> None:
    """Tests need no progress bar."""


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained by `feedback themes train` from one labelled file."""
    out = tmp_path_factory.mktemp("model") / "tagger.npz"
    result = CliRunner().invoke(
        main, ["themes", "train", "--data", str(FIXTURE), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return out


@needs_fixture
def test_trained_model_loads_and_tags(small_model: Path) -> None:
    model = TaggerModel.from_bytes(small_model.read_bytes(), str(small_model))
    tagged = tag_text("Nobody called me back and the waiting list was far too long", model)
    assert set(tagged.themes) <= set(load_taxonomy().ids)
    assert tagged.sentiment in {"positive", "negative", "mixed", "neutral"}
    assert tagged.tagger_version.startswith(f"learned-{model.digest}+")
    assert len(model.digest) == 12


@needs_fixture
def test_training_twice_gives_the_same_bytes(small_model: Path) -> None:
    corpora = [Corpus(name="train_a", records=read_records(FIXTURE))]
    again, _folds = train(corpora, digest="", progress=_quiet)
    # The command records the data's hash; the same data and seed give the same arrays.
    first = TaggerModel.from_bytes(small_model.read_bytes())
    assert again.arrays["coef"].tobytes() == first.arrays["coef"].tobytes()
    assert again.meta.theme_thresholds == first.meta.theme_thresholds
    assert again.meta.danger_threshold == first.meta.danger_threshold


@needs_fixture
def test_scrambled_labels_are_refused(tmp_path: Path) -> None:
    """Each record given the labels of another: no model can learn that, so none is written."""
    lines = FIXTURE.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    for record, donor in zip(records, records[7:] + records[:7], strict=True):
        record["themes"] = donor["themes"]
    scrambled = tmp_path / "scrambled.jsonl"
    scrambled.write_text("\n".join(json.dumps(r) for r in records))
    out = tmp_path / "tagger.npz"
    result = CliRunner().invoke(
        main, ["themes", "train", "--data", str(scrambled), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "labels look corrupted" in result.output
    assert not out.exists()


def test_empty_training_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    result = CliRunner().invoke(main, ["themes", "train", "--data", str(empty)])
    assert result.exit_code == 1
    assert "empty.jsonl: no records" in result.output


def test_theme_with_too_few_examples_is_named() -> None:
    record = {"text": "They listened.", "themes": ["believed"], "sentiment": "positive"}
    records = [msgspec.convert({**record, "immediate_danger": False}, LabelledRecord)] * 30
    with pytest.raises(InvalidInput, match="fewer than 3 labelled examples of .*availability"):
        train([Corpus(name="tiny", records=records)], digest="", progress=_quiet)


def test_corrupt_model_bytes_are_a_clear_error() -> None:
    with pytest.raises(TaggerModelUnavailable, match="not a readable tagger model"):
        TaggerModel.from_bytes(b"not a model", "tagger.npz")


def test_truncated_model_file_is_a_clear_error() -> None:
    data = load_model().to_bytes()
    with pytest.raises(TaggerModelUnavailable, match="feedback themes train"):
        TaggerModel.from_bytes(data[: len(data) // 2], "tagger.npz")


def test_shipped_model_is_loaded_once_and_named_in_the_version() -> None:
    assert load_model() is load_model()
    assert tagger_version().startswith(f"learned-{load_model().digest}+rules-")


@needs_fixture
def test_cross_validate_prints_each_left_out_split_and_the_mean() -> None:
    result = CliRunner().invoke(
        main, ["themes", "cross-validate", "--data", str(FIXTURE), "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert [fold["corpus"] for fold in figures["folds"]] == [f"split-{k}" for k in range(1, 6)]
    assert set(figures["mean"]) >= {"macro_f1", "danger_recall", "sentiment_accuracy"}
    assert 0.0 < figures["mean"]["macro_f1"] <= 1.0
