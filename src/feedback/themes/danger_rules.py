"""Immediate-danger cue rules: does this text say the writer (or a child) is in danger *now*?

A flag shows emergency help on the spot; the platform never follows up, so a missed flag
costs more than an extra help message. Feedback, though, is mostly about the past, and a
help banner over every story of past abuse would drown the real alarms. So each rule
pairs a danger *event* (a threat to kill, being locked in, the abuser at the door) with
the *time frame* of the clause it sits in, read from tense and time words rather than from
a list of sentences: "he is outside now" is current, "he used to threaten me" is past,
"if he ever came back" is hypothetical. These rules were fitted to the development set and miss
danger written indirectly, so they are no longer the check itself: each event is a
feature of the learned danger model (danger.py, learned.py), and its name is kept for audit.
"""

from __future__ import annotations

import re

__all__ = ["EVENT_NAMES", "danger_events"]

_WHO = r"(?:he|she|they|my ex|ex|my partner|my husband|my wife|the abuser|my dad|my father)"

_EVENTS: dict[str, re.Pattern[str]] = {
    # Threats to kill or seriously hurt the writer, a child or the writer themself.
    "threat_to_life": re.compile(
        r"\b(?:kill|murder|stab|strangle|choke|shoot|burn|hurt|beat|batter|attack|rape)"
        r"(?:s|ing)?\s+(?:me|us|you|her|him|myself|them|my (?:kids|children|baby|son|daughter)"
        r"|the (?:kids|children|baby))\b"
        r"|\b(?:end (?:my life|it all)|take my (?:own )?life|suicidal)\b"
    ),
    # Threats in general count when they are ongoing ("still threatens me").
    "threat": re.compile(
        rf"\b{_WHO}(?:'s| is| are| keeps)? (?:still )?threaten(?:s|ing)\b"
        r"|\bthreatening (?:me|messages|texts|calls|voicemails)\b"
    ),
    # Being confined: locked in, not allowed out, trapped.
    "confined": re.compile(
        r"\block(?:s|ed|ing)? (?:me|us|the kids|the children)\b|\blocked (?:in|inside|up)\b"
        r"|\btrapped\b|\bcan't (?:get out|leave|escape)\b"
        r"|\b(?:won't|will not|doesn't|does not) let (?:me|us) (?:leave|out|go)\b"
        r"|\bnot letting (?:me|us) (?:leave|out|go)\b|\bkeeping me (?:in|inside|prisoner)\b"
    ),
    # The abuser present, arriving or breaking in.
    "abuser_present": re.compile(
        rf"\b{_WHO}(?:'s| is| are|'re) (?:here|outside|at the (?:door|window)|downstairs"
        r"|in the (?:house|flat|building)|on (?:his|her|their) way|coming|banging|kicking"
        r"|trying to get in|breaking in|following me|watching (?:me|the house))"
        r"|\boutside (?:my|the|our) (?:house|flat|door|window|home|school|work|building)\b"
        r"|\bat (?:my|the|our) (?:door|front door|window)\b|\bbanging on\b"
        r"|\bkick(?:s|ed|ing)? (?:the|my|our) (?:door|window) (?:in|down)\b"
        r"|\b(?:breaking|broken|broke) in\b|\bsmash(?:ed|ing)? (?:the|my) (?:door|window)s?\b"
        r"|\b(?:turned|turning) up (?:at|outside)\b|\bfollow(?:ed|ing) me home\b"
    ),
    "weapon": re.compile(r"\b(?:knife|knives|gun|weapon|machete)\b"),
    "hiding": re.compile(r"\b(?:i'm|i am|we're|we are) hiding\b|\bhiding (?:in|from|under)\b"),
    "not_safe_now": re.compile(
        r"\b(?:i'm|i am|we're|we are|i feel|my (?:kids|children) are) "
        r"(?:in danger|not safe|unsafe)\b"
    ),
    # Forced marriage, FGM or abduction of a child.
    "taken_or_cut": re.compile(
        r"\b(?:take|taking|takes|send|sending) (?:me|my (?:kids|children|baby|son|daughter)"
        r"|the (?:kids|children|baby)) (?:abroad|away|out of the country)\b"
        r"|\b(?:forc\w+|make|making) (?:me|her) (?:to )?marry\b|\bcut (?:me|her|my daughter)\b"
    ),
}

