"""The one list of words that say what this service is about, and the checks that keep
them out of every text a respondent carries away (texts, printed cards, link lists).

A phone may be read by the person who hurts its owner, and a card may be found in a
pocket (Refuge's tech-safety advice: assume anything on the phone is read). Web pages
vanish when she leaves; a text or a card stays. So each place where a lasting text is
configured or composed asks `subject_word(text)` and refuses what names the subject, a
service or a survey. Matching is generous on purpose (case, spacing, word endings): a
false alarm costs an operator one rewording, a miss can cost a survivor her safety.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

__all__ = ["SUBJECT_WORDS", "neutral_draw", "subject_word"]

# English words and phrases first, then the draft translations' own words (ar, pl), so
# a lasting text in any supported language is held to the same list.
SUBJECT_WORDS: tuple[str, ...] = (
    "abuse",
    "abusive",
    "domestic",
    "violence",
    "violent",
    "refuge",
    "rape",
    "assault",
    "stalking",
    "stalker",
    "harassment",
    "FGM",
    "female genital mutilation",
    "forced marriage",
    "honour",
    "honor",
    "trafficking",
    "exploitation",
    "coercive",
    "IDVA",
    "ISVA",
    "MARAC",
    "VAWG",
    "perpetrator",
    "survivor",
    "victim",
    "safeguarding",
    "przemoc",
    "przemocy",
    "znęcanie",
    "gwałt",
    "schronisko",
    "nękanie",
    "عنف",
    "إساءة",
    "اغتصاب",
    "ملجأ",
    "تحرش",
    "الناجيات",
)


def _source(word: str) -> str:
    """A word matches at the start of a word and takes any ending ("abused", "refuges",
    "domesticabuse.org"); a phrase matches across any spacing or dashes. Arabic words
    match anywhere, because Arabic joins "and" and "the" to the word itself."""
    body = r"[\s\-_.]*".join(re.escape(part) for part in word.split())
    if any("\u0600" <= ch <= "\u06ff" for ch in word):
        return body
    return r"(?<![^\W\d_])" + body


@lru_cache(maxsize=512)
def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(_source(word), re.IGNORECASE)


# One scan for the whole fixed list: tokens and codes are checked as they are drawn.
_ANY_LISTED = re.compile("|".join(f"(?:{_source(w)})" for w in SUBJECT_WORDS), re.IGNORECASE)


# Words too common to give anything away: a name made only of them ("Your feedback",
# "Own Service") says nothing about the subject, so it is not held against a text.
_EVERYDAY = (
    "a an and the of for to in on at by with your our my we you us how did do was what "
    "feedback survey service services support team project centre center people young "
    "satisfaction consultation questionnaire opinion views view experience round "
    "autumn spring summer winter own other new"
)
EVERYDAY_WORDS = frozenset(_EVERYDAY.split())


def _telling(name: str) -> bool:
    words = [word for word in re.split(r"[^\w]+", name.lower()) if word and not word.isdigit()]
    return any(word not in EVERYDAY_WORDS for word in words)


def subject_word(text: str, extra: Iterable[str] = ()) -> str | None:
    """The first listed word, or `extra` name (a service, a survey title) with at least one
    telling word, that `text` contains; None when the text is neutral."""
    if _ANY_LISTED.search(text):
        return next(word for word in SUBJECT_WORDS if _pattern(word).search(text))
    names = (name.strip() for name in extra)
    return next(
        (name for name in names if name and _telling(name) and _pattern(name).search(text)),
        None,
    )


def neutral_draw(draw: Callable[[], str]) -> str:
    """Draw random tokens or codes until one spells no listed word: a code on a card or in
    a text could otherwise read RAPE or FGM by chance (a few draws in ten thousand)."""
    while True:
        drawn = draw()
        if not _ANY_LISTED.search(drawn):
            return drawn
