"""First-character guards that make the theme-cue scan cheaper without changing a match.

Each cue is a regular expression tried at every word boundary of an answer. Python's
engine cannot skip ahead for an alternation of groups, so every alternative is entered at
every boundary. A guard `(?=[...])` in front of a cue lists the characters any match of it
can begin with (computed from the parsed expression, a superset when in doubt): a
boundary that cannot start the cue is rejected with one character test. Because a guard
only states a necessary condition, the guarded pattern matches exactly what the plain one
does; when the analysis meets anything it does not know, it returns no guard at all.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

import msgspec

sre_parse: Any
try:  # CPython's own parser of regular expressions: private, so used defensively
    sre_parse = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - other interpreters: no guards, same matches
    sre_parse = None

__all__ = [
    "StartTable",
    "boundary_prefixes",
    "first_char_guard",
    "match_prefixes",
    "possible_matches",
    "start_table",
]

_ASCII = [chr(code) for code in range(128)]
_CATEGORY = {
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
}
_MAX_CHARS = 60  # a guard listing most characters saves nothing


class _Unknown(Exception):
    """The expression uses something the analysis does not model: no guard."""


class _First:
    """Possible first characters (ASCII), and whether a non-ASCII one is possible."""

    def __init__(self) -> None:
        self.chars: set[str] = set()
        self.non_ascii = False

    def add(self, other: _First) -> None:
        self.chars |= other.chars
        self.non_ascii = self.non_ascii or other.non_ascii


def _class_first(items: list[tuple[Any, Any]]) -> _First:
    found, negate = _First(), False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            found.chars.add(chr(av)) if av < 128 else setattr(found, "non_ascii", True)
        elif name == "RANGE":
            low, high = av
            found.chars |= {chr(c) for c in range(low, min(high, 127) + 1)}
            found.non_ascii = found.non_ascii or high >= 128
        elif name == "CATEGORY" and str(av) in _CATEGORY:
            pattern = re.compile(_CATEGORY[str(av)])
            found.chars |= {ch for ch in _ASCII if pattern.match(ch)}
            found.non_ascii = True
        else:
            raise _Unknown(name)
    if negate:
        found.chars = set(_ASCII) - found.chars
        found.non_ascii = True
    return found


def _sequence(items: Any) -> tuple[_First, bool]:
    """First characters of a sequence, and whether the whole sequence can match empty."""
    first = _First()
    for item in items:
        item_first, nullable = _item(*item)
        first.add(item_first)
        if not nullable:
            return first, False
    return first, True


def _item(op: Any, av: Any) -> tuple[_First, bool]:  # noqa: C901 - one branch per opcode
    name = str(op)
    if name == "LITERAL":
        return _class_first([(op, av)]), False
    if name == "NOT_LITERAL":
        anything_but = _First()
        anything_but.chars = set(_ASCII) - {chr(av)}
        anything_but.non_ascii = True
        return anything_but, False
    if name == "IN":
        return _class_first(av), False
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return _First(), True  # zero width: the next item decides
    if name == "SUBPATTERN":
        return _sequence(av[-1])
    if name == "BRANCH":
        first, nullable = _First(), False
        for alternative in av[1]:
            alt_first, alt_nullable = _sequence(alternative)
            first.add(alt_first)
            nullable = nullable or alt_nullable
        return first, nullable
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, body = av
        first, nullable = _sequence(body)
        return first, nullable or low == 0
    raise _Unknown(name)


def first_char_guard(expression: str) -> str:
    """`(?=[...])` listing what a match of `expression` can begin with, or "" if unknown."""
    if sre_parse is None:
        return ""
    try:
        first, nullable = _sequence(sre_parse.parse(expression))
    except (_Unknown, re.error, TypeError, ValueError):
        return ""
    if nullable or not first.chars or len(first.chars) > _MAX_CHARS:
        return ""
    listed = "".join(re.escape(ch) for ch in sorted(first.chars))
    if first.non_ascii:
        listed += "\\x80-\\U0010ffff"
    return f"(?=[{listed}])"


PREFIX_LENGTH = 10  # longer starts tell more themes apart (fewer scans), at no cost per word
_MAX_PREFIXES = 4000
_MAX_CLASS = 40
_OPEN = "\0"  # ends a prefix whose next character is unknown (\w, a wide class ...)


def _full(prefix: str) -> bool:
    return len(prefix) >= PREFIX_LENGTH or prefix.endswith(_OPEN)


def _join(heads: set[str], tails: set[str]) -> set[str]:
    joined = set()
    for head in heads:
        if _full(head):
            joined.add(head)
            continue
        for tail in tails:
            joined.add((head + tail)[:PREFIX_LENGTH])
    if len(joined) > _MAX_PREFIXES:
        raise _Unknown("too many prefixes")
    return joined


def _sequence_prefixes(items: Any) -> set[str]:
    found = {""}
    for op, av in items:
        if all(_full(prefix) for prefix in found):
            break  # later items cannot change a full prefix (and may be unknowable)
        found = _join(found, _item_prefixes(op, av))
    return found


def _repeat_prefixes(low: int, high: int, body: Any) -> set[str]:
    once = _sequence_prefixes(body)
    found: set[str] = set()
    current = {""}
    for count in range(min(high, max(low, PREFIX_LENGTH)) + 1):
        if count >= low:
            found |= current
        current = _join(current, once)
    if high > max(low, PREFIX_LENGTH):  # more repeats only lengthen what is already full
        found |= current
    return found


def _item_prefixes(op: Any, av: Any) -> set[str]:
    name = str(op)
    if name in ("LITERAL", "NOT_LITERAL", "IN"):
        first, _nullable = _item(op, av)
        if first.non_ascii or len(first.chars) > _MAX_CLASS:
            return {_OPEN}  # the prefix stops here: it still must match so far
        return first.chars
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return {""}
    if name == "SUBPATTERN":
        return _sequence_prefixes(av[-1])
    if name == "BRANCH":
        return set().union(*(_sequence_prefixes(alt) for alt in av[1]))
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _repeat_prefixes(*av)
    raise _Unknown(name)


def match_prefixes(expression: str) -> frozenset[str] | None:
    """Every possible start of a match: its first PREFIX_LENGTH characters (all of it when
    shorter). None when unknown or too many to be worth checking. A text none of whose
    word-boundary positions starts with one of these cannot match `expression`."""
    if sre_parse is None:
        return None
    try:
        found = _sequence_prefixes(sre_parse.parse(expression))
    except (_Unknown, re.error, TypeError, ValueError):
        return None
    starts = frozenset(prefix.rstrip(_OPEN) for prefix in found)
    if "" in starts or not all(_WORD.match(prefix) for prefix in starts):
        return None  # boundary_prefixes looks only where a word begins
    return starts


_WORD = re.compile(r"\w")
_AT_WORD_START = re.compile(rf"\b(?=(\w.{{0,{PREFIX_LENGTH - 1}}}))", re.DOTALL)


def boundary_prefixes(text: str) -> set[str]:
    """The strings of 1 to PREFIX_LENGTH characters starting where a word of `text` begins
    (a match of a cue whose every start is a word character can begin nowhere else)."""
    ends = set(_AT_WORD_START.findall(text))
    return {prefix[:length] for prefix in ends for length in range(1, len(prefix) + 1)}


class StartTable(msgspec.Struct, frozen=True):
    """Every possible match start of several expressions, inverted: start -> the bit set
    of the expressions (by position) it can begin, and every shorter beginning of a start
    -> 0 (so a lookup that misses can stop: no longer string can be a start either);
    `unknown` holds the expressions with no known starts, which must always be tried."""

    starts: dict[str, int]
    unknown: int


def start_table(prefixes: Sequence[frozenset[str] | None]) -> StartTable:
    starts: dict[str, int] = {}
    unknown = 0
    for place, possible in enumerate(prefixes):
        if possible is None:
            unknown |= 1 << place
            continue
        for prefix in possible:
            for length in range(1, len(prefix)):
                starts.setdefault(prefix[:length], 0)
            starts[prefix] = starts.get(prefix, 0) | 1 << place
    return StartTable(starts, unknown)


def possible_matches(text: str, table: StartTable) -> int:
    """The bit set of the expressions that may match `text`: the same answer as testing
    each one's prefixes against `boundary_prefixes(text)`, with a few dictionary lookups
    per word start instead of one set intersection per expression."""
    found = table.unknown
    get = table.starts.get
    for end in set(_AT_WORD_START.findall(text)):
        for length in range(1, len(end) + 1):
            bits = get(end[:length])
            if bits is None:
                break
            found |= bits
    return found