EVENT_NAMES = tuple(_EVENTS)

# Any event at all, one scan of the text (the patterns carry no flags or numbered groups).
_ANY_EVENT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in _EVENTS.values()))

# A negated event is no event: "he can't hurt me now", "he is not outside any more".
_NEGATED = re.compile(r"\b(?:can't|cannot|couldn't|won't|doesn't|didn't|never|no longer|not)\W+$")
_NEGATION_EXEMPT = frozenset({"confined", "not_safe_now"})

# Time words that place the clause now or in the next hours. "Last night" and "yesterday"
# count: a threat to kill made hours ago is a current danger.
_NOW = re.compile(
    r"\b(?:right now|now|tonight|today|at the moment|currently|still|just|again|any minute"
    r"|as i (?:write|type|speak)|this (?:morning|afternoon|evening|week)|last night|yesterday"
    r"|soon|when (?:he|she|they) (?:gets?|comes?) (?:home|back))\b"
)
# Present or future verb forms: the event is happening or promised.
_PRESENT = re.compile(
    r"\b(?:is|are|am|keeps?|will|going to|gonna|has|have got|has got|won't|can't|cannot"
    r"|says|threatens|threatening|wants|trying)\b|'s\b|'m\b|'re\b|'ll\b"
)
# Words that place the clause in the past.
_PAST = re.compile(
    r"\b(?:used to|ago|last (?:year|month|summer|winter|spring|autumn|time|christmas|week)"
    r"|years|when (?:i|we) (?:was|were|lived|left|was with)|back then|at the time|in the past"
    r"|previously|before (?:i|we) (?:left|moved|got)|in (?:19|20)\d\d|as a (?:child|kid|teenager)"
    r"|growing up|once|had|was|were|did|didn't|threatened|tried)\b"
)
# Modal and "one day" words make the event a possibility, not a fact.
_HYPOTHETICAL_STRONG = re.compile(
    r"\b(?:ever|one day|might|may|could|would|suppose|imagine|in future|in the future)\b|'d\b"
)
# A condition on someone else ("if he comes back") is hypothetical; a condition on the
# writer ("...tonight if I don't drop the charges") is the shape of a coercive threat.
_CONDITION = re.compile(r"\b(?:if|in case|what if|unless|whether)\s+(?!i\b|we\b)")

_CLAUSE_BREAK = re.compile(
    r"[.!?;\n]+|,?\s+\b(?:but|although|though|however|whereas|whilst|while)\b|,\s*(?=now\b)"
)


def _normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _events_in(clause: str) -> list[str]:
    found = []
    for name, pattern in _EVENTS.items():
        for match in pattern.finditer(clause):
            if name not in _NEGATION_EXEMPT and _NEGATED.search(clause[: match.start()]):
                continue
            found.append(name)
            break
    return found


def _is_current(clause: str) -> bool:
    """A clause with a danger event is current when a time word puts it now (and no modal
    makes it a mere possibility), or, with no time word at all, when its verbs are present
    or future and no past or conditional word frames it."""
    now = bool(_NOW.search(clause))
    strong = bool(_HYPOTHETICAL_STRONG.search(clause))
    if now:
        return not strong
    if strong or _CONDITION.search(clause) or _PAST.search(clause):
        return False
    return bool(_PRESENT.search(clause))


def danger_events(text: str) -> list[str]:
    """The kinds of current danger the text signals (empty when none), for audit and tests."""
    normalised = _normalise(text)
    if not _ANY_EVENT.search(normalised):
        return []  # most feedback names no danger event: skip the per-clause reading
    events: list[str] = []
    for clause in _CLAUSE_BREAK.split(normalised):
        found = _events_in(clause)
        if found and _is_current(clause):
            events.extend(name for name in found if name not in events)
    return events
