"""Leave-one-corpus-out evaluation: the honest estimate of tagging text nobody here wrote.

Each labelled file (one set of authors and registers) is left out in turn; a model trained
on the others tags it through the real pipeline (redaction, language check, model) and is
scored by `evaluate`. The thresholds used on a file come from the other files' left-out
scores, never from the file being reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from feedback.themes.evaluation import Evaluation, evaluate
from feedback.themes.training import (
    SEED,
    Corpus,
    Progress,
    choose_thresholds,
    leave_one_out,
    with_thresholds,
)

__all__ = ["CrossValidation", "FoldScore", "cross_validate"]

_MEANED = ("macro_f1", "danger_recall", "danger_precision", "pii_recall", "sentiment_accuracy")


class FoldScore(msgspec.Struct, frozen=True):
    corpus: str
    danger_threshold: float
    evaluation: Evaluation


class CrossValidation(msgspec.Struct, frozen=True):
    folds: list[FoldScore]
    mean: dict[str, float]
    minimum: dict[str, float]


def cross_validate(
    corpora: Sequence[Corpus], *, seed: int = SEED, progress: Progress
) -> CrossValidation:
    folds = leave_one_out(corpora, seed=seed, progress=progress)
    scored = []
    for index, fold in enumerate(folds):
        themes, danger = choose_thresholds([f for i, f in enumerate(folds) if i != index])
        model = with_thresholds(fold.model, themes, danger)
        result = evaluate(fold.corpus.records, model)
        scored.append(
            FoldScore(corpus=fold.corpus.name, danger_threshold=danger, evaluation=result)
        )
    figures = {name: [getattr(f.evaluation, name) for f in scored] for name in _MEANED}
    return CrossValidation(
        folds=scored,
        mean={name: round(sum(v) / len(v), 4) for name, v in figures.items()},
        minimum={name: min(v) for name, v in figures.items()},
    )
