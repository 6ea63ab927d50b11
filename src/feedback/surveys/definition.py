"""The shape of a survey file, as msgspec Structs; decoding checks types and required fields.

The same Structs describe a published (resolved) survey, in which every text is a
language → text mapping and core questions carry their canonical wording. Structs omit
default values when encoded, so adding an optional field later leaves old hashes intact.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Code = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=60)]
Slug = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]*$", min_length=1, max_length=80)]
LanguageCode = Annotated[str, Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
Text = str | dict[str, str]
"""A user-visible text: plain English, or a mapping of language code to text (`en` required)."""
AnswerValue = str | int | bool

KINDS = ("satisfaction", "consultation", "young_person", "outcome_intake", "outcome_exit")
"""`outcome_intake` is asked when support starts and `outcome_exit` at case closure; the two
are paired only by a code the survivor keeps (shared/OUTCOMES.md)."""
AUDIENCES = ("adult", "young_person", "child")
EQUALITY_ITEMS = (
    "age_band",
    "ethnicity",
    "disability",
    "sexual_orientation",
    "gender_identity",
    "religion",
    "ethnicity_ons",
    "sex",
    "gender_same_as_sex_at_birth",
    "long_term_condition",
    "activity_restriction",
)
ADULT_ONLY_EQUALITY_ITEMS = ("sexual_orientation", "gender_identity", "gender_same_as_sex_at_birth")
"""Asked of adults only: the harmonised standards ask sexual orientation and gender identity
from 16, and a class or a young person's survey must not single anyone out."""
PREFER_NOT_TO_SAY = "prefer_not_to_say"
EQUALITY_SECTION_ID = "equality_monitoring"


class Part(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Every part of a definition refuses unknown keys, so a typo is an error, not a no-op."""


class Choice(Part, kw_only=True):
    code: Code
    text: Text


class ShowIf(Part, kw_only=True):
    """Show the question only when an earlier question's answer is one of these values."""

    question: Code
    equals: AnswerValue | None = None
    any_of: list[AnswerValue] | None = None


class QuestionBase(Part, tag_field="type", kw_only=True):
    """Fields every question has. `text` and `choices` may be left out only when `core`
    supplies them; sensitive questions are always optional and offer "prefer not to say"."""

    id: Code
    text: Text | None = None
    help: Text | None = None
    optional: bool = True
    show_if: ShowIf | None = None
    core: Code | None = None
    sms: bool = False
    sensitive: bool = False
    prefer_not_to_say: bool | None = None
    replaces: Code | None = None
    draft: str | None = None
    """Set when the wording still has to be checked against its source (what to check):
    a draft item is asked, but must not be labelled as aligned with that source."""


class SingleChoice(QuestionBase, tag="single_choice", kw_only=True):
    choices: list[Choice] | None = None


class MultipleChoice(QuestionBase, tag="multiple_choice", kw_only=True):
    choices: list[Choice] | None = None
    max_choices: Annotated[int, Meta(ge=1)] | None = None


class Scale(QuestionBase, tag="scale", kw_only=True):
    """A numbered scale with labelled ends: either a named scale from the core data set
    (`scale: agreement`) or its own `min`, `max`, `low` and `high`."""

    scale: Code | None = None
    min: int | None = None
    max: int | None = None
    low: Text | None = None
    high: Text | None = None


class YesNo(QuestionBase, tag="yes_no", kw_only=True):
    pass


class FreeText(QuestionBase, tag="free_text", kw_only=True):
    max_length: Annotated[int, Meta(ge=1, le=5000)] = 1000


class Number(QuestionBase, tag="number", kw_only=True):
    min: int | None = None
    max: int | None = None
    unit: Text | None = None


Question = SingleChoice | MultipleChoice | Scale | YesNo | FreeText | Number
QUESTION_TYPES = ("single_choice", "multiple_choice", "scale", "yes_no", "free_text", "number")


class Section(Part, kw_only=True):
    id: Code | None = None
    title: Text | None = None
    intro: Text | None = None
    questions: list[Question]


class Language(Part, kw_only=True):
    """A language the survey is offered in; `draft` texts await review by translators."""

    code: LanguageCode
    status: Literal["reviewed", "draft"] = "reviewed"
    direction: Literal["ltr", "rtl"] | None = None
    note: str | None = None


class EqualityMonitoring(Part, kw_only=True):
    """The optional equality-monitoring block; its questions come from the core data set."""

    items: list[Literal[EQUALITY_ITEMS]]  # type: ignore[valid-type]


class SurveyDefinition(Part, kw_only=True):
    slug: Slug
    title: Text
    kind: Literal[KINDS]  # type: ignore[valid-type]
    audience: Literal[AUDIENCES]  # type: ignore[valid-type]
    consent: Slug
    retention_months: Annotated[int, Meta(ge=1, le=120)]
    languages: list[Language]
    sections: list[Section]
    intro: Text | None = None
    thanks: Text | None = None
    equality_monitoring: EqualityMonitoring | None = None


class ConsentRef(Part, kw_only=True):
    slug: str
    version: int
    content_hash: str


class PublishedSurvey(Part, kw_only=True):
    """What a survey version stores: the resolved definition, the interface phrases it
    needs in each language, and the consent notice version it shows."""

    definition: SurveyDefinition
    phrases: dict[str, dict[str, str]]
    consent: ConsentRef | None = None
    pairs: dict[str, str] | None = None
    """Outcome surveys only: pair item → the id of the question asked for it here, so an
    intake answer and an exit answer can be counted together (core.yaml `outcome_measures`)."""


def question_type(question: Question) -> str:
    return str(type(question).__struct_config__.tag)


def all_questions(definition: SurveyDefinition) -> list[tuple[str, Question]]:
    """Every question with its located path, in the order a respondent meets them."""
    return [
        (f"sections[{s}].questions[{q}]", question)
        for s, section in enumerate(definition.sections)
        for q, question in enumerate(section.questions)
    ]
