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
from feedback.themes.features import normalise, word_char_grams, word_grams
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

FORMAT = 3  # 2: character n-grams as per-word profiles; 3: terms as UTF-8 lines
_TERMS = ("word_terms", "char_terms")  # n-grams never hold a line break
_ARRAYS = ("word_terms", "word_idf", "char_terms", "char_idf", "coef", "intercept")
POLARITY_FEATURES = 3
_EVENT_PLACE = {name: place for place, name in enumerate(EVENT_NAMES)}
_PROFILE_CACHE_WORDS = 20_000


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


def _logit(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log(probability / (1.0 - probability))


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))


class RuleFeatures(msgspec.Struct, frozen=True):
    """What the hand-written rules found in a text: the model reads them as features."""

    cue_themes: frozenset[str] = frozenset()
    events: tuple[str, ...] = ()
    clause_scores: tuple[ClauseSentiment, ...] = ()


def extra_features(rules: RuleFeatures, theme_ids: Sequence[str]) -> list[tuple[int, float]]:
    """The non-zero extra features as (place in the extra block, value): theme cues
    matched, danger events found, and the clause polarities (positive part, negative
    part, both present). At intake there are no cues or clause scores, and the danger
    row does not read them."""
    found = [
        (place, 1.0) for place, theme_id in enumerate(theme_ids) if theme_id in rules.cue_themes
    ]
    events_at = len(theme_ids)
    found += [(events_at + _EVENT_PLACE[name], 1.0) for name in sorted(set(rules.events))]
    scores = rules.clause_scores
    if not scores:
        return found
    mean = sum(s.polarity for s in scores) / len(scores)
    both = {"positive", "negative"} <= {s.label for s in scores}
    polarity = [max(mean, 0.0), max(-mean, 0.0), float(both)]
    polarity_at = events_at + len(EVENT_NAMES)
    return found + [(polarity_at + i, value) for i, value in enumerate(polarity) if value]


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
        self._idf_list: list[float] = self.idf.tolist()
        self._profile_rows: dict[str, int] = {}
        self._profile_scores = np.zeros((_PROFILE_CACHE_WORDS, len(self.intercept)), np.float32)
        # p >= t exactly when the raw score >= log(t / (1 - t)): no sigmoid per theme.
        self._theme_logits = [_logit(t) for t in meta.theme_thresholds]
        self._profiles: dict[
            str, tuple[NDArray[np.intp], NDArray[np.float32], NDArray[np.float32]]
        ] = {}

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
        for name in _TERMS:  # one UTF-8 text a line: a third of fixed-width unicode
            entries[name] = np.frombuffer("\n".join(entries[name]).encode(), dtype=np.uint8)
        entries["meta"] = np.array(msgspec.json.encode(self.meta).decode())
        np.savez_compressed(buffer, **entries)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "model") -> TaggerModel:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
                arrays = {name: loaded[name] for name in _ARRAYS}
                for name in _TERMS:
                    text = arrays[name].tobytes().decode()
                    arrays[name] = np.array(text.split("\n") if text else [], dtype=str)
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

    def _weighted(
        self, columns: NDArray[np.intp], counts: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        """Sublinear TF-IDF, L2-normalised per block: what TfidfVectorizer computes."""
        values = (1.0 + np.log(counts)) * self.idf[columns]
        norm = np.float32(np.sqrt(values @ values) or 1.0)
        return (values / norm).astype(np.float32)

    def _word_block(self, lowered: str) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        index = self.word_index
        found = Counter(gram for gram in word_grams(lowered) if gram in index)
        columns = np.fromiter(map(index.__getitem__, found), dtype=np.intp, count=len(found))
        counts = np.fromiter(found.values(), dtype=np.float32, count=len(found))
        order = np.argsort(columns)  # dict order follows the text; sums must not
        return columns[order], self._weighted(columns[order], counts[order])

    def _word_profile(
        self, word: str
    ) -> tuple[NDArray[np.intp], NDArray[np.float32], NDArray[np.float32]]:
        """One word's character n-gram TF-IDF, L2-normalised, and its score on every row.

        Remembered per word (a bounded cache, emptied when full): the same few thousand
        words make up most answers, and cutting a word into grams is the costliest step
        of scoring, so a text's character part costs a lookup and a sum per word."""
        cached = self._profiles.get(word)
        if cached is None:
            index = self.char_index
            found = Counter(gram for gram in word_char_grams(word) if gram in index)
            columns = np.fromiter(map(index.__getitem__, found), dtype=np.intp, count=len(found))
            counts = np.fromiter(found.values(), dtype=np.float32, count=len(found))
            order = np.argsort(columns)
            columns = columns[order]
            values = self._weighted(columns, counts[order])
            cached = (columns, values, values @ self.coef_by_column[columns])
            if len(self._profiles) >= _PROFILE_CACHE_WORDS:
                self._profiles.clear()
            self._profiles[word] = cached
        return cached

    def _char_block(self, lowered: str) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """The character part as explicit features: the sum of the words' profiles over
        the square root of the number of words (about unit length whatever the text's
        length). Training reads this; tagging sums the cached scores instead (same value)."""
        profiles = [self._word_profile(word) for word in lowered.split()]
        if not profiles:
            return np.zeros(0, np.intp), np.zeros(0, np.float32)
        columns, inverse = np.unique(np.concatenate([p[0] for p in profiles]), return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate([p[1] for p in profiles]))
        return columns, (summed / math.sqrt(len(profiles))).astype(np.float32)

    def _char_scores(self, lowered: str) -> NDArray[np.float32]:
        """What the character part adds to every row: the cached word scores summed."""
        words = lowered.split()
        if not words:
            return np.zeros(len(self.intercept), np.float32)
        rows = self._profile_rows
        cached = [rows.get(word) for word in words]
        found = [row for row in cached if row is not None]
        if len(found) < len(words):
            if len(rows) + len(words) > _PROFILE_CACHE_WORDS:
                rows.clear()  # bounded: start again rather than grow
            if len(words) > _PROFILE_CACHE_WORDS:  # a text longer than the cache itself
                total = np.add.reduce([self._word_profile(word)[2] for word in words])
                return total / np.float32(math.sqrt(len(words)))
            found = [self._profile_row(word) for word in words]
        total = self._profile_scores.take(found, axis=0).sum(axis=0)
        return total / np.float32(math.sqrt(len(words)))

    def _profile_row(self, word: str) -> int:
        """The row of `_profile_scores` holding the word's scores (filled on first use)."""
        row = self._profile_rows.get(word)
        if row is None:
            row = len(self._profile_rows)
            self._profile_scores[row] = self._word_profile(word)[2]
            self._profile_rows[word] = row
        return row

    def vector(
        self, redacted: str, rules: RuleFeatures, chars: bool = True
    ) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """The text's non-zero features as (columns, values); `chars=False` leaves out the
        character n-grams, which the danger row does not read."""
        lowered = normalise(redacted)
        parts = [self._word_block(lowered)]
        if chars:
            parts.append(self._char_block(lowered))
        extra_columns, extra_values = self._extra_block(rules)
        parts.append((np.array(extra_columns, np.intp), np.array(extra_values, np.float32)))
        return (
            np.concatenate([columns for columns, _ in parts]),
            np.concatenate([values for _, values in parts]).astype(np.float32),
        )

    def _extra_block(self, rules: RuleFeatures) -> tuple[list[int], list[float]]:
        found = extra_features(rules, self.meta.theme_ids)
        scale = self.meta.extra_scale
        return [self.ngram_columns + p for p, _ in found], [v * scale for _, v in found]

    def raw_scores(self, redacted: str, rules: RuleFeatures) -> NDArray[np.float32]:
        """Every row's decision value for the text (before sigmoid or softmax): the same
        as `vector` times the coefficients up to float rounding, computed the quick way
        (plain Python for the few dozen word features, cached word scores for the
        character part), as tagging runs it for every answer."""
        lowered = normalise(redacted)
        index, idf = self.word_index, self._idf_list
        columns: list[int] = []
        values: list[float] = []
        for gram, count in Counter(word_grams(lowered)).items():
            column = index.get(gram)
            if column is not None:
                columns.append(column)
                # 1 + log(1) is exactly 1: most grams occur once, and need no logarithm
                weight = idf[column]
                values.append(weight if count == 1 else (1.0 + math.log(count)) * weight)
        norm = math.sqrt(sum([v * v for v in values])) or 1.0
        values = [v / norm for v in values]
        extra_columns, extra_values = self._extra_block(rules)
        columns.extend(extra_columns)
        values.extend(extra_values)
        by_column = self.coef_by_column.take(columns, axis=0)  # the same rows, gathered faster
        scores = np.array(values, dtype=np.float32) @ by_column
        return scores + self._char_scores(lowered) + self.intercept

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
        values = scores.tolist()  # a few dozen numbers: plain floats beat numpy calls
        themes = [
            theme_id
            for theme_id, value, cut in zip(
                self.meta.theme_ids, values, self._theme_logits, strict=False
            )
            if value >= cut
        ]
        danger_p = _sigmoid(values[self.danger_row])
        sentiment_scores = values[self.danger_row + 1 :]
        best = max(range(len(sentiment_scores)), key=sentiment_scores.__getitem__)
        return Prediction(
            themes=themes,
            sentiment=self.meta.sentiments[best],
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
