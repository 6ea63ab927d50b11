"""A cheap check that a text is English, so other languages go to a person, not to rules.

The theme cues, danger rules and sentiment lexicon are English; forcing them onto Spanish
or Bengali text gives confident nonsense. Two signals, no model: the share of letters
outside the Latin script, and English function words against those of the languages
most often spoken by survivors in these boroughs. Short texts with no evidence either
way are treated as English ("ok", "no comment"), because they carry no themes anyway.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["looks_english"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENGLISH = _words(
    "the a an and or but of to in on at for with from by is are was were be been being "
    "i me my we our you your he she him her his they them their it its this that these those "
    "not no never very so too what when where who why how there here have has had do does did "
    "can could will would should about after before because if just only more most some any "
    "all felt feel help helped service support staff worker"
)
# Function words of other languages that are not also English words.
_OTHER = _words(
    # Spanish, Portuguese, Italian
    "el la los las del por para muy pero como que con sin una uno es está estaba fue "
    "ayuda gracias servicio bien mal nos les mucho nada porque cuando donde também não "
    "uma muito obrigado obrigada ajuda você ele ela estava il della che sono molto grazie "
    # French, German
    "le les des du et est une pas pour avec dans je suis très merci aide ils elle nous vous "
    "der die das und ist nicht ich sie mit für sehr danke hilfe auch "
    # Polish, Romanian, Lithuanian
    "jest nie się na że było bardzo dziękuję pomoc jak ale ja mi ei sunt și foarte mulțumesc "
    "ajutor nu ačiū labai ir"
    # Somali, Turkish
    " waa iyo ayaa aad waxaa ma ku bir ve çok teşekkürler yardım değil"
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _non_latin_share(text: str) -> float:
    if text.isascii():
        return 0.0
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    foreign = sum(1 for ch in letters if "LATIN" not in unicodedata.name(ch, "LATIN"))
    return foreign / len(letters)


def looks_english(text: str) -> bool:
    """False when the text is mostly in another script, or its function words are foreign."""
    if _non_latin_share(text) > 0.3:
        return False
    # Lower-casing ASCII first finds the same words (case does not move a word boundary).
    words = (
        _WORD.findall(text.lower())
        if text.isascii()
        else [word.lower() for word in _WORD.findall(text)]
    )
    if not words:
        return True
    english = sum(map(_ENGLISH.__contains__, words))
    other = sum(map(_OTHER.__contains__, words))
    if other > english:
        return False
    return not (len(words) >= 4 and english / len(words) < 0.1)
