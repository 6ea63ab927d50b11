"""The text features the learned tagger reads: word 1-2 grams and character 2-5 grams.

One function makes them for training (through scikit-learn) and for tagging (through the
shipped arrays), so the two can never disagree about what a feature is. Character n-grams
inside word boundaries carry text-speak, typos and word forms ("threatnd", "pls", "kids'")
that word features miss; word pairs carry negation and time ("not safe", "right now").
"""

from __future__ import annotations

import re

__all__ = ["CHAR_RANGE", "WORD_RANGE", "char_grams", "normalise", "word_char_grams", "word_grams"]

WORD_RANGE = (1, 2)
CHAR_RANGE = (2, 5)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Lower case with one kind of apostrophe: phones and keyboards type different ones."""
    return text.translate(_QUOTES).lower()


def word_grams(text: str) -> list[str]:
    """Word n-grams of normalised text; digits count as words (placeholders stay words)."""
    words = _WORD.findall(text)
    low, high = WORD_RANGE
    grams: list[str] = []
    for size in range(low, high + 1):
        # zip of shifted lists: each run of `size` words, without slicing at every word
        shifted = (words[shift:] for shift in range(size))
        grams.extend(map(" ".join, zip(*shifted, strict=False)))
    return grams


def word_char_grams(word: str) -> list[str]:
    """Character n-grams of one space-padded word: a text's are the union of its words'
    (so tagging can reuse a word's grams, learned.py)."""
    low, high = CHAR_RANGE
    padded = f" {word} "
    length = len(padded)
    grams: list[str] = []
    for size in range(low, min(high, length) + 1):
        grams += [padded[i : i + size] for i in range(length - size + 1)]
    return grams


def char_grams(text: str) -> list[str]:
    """Character n-grams inside each space-padded word (scikit-learn's `char_wb`)."""
    grams: list[str] = []
    for word in text.split():
        grams += word_char_grams(word)
    return grams
