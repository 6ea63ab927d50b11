"""tag_text: one free-text answer in, everything reports need out. Pure and synchronous.

Themes, sentiment and danger come from the learned model (learned.py); the cue rules and
TextBlob's polarity are its features, and the clause reading still gives each theme the
sentiment of the clauses about it. Order matters: redaction comes first, so the danger
check (in the worker), the model, sentiment and noun phrases only ever see redacted
text, and an emerging phrase can never be a name or a street. Non-English text is
redacted and checked for danger but not force-tagged: it is marked for human review.
The job that stores the result, the evaluation and `themes retag` all call this function.
"""

from __future__ import annotations

import bisect

import msgspec

from feedback.themes.cue_guard import possible_matches
from feedback.themes.danger_rules import danger_events
from feedback.themes.language import looks_english
from feedback.themes.learned import RuleFeatures, TaggerModel, load_model
from feedback.themes.redaction import redact
from feedback.themes.sentiment import (
    ClauseSentiment,
    label_for,
    score_clause,
    split_clauses,
)
from feedback.themes.taxonomy import ThemeCues, load_cues, taxonomy_fingerprint
from feedback.themes.textblob_offline import noun_phrases, tag_tokens, tokenize

__all__ = [
    "RULES_VERSION",
    "TaggedText",
    "ThemeMention",
    "rule_features",
    "tag_text",
    "tagger_version",
]

# Bump when the code's rules change (the data files and the model are hashed separately).
RULES_VERSION = 2
_SENTIMENT_ORDER = ("positive", "negative", "mixed", "neutral")


class ThemeMention(msgspec.Struct, frozen=True):
    """A theme and the sentiment of the clauses that mention it."""

    id: str
    sentiment: str
    polarity: float
    clauses: int


class TaggedText(msgspec.Struct, frozen=True):
    redacted_text: str
    themes: list[str]
    theme_mentions: list[ThemeMention]
    sentiment: str
    polarity: float
    subjectivity: float
    immediate_danger: bool
    danger_events: list[str]
    noun_phrases: list[str]
    emerging_phrases: list[str]
    needs_human_review: bool
    review_reason: str | None
    tagger_version: str


def tagger_version(model: TaggerModel | None = None) -> str:
    """Stored with every tag, so `retag` knows which responses an update would change."""
    version = (model or load_model()).version
    return f"{version}+rules-{RULES_VERSION}+{taxonomy_fingerprint()}"


def _normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def themes_by_clause(clauses: list[str], cues: ThemeCues) -> tuple[list[list[str]], set[str]]:
    """Theme ids per clause, and every word a cue matched (to tell emerging phrases).

    The clauses are joined once and each theme's cues scanned once over the whole text,
    matches being assigned to clauses by offset: 24 scans per answer, not 24 per clause.
    A theme none of whose match starts occurs at a word boundary of the text is not
    scanned at all (it could not match; see cue_guard).
    """
    lowered = [_normalise(clause) for clause in clauses]
    starts = []
    offset = 0
    for clause in lowered:
        starts.append(offset)
        offset += len(clause) + 1
    joined = "\n".join(lowered)
    themes: list[list[str]] = [[] for _ in clauses]
    matched_words: set[str] = set()
    possible = possible_matches(joined, cues.starts)
    for place, (theme_id, pattern) in enumerate(cues.patterns.items()):
        if not possible >> place & 1:
            continue
        for match in pattern.finditer(joined):
            index = bisect.bisect_right(starts, match.start()) - 1
            if theme_id not in themes[index]:
                themes[index].append(theme_id)
            matched_words.update(match.group().split())
    return themes, matched_words


