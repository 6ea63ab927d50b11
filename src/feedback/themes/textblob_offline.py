"""TextBlob with no runtime downloads: Pattern components and our own tokenizer.

TextBlob's defaults (`.words`, `.tags`, `.noun_phrases`) need NLTK's punkt and brown
corpora, which cannot be fetched on these machines or in many council networks. What
ships its own data is Pattern's part: the sentiment lexicon (PatternAnalyzer) and the
tagger lexicon (PatternTagger). So this module supplies the rest: a regex tokenizer that
splits contractions the Treebank way ("didn't" -> "did", "n't", which Pattern's own
tokenizer mangles) and a noun-phrase extractor over Pattern's tags. Nothing here calls
a downloader or touches `nltk.data`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from textblob import TextBlob
from textblob.base import BaseNPExtractor, BaseTokenizer
from textblob.en import sentiment as _pattern_sentiment
from textblob.en import tag as _pattern_tag
from textblob.en.sentiments import PatternAnalyzer

__all__ = [
    "OfflineNPExtractor",
    "OfflineTokenizer",
    "noun_phrases",
    "offline_blob",
    "polarity_of",
    "tag_tokens",
    "tokenize",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(
    r"\[(?:email|phone|address|postcode|name)\]"  # redaction placeholders stay whole
    r"|\w+(?=n't\b)|n't\b"  # did|n't, ca|n't
    r"|'(?:s|m|re|ve|ll|d)\b"  # he|'s, I|'m
    r"|\w+(?:[-.]\w+)*"
    r"|[^\w\s]"
)

_NOUN = frozenset({"NN", "NNS", "NNP", "NNPS"})
_MODIFIER = frozenset({"JJ", "JJR", "JJS", "VBN", "VBG"})
# Words the tagger sometimes calls nouns that make poor phrases on their own.
_WEAK_NOUNS = _words(
    "thing things lot lots way time times bit everything anything something nothing "
    "nobody someone anyone everyone one ones day days week weeks people n't"
)


def tokenize(text: str) -> list[str]:
    """Words and punctuation, contractions split, curly apostrophes made plain."""
    return _TOKEN.findall(text.replace("\u2019", "'").replace("\u2018", "'"))


def tag_tokens(tokens: Sequence[str]) -> list[tuple[str, str]]:
    """Pattern's part-of-speech tags for already-split tokens (placeholders tagged NNP)."""
    if not tokens:
        return []
    safe = [token if not token.startswith("[") else "Placeholder" for token in tokens]
    tagged = _pattern_tag(" ".join(safe), tokenize=False)
    if len(tagged) != len(tokens):  # the tagger re-split something: keep its words
        return [(word, pos) for word, pos in tagged]
    return [(token, pos) for token, (_, pos) in zip(tokens, tagged, strict=True)]


def noun_phrases(tagged: Sequence[tuple[str, str]]) -> list[str]:
    """Lower-cased runs of modifiers and nouns ending in a noun, as TextBlob would list
    them: placeholders and lone weak nouns ("thing", "time") are left out."""
    phrases: list[str] = []
    run: list[tuple[str, str]] = []
    for word, pos in [*tagged, ("", "END")]:
        if (pos in _NOUN or pos in _MODIFIER) and not word.startswith("[") and word.isalpha():
            run.append((word.lower(), pos))
            continue
        while run and run[-1][1] not in _NOUN:
            run.pop()
        while run and run[0][1] in {"VBG", "VBN"}:
            run.pop(0)
        if run and not (len(run) == 1 and run[0][0] in _WEAK_NOUNS):
            phrases.append(" ".join(word for word, _ in run[-4:]))
        run = []
    return phrases


def polarity_of(tokens: Sequence[str]) -> tuple[float, float, int]:
    """Pattern's (polarity, subjectivity, number of rated words) for already-split tokens."""
    score = _pattern_sentiment([token.lower() for token in tokens])
    return score[0], score[1], len(score.assessments)


class OfflineTokenizer(BaseTokenizer):
    """A TextBlob tokenizer that needs no NLTK data."""

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)


class OfflineNPExtractor(BaseNPExtractor):
    """A TextBlob noun-phrase extractor over Pattern's tagger: no NLTK data."""

    def extract(self, text: str) -> list[str]:
        return noun_phrases(tag_tokens(tokenize(text)))


_TOKENIZER = OfflineTokenizer()
_EXTRACTOR = OfflineNPExtractor()
_ANALYZER = PatternAnalyzer()


def offline_blob(text: str) -> TextBlob:
    """A TextBlob whose sentiment and noun phrases work with no downloaded corpora."""
    return TextBlob(text, tokenizer=_TOKENIZER, np_extractor=_EXTRACTOR, analyzer=_ANALYZER)
