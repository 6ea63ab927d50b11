"""The theme taxonomy (ids are the contract of shared/data/themes.json) and its cues.

Both files ship inside the package (`themes/data/`), so a fresh clone or an installed wheel
tags text without the shared folder beside it. `themes.json` is a verbatim copy of the
contract; `theme_cues.yaml` is the project's own: which words and constructions signal
each theme. Loading checks that the cue file names exactly the taxonomy's ids, so a theme
can be neither silently untaggable nor invented.
"""

from __future__ import annotations

import functools
import hashlib
import re
from importlib import resources

import msgspec
import yaml

from feedback.errors import InvalidInput
from feedback.themes.cue_guard import StartTable, first_char_guard, match_prefixes, start_table

__all__ = [
    "Taxonomy",
    "Theme",
    "ThemeCues",
    "load_cues",
    "load_taxonomy",
    "taxonomy_fingerprint",
]


class Theme(msgspec.Struct, frozen=True):
    id: str
    priority: str
    label: str
    meaning: str


class Flag(msgspec.Struct, frozen=True):
    id: str
    meaning: str


class Taxonomy(msgspec.Struct, frozen=True):
    version: int
    themes: list[Theme]
    flags: list[Flag] = []
    note: str = ""

    @property
    def ids(self) -> list[str]:
        return [theme.id for theme in self.themes]


class _CueFile(msgspec.Struct, frozen=True):
    version: int
    themes: dict[str, list[str]]


class ThemeCues(msgspec.Struct, frozen=True):
    """One compiled alternation per theme, in taxonomy order, and the possible starts of
    its matches (None: unknown) so a text can skip themes it cannot match; `starts` is
    the same, inverted (bit i: the i-th theme), for one lookup per word start."""

    version: int
    patterns: dict[str, re.Pattern[str]]
    prefixes: dict[str, frozenset[str] | None] = {}
    starts: StartTable = StartTable({}, -1)


def _data(name: str) -> bytes:
    return resources.files("feedback.themes").joinpath("data", name).read_bytes()


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy; parsed once per process."""
    try:
        return msgspec.json.decode(_data("themes.json"), type=Taxonomy)
    except msgspec.ValidationError as error:
        raise InvalidInput(f"themes.json: {error}") from error


def _compile(theme_id: str, cues: list[str]) -> re.Pattern[str]:
    """One alternation per theme; first-character guards (cue_guard) let the engine reject
    a word that cannot start any cue at once, and never change what matches."""
    try:
        for cue in cues:
            re.compile(cue)
        alternatives = "|".join(f"{first_char_guard(cue)}(?:{cue})" for cue in cues)
        guard = first_char_guard("|".join(f"(?:{cue})" for cue in cues))
        return re.compile(r"\b" + guard + "(?:" + alternatives + r")\b")
    except re.error as error:
        raise InvalidInput(f"theme_cues.yaml, theme {theme_id!r}: {error}") from error


@functools.cache
def load_cues() -> ThemeCues:
    """The packaged cues, compiled; every taxonomy id has cues and no other id does."""
    raw = yaml.safe_load(_data("theme_cues.yaml"))
    try:
        cue_file = msgspec.convert(raw, type=_CueFile)
    except msgspec.ValidationError as error:
        raise InvalidInput(f"theme_cues.yaml: {error}") from error
    ids = load_taxonomy().ids
    missing = sorted(set(ids) - set(cue_file.themes))
    unknown = sorted(set(cue_file.themes) - set(ids))
    if missing or unknown:
        raise InvalidInput(
            f"theme_cues.yaml does not match themes.json: missing {missing}, unknown {unknown}"
        )
    patterns = {theme_id: _compile(theme_id, cue_file.themes[theme_id]) for theme_id in ids}
    prefixes = {
        theme_id: match_prefixes("|".join(f"(?:{cue})" for cue in cue_file.themes[theme_id]))
        for theme_id in ids
    }
    return ThemeCues(
        version=cue_file.version,
        patterns=patterns,
        prefixes=prefixes,
        starts=start_table([prefixes[theme_id] for theme_id in ids]),
    )


@functools.cache
def taxonomy_fingerprint() -> str:
    """A short hash of both data files: part of the tagger version stored with each tag."""
    digest = hashlib.sha256(_data("themes.json") + b"\0" + _data("theme_cues.yaml"))
    return digest.hexdigest()[:10]