def _mentions(
    clause_themes: list[list[str]], scores: list[ClauseSentiment], ids: list[str]
) -> list[ThemeMention]:
    """Per theme, the averaged polarity of its clauses and the label of that average; a
    theme the model found with no cue in any clause takes every clause."""
    mentions = []
    for theme_id in ids:
        polarities = [
            score.polarity
            for themes, score in zip(clause_themes, scores, strict=True)
            if theme_id in themes
        ] or [score.polarity for score in scores]
        if not polarities:
            continue
        labels = {label_for(p) for p in polarities}
        mean = sum(polarities) / len(polarities)
        label = "mixed" if {"positive", "negative"} <= labels else label_for(mean)
        mentions.append(ThemeMention(theme_id, label, round(mean, 4), len(polarities)))
    return mentions


def _not_tagged(
    redacted: str, events: list[str], reason: str | None, model: TaggerModel
) -> TaggedText:
    return TaggedText(
        redacted_text=redacted,
        themes=["safety"] if events else [],
        theme_mentions=[],
        sentiment="neutral",
        polarity=0.0,
        subjectivity=0.0,
        immediate_danger=bool(events),
        danger_events=events,
        noun_phrases=[],
        emerging_phrases=[],
        needs_human_review=reason is not None,
        review_reason=reason,
        tagger_version=tagger_version(model),
    )


def _danger(events: list[str], flagged: bool) -> list[str]:
    """The rule events found, for audit, or ["learned"] when only the model saw danger;
    empty when the model's danger score is under its recall-first threshold."""
    return (events or ["learned"]) if flagged else []


def rule_features(
    redacted: str, clauses: list[str], scores: list[ClauseSentiment], cues: ThemeCues
) -> tuple[RuleFeatures, list[list[str]], set[str]]:
    """What the cue rules find, for the model (training reads texts the same way), with
    the themes per clause and the words cues matched (for emerging phrases)."""
    clause_themes, cue_words = themes_by_clause(clauses, cues)
    rules = RuleFeatures(
        cue_themes=frozenset(t for themes in clause_themes for t in themes),
        events=tuple(danger_events(redacted)),
        clause_scores=tuple(scores),
    )
    return rules, clause_themes, cue_words


def tag_text(text: str, model: TaggerModel | None = None) -> TaggedText:
    """Redact, check for danger, then (for English) themes, sentiment and noun phrases."""
    model = model or load_model()
    redacted = redact(text)
    if (
        not redacted.strip()
        or not any(ch.isalpha() for ch in redacted)
        or not looks_english(redacted)
    ):
        events = danger_events(redacted)
        flagged = model.danger_probability(redacted, events) >= model.meta.danger_threshold
        reason = "not_english" if any(ch.isalpha() for ch in redacted) else None
        return _not_tagged(redacted, _danger(events, flagged), reason, model)

    cues = load_cues()
    clauses = split_clauses(redacted)
    clause_tokens = [tokenize(clause) for clause in clauses]
    scores = [score_clause(c, t) for c, t in zip(clauses, clause_tokens, strict=True)]
    rules, clause_themes, cue_words = rule_features(redacted, clauses, scores, cues)
    predicted = model.predict(redacted, rules)
    events = _danger(list(rules.events), predicted.danger)
    ids = list(predicted.themes)
    if events and "safety" not in ids:  # a current danger is always about safety
        ids.append("safety")

    all_tokens = [token for tokens in clause_tokens for token in tokens]
    phrases = list(dict.fromkeys(noun_phrases(tag_tokens(all_tokens))))
    emerging = [phrase for phrase in phrases if cue_words.isdisjoint(phrase.split())]
    rated = sum(score.rated for score in scores)
    subjectivity = sum(s.subjectivity * s.rated for s in scores) / rated if rated else 0.0
    polarity = sum(score.polarity for score in scores) / len(scores) if scores else 0.0
    return TaggedText(
        redacted_text=redacted,
        themes=ids,
        theme_mentions=_mentions(clause_themes, scores, ids),
        sentiment=predicted.sentiment,
        polarity=round(polarity, 4),
        subjectivity=round(subjectivity, 4),
        immediate_danger=bool(events),
        danger_events=events,
        noun_phrases=phrases,
        emerging_phrases=emerging,
        needs_human_review=False,
        review_reason=None,
        tagger_version=tagger_version(model),
    )
