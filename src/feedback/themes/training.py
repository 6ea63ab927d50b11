"""Training the learned tagger with scikit-learn, and choosing its thresholds honestly.

Reproducible: a fixed seed, sorted vocabularies and deterministic solvers, so the same
files give a byte-identical artifact. Thresholds are never fitted on the texts they are
judged on: each labelled file is left out in turn, a model trained on the rest scores it,
and the thresholds come from those left-out scores only (with fewer than three files, a
seeded five-way split stands in for the files). Labels that cannot be learned (a theme
with almost no examples, or labels so scrambled that left-out scores are near chance)
are refused with a message, rather than shipping a model that tags at random.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec
import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from feedback.errors import InvalidInput
from feedback.themes.danger_rules import EVENT_NAMES
from feedback.themes.evaluation import LabelledRecord, read_records
from feedback.themes.features import char_grams, normalise, word_grams
from feedback.themes.learned import (
    FORMAT,
    POLARITY_FEATURES,
    ModelMeta,
    RuleFeatures,
    TaggerModel,
)
from feedback.themes.pipeline import rule_features
from feedback.themes.redaction import redact
from feedback.themes.sentiment import score_clause, split_clauses
from feedback.themes.taxonomy import load_cues, load_taxonomy
from feedback.themes.textblob_offline import tokenize

__all__ = [
    "SEED",
    "Corpus",
    "Example",
    "LeftOut",
    "choose_thresholds",
    "fit",
    "leave_one_out",
    "prepare",
    "read_corpora",
    "train",
]

SEED = 17
SENTIMENTS = ("positive", "negative", "mixed", "neutral")
MIN_EXAMPLES = 3  # of each theme, each sentiment and each danger answer
QUALITY_FLOOR = 0.3  # left-out macro-F1 below this: the labels are not learnable
DANGER_RECALL = 0.98  # missed alarms cost more than extra help messages
MIN_DF = 2
C_THEMES, C_DANGER, C_SENTIMENT = 4.0, 4.0, 4.0
EXTRA_SCALE = 0.5
_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)
Progress = Callable[[int], None]


class Corpus(msgspec.Struct, frozen=True):
    name: str
    records: list[LabelledRecord]


class Example(msgspec.Struct, frozen=True):
    redacted: str
    rules: RuleFeatures
    themes: frozenset[str]
    sentiment: str
    danger: bool


class LeftOut(msgspec.Struct, frozen=True):
    """One left-out file: its model (trained without it) and that model's raw scores."""

    corpus: Corpus
    model: TaggerModel
    scores: NDArray[np.float32]
    examples: list[Example]


