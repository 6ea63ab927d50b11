"""The learned tagger as it runs: plain arrays shipped in the package, read with numpy.

scikit-learn fits the models (training.py); what ships is their vocabulary, IDF weights,
coefficients and thresholds in one `.npz` file (`themes/data/tagger.npz`), loaded without
pickle, once per process. Scoring a text is a dictionary lookup per n-gram and one small
dot product, cheap enough for the intake danger check on the web tier. A missing or
corrupt file is a start-up error (`TaggerModelUnavailable`): tagging with no model, or with
silently different rules, would make reports and the help message mean something else.

Columns: word n-grams | character n-grams | theme cues | danger rule events | polarity.
Rows: one per theme (logistic), one for immediate danger (logistic), one per sentiment
class (multinomial). The danger row is trained on word n-grams and rule events only, so
intake scores it without character n-grams, the cue scan or TextBlob (a tenth of the cost).
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from typing import Any

import msgspec
import numpy as np
from numpy.typing import NDArray

from feedback.errors import FeedbackError
from feedback.themes.danger_rules import EVENT_NAMES, danger_events
from feedback.themes.features import char_grams, normalise, word_grams
from feedback.themes.sentiment import ClauseSentiment
from feedback.themes.taxonomy import load_cues

__all__ = [
    "FORMAT",
    "ModelMeta",
    "Prediction",
    "RuleFeatures",
    "TaggerModel",
    "TaggerModelUnavailable",
    "extra_features",
    "load_model",
    "model_path",
]

FORMAT = 1
_ARRAYS = ("word_terms", "word_idf", "char_terms", "char_idf", "coef", "intercept")
POLARITY_FEATURES = 3


class TaggerModelUnavailable(FeedbackError):
    """The shipped model file is missing or unreadable: run `feedback themes train`."""


class ModelMeta(msgspec.Struct, frozen=True):
    format: int
    theme_ids: list[str]
    sentiments: list[str]
    theme_thresholds: list[float]
    danger_threshold: float
    extra_scale: float
    seed: int
    data_digest: str
    records: int


class Prediction(msgspec.Struct, frozen=True):
    themes: list[str]
    sentiment: str
    danger: bool
    danger_probability: float


def model_path() -> Any:
    return resources.files("feedback.themes").joinpath("data", "tagger.npz")


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))


class RuleFeatures(msgspec.Struct, frozen=True):
    """What the hand-written rules found in a text: the model reads them as features."""

    cue_themes: frozenset[str] = frozenset()
    events: tuple[str, ...] = ()
    clause_scores: tuple[ClauseSentiment, ...] = ()


def extra_features(rules: RuleFeatures, theme_ids: Sequence[str]) -> NDArray[np.float32]:
    """Theme cues matched, danger events found, and the clause polarities (positive part,
    negative part, both present). At intake there are no cues or clause scores: zeros there,
    and the danger row does not read them."""
    scores = rules.clause_scores
    mean = sum(s.polarity for s in scores) / len(scores) if scores else 0.0
    labels = {s.label for s in scores}
    both = float({"positive", "negative"} <= labels)
    return np.array(
        [theme_id in rules.cue_themes for theme_id in theme_ids]
        + [name in rules.events for name in EVENT_NAMES]
        + [max(mean, 0.0), max(-mean, 0.0), both],
        dtype=np.float32,
    )


class TaggerModel:
    """Scores texts with the shipped arrays; equal bytes give equal tags."""

    def __init__(self, arrays: dict[str, NDArray[Any]], meta: ModelMeta) -> None:
        self.meta = meta
        self.arrays = arrays
        self.word_index = {str(term): i for i, term in enumerate(arrays["word_terms"])}
        offset = len(self.word_index)
        self.char_index = {str(term): offset + i for i, term in enumerate(arrays["char_terms"])}
        self.ngram_columns = offset + len(self.char_index)
        self.idf = np.concatenate([arrays["word_idf"], arrays["char_idf"]]).astype(np.float32)
        self.coef = arrays["coef"].astype(np.float32)
        # One contiguous row per feature: a text's few hundred features gather fast.
        self.coef_by_column = np.ascontiguousarray(self.coef.T)
        self.intercept = arrays["intercept"].astype(np.float32)
        self.themes = len(meta.theme_ids)
        self.danger_row = self.themes

    @functools.cached_property
    def digest(self) -> str:
        """A short hash of the artifact's bytes: part of the tagger version on every tag."""
        return hashlib.sha256(self.to_bytes()).hexdigest()[:12]

    @property
    def version(self) -> str:
        return f"learned-{self.digest}"

    def to_bytes(self) -> bytes:
        """The artifact: a compressed `.npz` (zip entries carry a fixed date, so the same
        arrays always give the same bytes)."""
        buffer = io.BytesIO()
        entries: dict[str, Any] = {name: self.arrays[name] for name in _ARRAYS}
        entries["meta"] = np.array(msgspec.json.encode(self.meta).decode())
        np.savez_compressed(buffer, **entries)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "model") -> TaggerModel:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
                arrays = {name: loaded[name] for name in _ARRAYS}
                meta = msgspec.json.decode(str(loaded["meta"]), type=ModelMeta)
        except Exception as error:  # any fault in the file is the same fault for us
            raise TaggerModelUnavailable(
                f"{source}: not a readable tagger model ({type(error).__name__}: {error}); "
                "run `feedback themes train`"
            ) from None
        model = cls(arrays, meta)
        model.check(source)
        model.__dict__["digest"] = hashlib.sha256(data).hexdigest()[:12]
        return model

    def check(self, source: str) -> None:
        rows = self.themes + 1 + len(self.meta.sentiments)
        expected = (rows, self.ngram_columns + self._extra_width())
        problems = [
            f"format {self.meta.format} (expected {FORMAT})" if self.meta.format != FORMAT else "",
            f"coefficients {self.coef.shape} (expected {expected})"
            if self.coef.shape != expected
            else "",
            "thresholds do not match the themes"
            if len(self.meta.theme_thresholds) != self.themes
            else "",
            "non-finite weights" if not np.isfinite(self.coef).all() else "",
            "theme ids differ from the taxonomy"
            if list(self.meta.theme_ids) != list(load_cues().patterns)
            else "",
        ]
        found = [p for p in problems if p]
        if found or self.intercept.shape != (rows,):
            raise TaggerModelUnavailable(
                f"{source}: tagger model does not fit this code: {'; '.join(found) or 'intercept'}"
                "; run `feedback themes train`"
            )

    def _extra_width(self) -> int:
        return self.themes + len(EVENT_NAMES) + POLARITY_FEATURES

    def _block(
        self, grams: list[str], index: dict[str, int], idf: NDArray[np.float32]
    ) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """Sublinear TF-IDF, L2-normalised per block: what TfidfVectorizer computes."""
        counts = Counter(grams)
        hits = list(counts.keys() & index.keys())
        columns = np.fromiter(map(index.__getitem__, hits), dtype=np.intp, count=len(hits))
        order = np.argsort(columns)  # set order varies between processes; sums must not
        columns = columns[order]
        tf = np.fromiter(map(counts.__getitem__, hits), dtype=np.float32, count=len(hits))
        values = (1.0 + np.log(tf[order])) * idf[columns]
        norm = np.float32(np.sqrt(values @ values) or 1.0)
        return columns, (values / norm).astype(np.float32)

    def vector(
        self, redacted: str, rules: RuleFeatures, chars: bool = True
    ) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """The text's non-zero features as (columns, values); `chars=False` leaves out the
        character n-grams, which the danger row does not read."""
        lowered = normalise(redacted)
        parts = [self._block(word_grams(lowered), self.word_index, self.idf)]
        if chars:
            parts.append(self._block(char_grams(lowered), self.char_index, self.idf))
        extras = extra_features(rules, self.meta.theme_ids) * self.meta.extra_scale
        extra_cols = np.flatnonzero(extras)
        parts.append((extra_cols + self.ngram_columns, extras[extra_cols]))
        return (
            np.concatenate([columns for columns, _ in parts]),
            np.concatenate([values for _, values in parts]).astype(np.float32),
        )

    def raw_scores(self, redacted: str, rules: RuleFeatures) -> NDArray[np.float32]:
        """Every row's decision value for the text (before sigmoid or softmax)."""
        columns, values = self.vector(redacted, rules)
        return values @ self.coef_by_column[columns] + self.intercept

    @functools.cached_property
    def _danger_words(self) -> dict[str, tuple[float, float]]:
        """Word n-gram -> (IDF, danger weight), for the intake check in plain Python (for
        a few dozen features numpy's call overhead costs more than the arithmetic)."""
        row = self.coef[self.danger_row].tolist()
        idf = self.idf.tolist()
        return {term: (idf[i], row[i]) for term, i in self.word_index.items() if row[i]}

    def danger_probability(self, redacted: str, events: Sequence[str] | None = None) -> float:
        """The danger row alone, on word n-grams and rule events: the cheap intake check.
        Equal to the row of `raw_scores` up to float rounding."""
        found = danger_events(redacted) if events is None else events
        weights = self._danger_words
        dot = squares = 0.0
        for gram, count in Counter(word_grams(normalise(redacted))).items():
            if gram in weights:
                idf, weight = weights[gram]
                value = (1.0 + math.log(count)) * idf
                dot += value * weight
                squares += value * value
        score = dot / math.sqrt(squares) if squares else 0.0
        events_at = self.ngram_columns + self.themes
        row = self.danger_row
        scale = self.meta.extra_scale
        for name in found:
            score += scale * float(self.coef[row, events_at + EVENT_NAMES.index(name)])
        return _sigmoid(score + float(self.intercept[row]))

    def decide(self, scores: NDArray[np.float32]) -> Prediction:
        """Thresholds and arg-max over the raw scores."""
        theme_p = [_sigmoid(float(v)) for v in scores[: self.themes]]
        themes = [
            theme_id
            for theme_id, p, t in zip(
                self.meta.theme_ids, theme_p, self.meta.theme_thresholds, strict=True
            )
            if p >= t
        ]
        danger_p = _sigmoid(float(scores[self.danger_row]))
        sentiment_scores = scores[self.danger_row + 1 :]
        return Prediction(
            themes=themes,
            sentiment=self.meta.sentiments[int(np.argmax(sentiment_scores))],
            danger=danger_p >= self.meta.danger_threshold,
            danger_probability=round(danger_p, 4),
        )

    def predict(self, redacted: str, rules: RuleFeatures) -> Prediction:
        return self.decide(self.raw_scores(redacted, rules))


@functools.cache
def load_model() -> TaggerModel:
    """The shipped model, read and checked once per process."""
    path = model_path()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TaggerModelUnavailable(
            f"{path}: tagger model missing ({error.strerror}); run `feedback themes train`"
        ) from None
    return TaggerModel.from_bytes(data, str(path))
