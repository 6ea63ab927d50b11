"""Rules a survey must meet beyond its shape, and its resolution into the published form.

Every rule reports a Problem located in the file (`sections[1].questions[3].choices`), and
all problems of a file are reported together, so an author fixes them in one pass.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgspec

from feedback.surveys.core import CoreDataSet, core_path_for, load_core
from feedback.surveys.definition import (
    EQUALITY_SECTION_ID,
    PREFER_NOT_TO_SAY,
    Choice,
    Language,
    PublishedSurvey,
    Question,
    Section,
    SurveyDefinition,
    Text,
    question_type,
)
from feedback.surveys.errors import Problem, SurveyInvalid
from feedback.surveys.files import display_name, read_file
from feedback.surveys.order_rules import check_order
from feedback.surveys.outcome_rules import check_outcomes
from feedback.surveys.question_rules import QuestionRules

RTL_LANGUAGES = frozenset({"ar", "ckb", "dv", "fa", "he", "ps", "ur", "yi"})


class CheckedSurvey(msgspec.Struct, frozen=True):
    """A valid survey, resolved for publishing, with advice that does not block it."""

    published: PublishedSurvey
    warnings: list[str]


def load_survey(path: Path, core: CoreDataSet | None = None) -> CheckedSurvey:
    """Read, check and resolve one survey file against its core data set."""
    core = core if core is not None else load_core(core_path_for(path))
    definition = read_file(path, SurveyDefinition)
    return check_survey(definition, core, file=display_name(path))


def check_survey(definition: SurveyDefinition, core: CoreDataSet, *, file: str) -> CheckedSurvey:
    """Check every rule; raise SurveyInvalid listing all problems, or return the resolution."""
    checker = SurveyChecker(definition, core, file)
    published = checker.run()
    if checker.problems:
        raise SurveyInvalid(checker.problems)
    return CheckedSurvey(published=published, warnings=checker.warnings)


class SurveyChecker:
    """Walks one definition, collecting problems and building its resolved copy."""

    def __init__(self, definition: SurveyDefinition, core: CoreDataSet, file: str) -> None:
        self.definition = definition
        self.core = core
        self.file = file
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.languages = [language.code for language in definition.languages]
        self.untranslated: Counter[str] = Counter()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def run(self) -> PublishedSurvey:
        d = self.definition
        languages = self.check_languages()
        if d.kind == "young_person" and d.audience == "adult":
            self.fail("audience", "a young_person survey is for young_person or child audiences")
        title = self.text("title", d.title, required=True)
        intro = self.text("intro", d.intro)
        thanks = self.text("thanks", d.thanks)
        if not d.sections:
            self.fail("sections", "at least one section is needed")
        rules = QuestionRules(self)
        sections = [self.section(f"sections[{i}]", s, rules) for i, s in enumerate(d.sections)]
        if d.equality_monitoring is not None:
            sections.append(self.equality_section(d.equality_monitoring.items))
        check_order(self, sections)
        pairs = check_outcomes(self, sections)
        self.note_translations(languages)
        resolved = msgspec.structs.replace(
            d, title=title, intro=intro, thanks=thanks, languages=languages, sections=sections
        )
        phrases = {name: self.core_text(text) for name, text in sorted(self.core.phrases.items())}
        return PublishedSurvey(definition=resolved, phrases=phrases, pairs=pairs)

    def check_languages(self) -> list[Language]:
        counts = Counter(self.languages)
        for code, count in counts.items():
            if count > 1:
                self.fail("languages", f"language {code!r} is listed {count} times")
        if "en" not in counts:
            self.fail("languages", "English (`en`) is required: other languages fall back to it")
        resolved = []
        for i, language in enumerate(self.definition.languages):
            if language.code == "en" and language.status == "draft":
                self.fail(f"languages[{i}].status", "English is the source text, never a draft")
            direction = language.direction or (
                "rtl" if language.code.split("-")[0] in RTL_LANGUAGES else "ltr"
            )
            resolved.append(msgspec.structs.replace(language, direction=direction))
        return resolved

    def text(
        self, path: str, value: Text | None, *, required: bool = False
    ) -> dict[str, str] | None:
        """A survey text as language → text; English is required, other listed languages
        may be missing (they fall back to English with a visible note)."""
        if value is None:
            if required:
                self.fail(path, "text is required")
            return None
        mapping = {"en": value} if isinstance(value, str) else value
        if not mapping.get("en", "").strip():
            self.fail(path, "English (`en`) text is required")
        for language, words in mapping.items():
            if language not in self.languages:
                self.fail(f"{path}.{language}", f"language {language!r} is not in `languages`")
            elif not words.strip():
                self.fail(f"{path}.{language}", "text is empty")
        self.untranslated.update(set(self.languages) - mapping.keys())
        return {language: mapping[language].strip() for language in sorted(mapping)}

    def core_text(self, value: Text | None) -> dict[str, str]:
        """A core data set text, cut down to the survey's languages."""
        mapping = {"en": value} if isinstance(value, str) else dict(value or {})
        self.untranslated.update(set(self.languages) - mapping.keys())
        return {k: v.strip() for k, v in sorted(mapping.items()) if k in self.languages}

    def section(self, path: str, section: Section, rules: QuestionRules) -> Section:
        if section.id == EQUALITY_SECTION_ID:
            self.fail(f"{path}.id", f"{EQUALITY_SECTION_ID!r} is reserved for the equality block")
        if not section.questions:
            self.fail(f"{path}.questions", "a section needs at least one question")
        questions = [
            rules.resolve(f"{path}.questions[{i}]", question)
            for i, question in enumerate(section.questions)
        ]
        return msgspec.structs.replace(
            section,
            title=self.text(f"{path}.title", section.title),
            intro=self.text(f"{path}.intro", section.intro),
            questions=questions,
        )

    def equality_section(self, items: list[str]) -> Section:
        """The equality-monitoring block: core questions, always optional and sensitive, so
        always skippable and always offering "prefer not to say"."""
        if not items:
            self.fail("equality_monitoring.items", "list at least one item, or leave the block out")
        for item, count in Counter(items).items():
            if count > 1:
                self.fail("equality_monitoring.items", f"{item!r} is listed {count} times")
        block = self.core.equality_monitoring
        by_id = {question.id: question for question in block.questions}
        questions = [self.equality_question(by_id[item]) for item in dict.fromkeys(items)]
        return Section(
            id=EQUALITY_SECTION_ID,
            title=self.core_text(block.title),
            intro=self.core_text(block.intro),
            questions=questions,
        )

    def equality_question(self, question: Question) -> Question:
        choices = getattr(question, "choices", None) or []
        return msgspec.structs.replace(
            question,
            text=self.core_text(question.text),
            help=self.core_text(question.help) if question.help else None,
            core=question.id,
            optional=True,
            sensitive=True,
            prefer_not_to_say=True,
            sms=False,
            choices=[Choice(code=c.code, text=self.core_text(c.text)) for c in choices],
        )

    def note_translations(self, languages: list[Language]) -> None:
        for language in languages:
            if language.status == "draft":
                note = f" ({language.note})" if language.note else ""
                self.warnings.append(f"{language.code}: draft translation{note}")
            missing = self.untranslated.get(language.code, 0)
            if missing:
                self.warnings.append(
                    f"{language.code}: {missing} text(s) not translated; English is shown "
                    "with a note"
                )


def question_kinds(published: PublishedSurvey) -> dict[str, str]:
    """Question id → type, for every question of a resolved survey."""
    return {
        question.id: question_type(question)
        for section in published.definition.sections
        for question in section.questions
    }


__all__ = ["PREFER_NOT_TO_SAY", "CheckedSurvey", "SurveyChecker", "check_survey", "load_survey"]