def read_corpora(paths: Sequence[Path]) -> list[Corpus]:
    """Each `.jsonl` file named, or inside a folder named, is one corpus (one author)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.jsonl"))
            if not found:
                raise InvalidInput(f"{path}: no .jsonl files in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    return [Corpus(name=file.stem, records=read_records(file)) for file in files]


def prepare(records: Sequence[LabelledRecord]) -> list[Example]:
    """Redact and score clauses once, as tagging does, so training sees what tagging sees."""
    examples = []
    cues = load_cues()
    for record in records:
        redacted = redact(record.text)
        clauses = split_clauses(redacted)
        scores = [score_clause(c, tokenize(c)) for c in clauses]
        rules, _, _ = rule_features(redacted, clauses, scores, cues)
        examples.append(
            Example(
                redacted=redacted,
                rules=rules,
                themes=frozenset(record.themes),
                sentiment=record.sentiment,
                danger=record.immediate_danger,
            )
        )
    return examples


def check_learnable(examples: Sequence[Example], source: str) -> None:
    """Refuse labels no model could learn from: too few examples of something it must tag."""
    if not examples:
        raise InvalidInput(f"{source}: no labelled records to train on")
    short = [
        theme_id
        for theme_id in load_taxonomy().ids
        if sum(theme_id in e.themes for e in examples) < MIN_EXAMPLES
    ]
    short += [s for s in SENTIMENTS if sum(e.sentiment == s for e in examples) < MIN_EXAMPLES]
    danger = sum(e.danger for e in examples)
    if danger < MIN_EXAMPLES or len(examples) - danger < MIN_EXAMPLES:
        short.append("immediate_danger (true and false)")
    if short:
        raise InvalidInput(
            f"{source}: fewer than {MIN_EXAMPLES} labelled examples of {', '.join(short)}"
        )


def _vocabulary(
    texts: list[str], analyzer: Callable[[str], list[str]]
) -> tuple[NDArray[np.str_], NDArray[np.float32]]:
    vectorizer = TfidfVectorizer(analyzer=analyzer, min_df=MIN_DF, sublinear_tf=True)
    vectorizer.fit(texts)
    terms = vectorizer.get_feature_names_out()
    return terms.astype(str), vectorizer.idf_.astype(np.float32)


def _matrix(model: TaggerModel, examples: Sequence[Example]) -> sparse.csr_matrix:
    width = model.coef.shape[1]
    rows, cols, vals = [], [], []
    for row, example in enumerate(examples):
        columns, values = model.vector(example.redacted, example.rules)
        rows.extend([row] * len(columns))
        cols.extend(columns.tolist())
        vals.extend(values.tolist())
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), width), dtype=np.float64)


def _binary(
    x: sparse.csr_matrix, y: NDArray[np.bool_], c: float, seed: int
) -> tuple[NDArray[np.float64], float]:
    if y.all() or not y.any():  # nothing to learn in this split: a constant answer
        return np.zeros(x.shape[1]), 30.0 if y.all() else -30.0
    fitted = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", random_state=seed
    ).fit(x, y)
    return fitted.coef_[0], float(fitted.intercept_[0])


def _sentiment(
    x: sparse.csr_matrix, labels: list[str], seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    coef = np.zeros((len(SENTIMENTS), x.shape[1]))
    intercept = np.full(len(SENTIMENTS), -30.0)
    fitted = LogisticRegression(
        C=C_SENTIMENT, class_weight="balanced", max_iter=2000, random_state=seed
    ).fit(x, labels)
    for row, label in enumerate(fitted.classes_):
        coef[SENTIMENTS.index(label)] = fitted.coef_[row]
        intercept[SENTIMENTS.index(label)] = fitted.intercept_[row]
    return coef, intercept


def _meta(examples: Sequence[Example], seed: int, digest: str) -> ModelMeta:
    ids = load_taxonomy().ids
    return ModelMeta(
        format=FORMAT,
        theme_ids=ids,
        sentiments=list(SENTIMENTS),
        theme_thresholds=[0.5] * len(ids),
        danger_threshold=0.5,
        extra_scale=EXTRA_SCALE,
        seed=seed,
        data_digest=digest,
        records=len(examples),
    )


def fit(
    examples: Sequence[Example], *, seed: int = SEED, digest: str = "", progress: Progress
) -> TaggerModel:
    """One model over all the examples, with placeholder thresholds (0.5)."""
    lowered = [normalise(e.redacted) for e in examples]
    word_terms, word_idf = _vocabulary(lowered, word_grams)
    char_terms, char_idf = _vocabulary(lowered, char_grams)
    ids = load_taxonomy().ids
    rows = len(ids) + 1 + len(SENTIMENTS)
    width = len(word_terms) + len(char_terms) + len(ids) + len(EVENT_NAMES) + POLARITY_FEATURES
    arrays = {
        "word_terms": word_terms,
        "word_idf": word_idf,
        "char_terms": char_terms,
        "char_idf": char_idf,
        "coef": np.zeros((rows, width), np.float32),
        "intercept": np.zeros(rows, np.float32),
    }
    skeleton = TaggerModel(arrays, _meta(examples, seed, digest))
    x = _matrix(skeleton, examples)
    coef, intercept = np.zeros((rows, width)), np.zeros(rows)
    for row, theme_id in enumerate(ids):
        y = np.array([theme_id in e.themes for e in examples])
        coef[row], intercept[row] = _binary(x, y, C_THEMES, seed)
        progress(1)
    # Danger reads word n-grams and rule events only: intake scores it cheaply (learned.py).
    danger_columns = np.zeros(width)
    danger_columns[: len(word_terms)] = 1.0
    events_at = skeleton.ngram_columns + len(ids)
    danger_columns[events_at : events_at + len(EVENT_NAMES)] = 1.0
    danger_x = x @ sparse.diags(danger_columns)
    y_danger = np.array([e.danger for e in examples])
    coef[len(ids)], intercept[len(ids)] = _binary(danger_x.tocsr(), y_danger, C_DANGER, seed)
    coef[len(ids) + 1 :], intercept[len(ids) + 1 :] = _sentiment(
        x, [e.sentiment for e in examples], seed
    )
    progress(2)
    # Half precision: a thousandth of a weight changes no decision and halves the file.
    arrays["coef"] = coef.astype(np.float16)
    arrays["intercept"] = intercept.astype(np.float32)
    return TaggerModel(arrays, skeleton.meta)


def steps_per_fit() -> int:
    return len(load_taxonomy().ids) + 2


def _splits(corpora: Sequence[Corpus], seed: int) -> list[Corpus]:
    """The files themselves, or (fewer than three) a seeded five-way split of their records."""
    if len(corpora) >= 3:
        return list(corpora)
    records = [record for corpus in corpora for record in corpus.records]
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    return [
        Corpus(name=f"split-{k + 1}", records=[records[i] for i in order[k::5]]) for k in range(5)
    ]


def leave_one_out(
    corpora: Sequence[Corpus], *, seed: int = SEED, progress: Progress
) -> list[LeftOut]:
    """For each corpus, a model trained on the others and its raw scores on the one left out."""
    prepared = [(corpus, prepare(corpus.records)) for corpus in _splits(corpora, seed)]
    folds = []
    for index, (corpus, examples) in enumerate(prepared):
        rest = [e for other, (_, ex) in enumerate(prepared) if other != index for e in ex]
        model = fit(rest, seed=seed, progress=progress)
        scores = np.array([model.raw_scores(e.redacted, e.rules) for e in examples])
        folds.append(LeftOut(corpus=corpus, model=model, scores=scores, examples=examples))
    return folds


def _sigmoid(values: NDArray[np.float32]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-np.clip(values.astype(np.float64), -30, 30)))


def _best_f1_threshold(probabilities: NDArray[np.float64], gold: NDArray[np.bool_]) -> float:
    if not gold.any():
        return 0.5
    best, chosen = -1.0, 0.5
    for threshold in _GRID:
        predicted = probabilities >= threshold
        f1 = 2 * (predicted & gold).sum() / (predicted.sum() + gold.sum())
        if f1 > best:
            best, chosen = f1, float(threshold)
    return chosen


def _recall_threshold(probabilities: NDArray[np.float64], gold: NDArray[np.bool_]) -> float:
    """The highest threshold that still catches DANGER_RECALL of the labelled dangers (so
    precision is as high as that recall allows)."""
    positives = np.sort(probabilities[gold])[::-1]
    if not len(positives):
        return 0.5
    keep = int(np.ceil(DANGER_RECALL * len(positives)))
    return float(positives[keep - 1])


def choose_thresholds(folds: Sequence[LeftOut]) -> tuple[list[float], float]:
    """Per-theme F1-best and recall-first danger thresholds from left-out scores only."""
    scores = np.vstack([fold.scores for fold in folds])
    examples = [e for fold in folds for e in fold.examples]
    ids = load_taxonomy().ids
    probabilities = _sigmoid(scores)
    themes = [
        _best_f1_threshold(probabilities[:, row], np.array([t in e.themes for e in examples]))
        for row, t in enumerate(ids)
    ]
    danger = _recall_threshold(probabilities[:, len(ids)], np.array([e.danger for e in examples]))
    return themes, danger


def with_thresholds(model: TaggerModel, themes: list[float], danger: float) -> TaggerModel:
    meta = msgspec.structs.replace(
        model.meta, theme_thresholds=[round(t, 4) for t in themes], danger_threshold=danger
    )
    return TaggerModel(model.arrays, meta)


def left_out_macro_f1(folds: Sequence[LeftOut], themes: list[float]) -> float:
    """Macro-F1 of the left-out scores at the chosen thresholds: the learnability check."""
    examples = [e for fold in folds for e in fold.examples]
    probabilities = _sigmoid(np.vstack([fold.scores for fold in folds]))
    f1s = []
    for row, theme_id in enumerate(load_taxonomy().ids):
        gold = np.array([theme_id in e.themes for e in examples])
        predicted = probabilities[:, row] >= themes[row]
        if gold.any() or predicted.any():
            f1s.append(2 * (predicted & gold).sum() / (predicted.sum() + gold.sum()))
    return float(np.mean(f1s)) if f1s else 0.0


def train(
    corpora: Sequence[Corpus], *, seed: int = SEED, digest: str, progress: Progress
) -> tuple[TaggerModel, list[LeftOut]]:
    """Left-out scores, thresholds from them, then the model fitted on everything."""
    examples = prepare([r for corpus in corpora for r in corpus.records])
    check_learnable(examples, ", ".join(corpus.name for corpus in corpora) or "training data")
    folds = leave_one_out(corpora, seed=seed, progress=progress)
    themes, danger = choose_thresholds(folds)
    quality = left_out_macro_f1(folds, themes)
    if quality < QUALITY_FLOOR:
        raise InvalidInput(
            f"left-out macro-F1 is {quality:.2f} (below {QUALITY_FLOOR}): the labels look "
            "corrupted or inconsistent; no model was written"
        )
    final = fit(examples, seed=seed, digest=digest, progress=progress)
    return with_thresholds(final, themes, danger), folds


def fits_needed(corpora: Sequence[Corpus]) -> int:
    """How many progress steps `train` takes, for its progress bar."""
    return (len(_splits(corpora, SEED)) + 1) * steps_per_fit()


def data_digest(paths: Sequence[Path]) -> str:
    """A hash of the training files' bytes, recorded in the model's metadata."""
    digest = hashlib.sha256()
    for corpus_path in paths:
        files = sorted(corpus_path.glob("*.jsonl")) if corpus_path.is_dir() else [corpus_path]
        for file in files:
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]
