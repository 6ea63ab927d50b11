"""Sentiment of feedback: Pattern's lexicon, plus the words that carry it in services.

Pattern's lexicon rates adjectives ("excellent", "rude") and misses how people describe a
service: "nobody called me back", "I had to wait", "they listened". A small lexicon of such
service words adds to Pattern's score, and a negator shortly before one flips it ("didn't
listen", "never had to wait"). Sentiment is read per clause, split at sentence ends and
at "but"/"although", so a report can keep the sentiment of the clauses mentioning each
theme, and a text with a clearly positive and a clearly negative clause is "mixed".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from feedback.themes.textblob_offline import polarity_of

__all__ = ["ClauseSentiment", "label_for", "overall_label", "split_clauses", "score_clause"]

_POSITIVE = re.compile(
    r"\b(?:help(?:ed|ful|s)|lifeline|(?:made|makes) (?:all )?(?:the|a) (?:\w+ )?difference"
    r"|listened|believed|believe me|supported|understood|respected|reassur\w*|safer|safe"
    r"|thank\w*|grateful|kind|kindness|patient|caring|quick(?:ly)?|straight away|same day"
    r"|easy|useful|settled|less alone|cope|in control|confidential|arranged"
    r"|coordinated|explained|kept me (?:updated|informed|posted)|on my side|felt heard"
    r"|(?:free|good|great) (?:advice|support|help)|empowered|calm|comfortable|safety plan"
    r"|(?:i|we) know what to do|(?:found|find|finding) (?:the|a|this|your|their) (?:service|help)"
    r"|how i found|(?:hear|heard) back|called (?:me )?back|let me (?:decide|choose)"
    r"|my (?:own )?pace|there for me|(?:my|our) life back"
    r"|(?:got|gave|found|sorted|organised|fitted|arranged) (?:out )?(?:me|us|her|him|my|our|a|an)"
    r")\b"
)
_NEGATIVE = re.compile(
    r"\b(?:wait(?:ed|ing)?|delay\w*|too (?:long|short|slow|far|late)|far too|nobody|no one"
    r"|noone|nothing|left (?:on my own|alone)|ignored|rude|dismissive|pressur\w*"
    r"|without (?:asking|telling|consent)|nightmare|terrif\w*|scared|afraid|frightened"
    r"|risk|fault|blam\w*|judg(?:ed|ing)|had to (?:repeat|tell|explain|chase)|repeat"
    r"|no (?:follow|interpreter|services?|idea|real|help|support|consequences|recourse)"
    r"|homeless|worse|worried|worry|struggl\w*|let down|failed|lost|dropped|hiding"
    r"|kill|threat\w*|locked|kicked|walked away|miles away|intentionally|only found"
    r"|ended|stopped|harass\w*|hurt|abus\w*|unsafe|danger\w*|useless|awful|horrible"
    r"|took (?:\w+ ){0,3}(?:hours|days|weeks|months|ages|years|forever|too long)|judging"
    r"|interested in|(?:could|can|would) only|heard everything"
    r"|(?:didn't|did not|don't|do not) meet (?:the )?(?:threshold|criteria)"
    r"|(?:everyone|neighbours) (?:knows|knew|heard|found out)|never heard (?:of|back)"
    r"|for (?:weeks|months|ages|years)|(?:weeks|months|hours|days|years) (?:before|until)"
    r"|(?:without|no) (?:my )?(?:permission|consent)"
    r"|(?:couldn't|could not|can't|cannot) (?:get|access|reach|find|use)|lock(?:s|ing)? (?:me|us)"
    r"|turn(?:s|ed|ing)? up|follow(?:s|ed|ing) me|stalk\w*)\b"
)
_NEGATOR = re.compile(
    r"(?:\bnot|n't|\bnever|\bno one|\bnoone|\bno|\bwithout|\bhardly|\bbarely|\bnobody)\b"
)
# Words about the abuse itself rather than the service: a clause negative only through
# them ("I was scared", "he threatened me") does not make praise that follows "mixed".
_SITUATION = re.compile(
    r"\b(?:scared|afraid|frightened|worried|worry|threat\w*|kill|hurt|abus\w*|locked|kicked"
    r"|hiding|danger\w*|unsafe|lock(?:s|ing)? (?:me|us)|turn(?:s|ed|ing)? up|follow(?:s|ed|ing) me"
    r"|stalk\w*)\b"
)
# A suggestion or a need states no verdict: Pattern's praise of "more" or "most" in
# "there should be more campaigns" is not satisfaction, so only service words count there.
_SUGGESTION = re.compile(
    r"\b(?:should|shouldn't|need to|needs to|would help|would be|it would|wish|what i needed"
    r"|i needed|we needed"
    r"|i need|we need|could do with|i want|we want|i'd like|would like)\b"
)
_CLAUSE_BREAK = re.compile(
    r"(?<=[.!?;])\s+|\n+|,?\s+(?=(?i:but|although|though|however|whereas|whilst)\b)"
)
_DOMAIN_WEIGHT = 0.5
_THRESHOLD = 0.08


class ClauseSentiment(msgspec.Struct, frozen=True):
    text: str
    polarity: float
    subjectivity: float
    label: str
    situational: bool = False
    rated: int = 0


def split_clauses(text: str) -> list[str]:
    """Clauses of the text: split after sentence ends and before contrasting conjunctions."""
    return [clause for clause in _CLAUSE_BREAK.split(text) if clause and not clause.isspace()]


def _domain_score(lowered: str, suggestion: bool) -> tuple[float, bool]:
    """+1 per positive service word, -1 per negative one, flipped when a negator sits in
    the three words before it and after the previous service word ("didn't listen", but
    not "for weeks" in "didn't hear back for weeks"); also whether every negative word
    was about the abuse itself (see _SITUATION). In a suggestion, words about the abuse
    are its topic ("talk about abuse"), not a verdict, so they do not count."""
    matches = sorted(
        [(m.start(), m.end(), m.group(), 1.0) for m in _POSITIVE.finditer(lowered)]
        + [(m.start(), m.end(), m.group(), -1.0) for m in _NEGATIVE.finditer(lowered)]
    )
    score = 0.0
    situational = True
    previous_end = 0
    for start, end, words, sign in matches:
        about_abuse = bool(_SITUATION.fullmatch(words))
        before = lowered[min(previous_end, start) : start].split()[-3:]
        if not _NEGATOR.fullmatch(words):  # "nobody" still negates what follows it
            previous_end = max(previous_end, end)
        if suggestion and about_abuse:
            continue
        value = -sign if _NEGATOR.search(" ".join(before)) else sign
        if value < 0 and not about_abuse:
            situational = False
        score += value
    return max(-2.0, min(2.0, score)), situational


def label_for(polarity: float) -> str:
    if polarity > _THRESHOLD:
        return "positive"
    if polarity < -_THRESHOLD:
        return "negative"
    return "neutral"


def score_clause(text: str, tokens: Sequence[str]) -> ClauseSentiment:
    """Pattern's polarity of the clause's tokens (none for a suggestion) plus the weighted
    service-word score of its lower-cased text."""
    lowered = text.lower().replace("\u2019", "'")
    polarity, subjectivity, rated = polarity_of(tokens)
    suggestion = bool(_SUGGESTION.search(lowered))
    if suggestion:
        polarity = 0.0
    domain, situational = _domain_score(lowered, suggestion)
    combined = max(-1.0, min(1.0, polarity + _DOMAIN_WEIGHT * domain))
    return ClauseSentiment(
        text=text,
        polarity=combined,
        subjectivity=subjectivity,
        label=label_for(combined),
        situational=situational and polarity >= 0,
        rated=rated,
    )


def overall_label(clauses: Sequence[ClauseSentiment]) -> str:
    """Mixed when one clause is clearly positive and another clearly negative about the
    service; praise after a clause that only describes the abuse ("I was scared, but they
    made me feel safe") stays positive. Otherwise the sign of the summed polarities."""
    labels = {clause.label for clause in clauses}
    if {"positive", "negative"} <= labels:
        negatives = [clause for clause in clauses if clause.label == "negative"]
        if all(clause.situational for clause in negatives):
            return "positive"
        return "mixed"
    return label_for(sum(clause.polarity for clause in clauses))
