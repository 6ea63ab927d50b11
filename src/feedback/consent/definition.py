"""The shape of a consent notice file and the rules a notice must meet.

A notice is a folder `consent/<slug>/` with one file per language (`en.yaml` required).
Its version covers every language together, so a response can record one notice version.
Notices are written in plain language for their audience: the English text is checked for
sentence length, because a long sentence is the first thing that loses a young reader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from feedback.surveys.definition import AUDIENCES, LanguageCode, Part, Slug
from feedback.surveys.errors import Problem, SurveyInvalid
from feedback.surveys.files import display_name, read_file

NOTICE_POINTS = ("what_we_ask", "anonymous", "what_we_keep", "skipping", "withdrawing", "help_now")
"""What every notice says: what is asked, that it is anonymous, what is kept and for how
long, that any question may be skipped, how to withdraw, and where to get help now."""

MAX_WORDS_PER_SENTENCE = {"child": 15, "young_person": 20, "adult": 25}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class NoticeFile(Part, kw_only=True):
    slug: Slug
    audience: Literal[AUDIENCES]  # type: ignore[valid-type]
    language: LanguageCode
    status: Literal["reviewed", "draft"] = "reviewed"
    note: str | None = None
    retention_months: Annotated[int, Meta(ge=1, le=120)]
    title: str
    what_we_ask: str
    anonymous: str
    what_we_keep: str
    skipping: str
    withdrawing: str
    help_now: str
    agree: str


class NoticeText(Part, kw_only=True):
    status: Literal["reviewed", "draft"] = "reviewed"
    note: str | None = None
    title: str
    what_we_ask: str
    anonymous: str
    what_we_keep: str
    skipping: str
    withdrawing: str
    help_now: str
    agree: str


class PublishedNotice(Part, kw_only=True):
    """What a notice version stores: every language of the notice, hashed together."""

    slug: str
    audience: str
    retention_months: int
    languages: dict[str, NoticeText]


def notice_dir_for(survey_path: Path, slug: str) -> Path:
    """The notice folder a survey file refers to: `consent/<slug>` beside its `surveys/`."""
    beside = survey_path.resolve().parent.parent / "consent" / slug
    return beside if beside.is_dir() else Path("consent") / slug


def load_notice(folder: Path) -> PublishedNotice:
    """Read every language file of a notice and check them together."""
    where = display_name(folder)
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise SurveyInvalid([Problem(where, "", "no consent notice here (expected en.yaml)")])
    problems: list[Problem] = []
    notices: list[tuple[str, NoticeFile]] = []
    for path in files:
        try:
            notices.append((display_name(path), read_file(path, NoticeFile)))
        except SurveyInvalid as error:
            problems.extend(error.problems)
    if not problems:
        problems = check_notice(folder.name, notices, where)
    if problems:
        raise SurveyInvalid(problems)
    english = next(notice for _, notice in notices if notice.language == "en")
    return PublishedNotice(
        slug=english.slug,
        audience=english.audience,
        retention_months=english.retention_months,
        languages={notice.language: _text(notice) for _, notice in notices},
    )


def check_notice(slug: str, notices: list[tuple[str, NoticeFile]], where: str) -> list[Problem]:
    problems: list[Problem] = []
    english = [notice for _, notice in notices if notice.language == "en"]
    if not english:
        return [
            Problem(where, "", "English (en.yaml) is required: other languages fall back to it")
        ]
    for file, notice in notices:
        problems += _check_one(file, notice, slug, english[0])
    return problems


def _check_one(file: str, notice: NoticeFile, slug: str, english: NoticeFile) -> list[Problem]:
    problems = []
    if Path(file).stem != notice.language:
        problems.append(Problem(file, "language", f"file name should be {notice.language}.yaml"))
    if notice.slug != slug:
        problems.append(Problem(file, "slug", f"must be {slug!r}, the name of its folder"))
    if notice.audience != english.audience:
        problems.append(Problem(file, "audience", f"must be {english.audience!r}, as in English"))
    if notice.retention_months != english.retention_months:
        problems.append(Problem(file, "retention_months", "must be the same in every language"))
    if notice.language == "en" and notice.status == "draft":
        problems.append(Problem(file, "status", "English is the source text, never a draft"))
    for field in ("title", "agree", *NOTICE_POINTS):
        if not getattr(notice, field).strip():
            problems.append(Problem(file, field, "must not be empty"))
    if notice.language == "en":
        problems += _check_plain_english(file, notice)
    return problems


def _check_plain_english(file: str, notice: NoticeFile) -> list[Problem]:
    """Short sentences for the audience's reading age; the retention period and the receipt
    code are stated, because those are the promises a respondent relies on later."""
    problems = []
    limit = MAX_WORDS_PER_SENTENCE[notice.audience]
    for field in NOTICE_POINTS:
        for sentence in _SENTENCE_END.split(" ".join(getattr(notice, field).split())):
            words = len(sentence.split())
            if words > limit:
                problems.append(
                    Problem(
                        file,
                        field,
                        f"a sentence has {words} words; keep sentences for {notice.audience} "
                        f"readers to {limit} words or fewer: {sentence[:60]!r}…",
                    )
                )
    months = notice.retention_months
    spellings = [f"{months} months"] + ([f"{months // 12} year"] if months % 12 == 0 else [])
    if months == 12:
        spellings.append("one year")
    if not any(spelling in notice.what_we_keep for spelling in spellings):
        problems.append(
            Problem(
                file,
                "what_we_keep",
                f"must say how long answers are kept (for example {spellings[0]!r})",
            )
        )
    if "receipt code" not in notice.withdrawing.lower():
        problems.append(
            Problem(file, "withdrawing", "must explain withdrawing with the receipt code")
        )
    return problems


def _text(notice: NoticeFile) -> NoticeText:
    fields = {name: getattr(notice, name) for name in NoticeText.__struct_fields__}
    return msgspec.convert(fields, NoticeText)
