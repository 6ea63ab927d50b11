"""Reading survey files together with their core data set and consent notice, checking
them all before anything is stored: one bad file means nothing is published."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec

from feedback.consent.definition import PublishedNotice, load_notice, notice_dir_for
from feedback.surveys.core import CoreDataSet, core_path_for, load_core
from feedback.surveys.definition import SurveyDefinition
from feedback.surveys.errors import Problem, SurveyInvalid
from feedback.surveys.files import decode_yaml, display_name
from feedback.surveys.validation import CheckedSurvey, check_survey

CONTENT_ROOT = Path(__file__).resolve().parents[3]
"""The project folder holding `surveys/` and `consent/`, used when a survey arrives as a
document (the staff API) rather than as a path."""


class SurveySource(msgspec.Struct, frozen=True):
    """One survey document: its bytes, the name to report it by, and where its core data
    set and consent notices live."""

    file: str
    data: bytes
    core_path: Path
    consent_dir: Callable[[str], Path]

    @classmethod
    def from_path(cls, path: Path) -> SurveySource:
        file = display_name(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise SurveyInvalid([Problem(file, "", "file not found")]) from None
        except OSError as error:
            raise SurveyInvalid([Problem(file, "", f"cannot be read ({error.strerror})")]) from None
        return cls(
            file=file,
            data=data,
            core_path=core_path_for(path),
            consent_dir=lambda slug: notice_dir_for(path, slug),
        )

    @classmethod
    def from_bytes(
        cls, data: bytes, *, content_root: Path, file: str = "(uploaded)"
    ) -> SurveySource:
        return cls(
            file=file,
            data=data,
            core_path=content_root / "surveys" / "core.yaml",
            consent_dir=lambda slug: content_root / "consent" / slug,
        )


def is_core_data_set(data: bytes) -> bool:
    """Whether a document that is not a survey is the core data set (its own top-level keys)."""
    try:
        document = msgspec.yaml.decode(data)
    except (msgspec.MsgspecError, RecursionError, ValueError, TypeError):
        return False
    return isinstance(document, dict) and {"phrases", "scales"} <= document.keys()


class PreparedSurvey(msgspec.Struct, frozen=True):
    file: str
    checked: CheckedSurvey
    notice: PublishedNotice


def prepare_paths(paths: Sequence[Path]) -> list[PreparedSurvey]:
    problems: list[Problem] = []
    sources = []
    for path in paths:
        try:
            sources.append(SurveySource.from_path(path))
        except SurveyInvalid as error:
            problems.extend(error.problems)
    if problems:
        raise SurveyInvalid(problems)
    return prepare(sources)


def prepare(sources: Sequence[SurveySource]) -> list[PreparedSurvey]:
    """Check every source; raise one SurveyInvalid with every problem of every file."""
    problems: list[Problem] = []
    prepared: list[PreparedSurvey] = []
    cores: dict[Path, CoreDataSet] = {}
    for source in sources:
        try:
            prepared.append(_prepare_one(source, cores))
        except SurveyInvalid as error:
            problems.extend(error.problems)
    seen: dict[str, str] = {}
    for item in prepared:
        slug = item.checked.published.definition.slug
        if slug in seen:
            problems.append(
                Problem(item.file, "slug", f"{slug!r} is also the slug of {seen[slug]}")
            )
        seen.setdefault(slug, item.file)
    if problems:
        raise SurveyInvalid(list(dict.fromkeys(problems)))
    return prepared


CORE_INSTEAD = (
    "this is the core data set (core.yaml), not a survey. Every survey reads it from "
    "surveys/core.yaml, so it changes with the code, not by upload (the console shows it "
    "under Surveys, Core data set). Upload a survey file instead, such as "
    "service-satisfaction.yaml"
)


def _prepare_one(source: SurveySource, cores: dict[Path, CoreDataSet]) -> PreparedSurvey:
    try:
        definition = decode_yaml(source.data, SurveyDefinition, file=source.file)
    except SurveyInvalid:
        if is_core_data_set(source.data):
            raise SurveyInvalid([Problem(source.file, "", CORE_INSTEAD)]) from None
        raise
    if source.core_path not in cores:
        cores[source.core_path] = load_core(source.core_path)
    checked = check_survey(definition, cores[source.core_path], file=source.file)
    notice = load_notice(source.consent_dir(definition.consent))
    problems = []
    if notice.audience != definition.audience:
        problems.append(
            Problem(
                source.file,
                "consent",
                f"notice {notice.slug!r} is written for {notice.audience} readers, but this "
                f"survey's audience is {definition.audience}",
            )
        )
    if definition.retention_months > notice.retention_months:
        problems.append(
            Problem(
                source.file,
                "retention_months",
                f"{definition.retention_months} months is longer than the "
                f"{notice.retention_months} months that notice {notice.slug!r} promises",
            )
        )
    if problems:
        raise SurveyInvalid(problems)
    return PreparedSurvey(file=source.file, checked=checked, notice=notice)
