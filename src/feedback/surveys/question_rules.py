"""Rules for one question: its type's needs, its core code, sensitivity and SMS."""

from __future__ import annotations

from collections import Counter

import msgspec

from feedback.surveys.checker import Checker
from feedback.surveys.definition import (
    PREFER_NOT_TO_SAY,
    Choice,
    MultipleChoice,
    Number,
    Question,
    Scale,
    SingleChoice,
    question_type,
)
from feedback.wording import subject_word

MAX_SCALE_POINTS = 11
MAX_SMS_CHOICES = 9
"""An SMS answer is one digit, so an SMS question offers at most nine answers."""


class QuestionRules:
    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.core = checker.core

    def resolve(self, path: str, question: Question) -> Question:
        """Check one question and return it resolved: texts as mappings, core wording in."""
        text: dict[str, str] | None
        if question.core is not None:
            question = self.apply_core(path, question)
            text = self.checker.core_text(question.text)
        else:
            text = self.checker.text(f"{path}.text", question.text, required=True)
        help_text = self.checker.text(f"{path}.help", question.help)
        question = self.typed(path, question)
        sensitive = self.check_sensitive(path, question)
        self.check_sms(path, question)
        self.check_sms_wording(path, question, text)
        return msgspec.structs.replace(
            question,
            text=text,
            help=help_text,
            sensitive=sensitive,
            prefer_not_to_say=True if sensitive or question.prefer_not_to_say else None,
        )

    def apply_core(self, path: str, question: Question) -> Question:
        """A core question keeps the canonical type, scale, choice codes and wording."""
        code = question.core or ""
        canonical = self.core.question(code)
        if canonical is None:
            self.checker.fail(f"{path}.core", f"unknown core code {code!r} (see core.yaml)")
            return question
        kind, wanted = question_type(question), question_type(canonical)
        if kind != wanted:
            self.checker.fail(
                f"{path}.type", f"core code {code!r} is asked as {wanted}, not {kind}"
            )
            return question
        if question.text is not None:
            self.checker.fail(
                f"{path}.text",
                f"core code {code!r} uses the canonical wording from core.yaml; remove `text`",
            )
        self.check_core_shape(path, question, canonical)
        return msgspec.structs.replace(
            canonical,
            id=question.id,
            help=question.help,
            optional=question.optional,
            show_if=question.show_if,
            core=code,
            sms=question.sms,
            sensitive=question.sensitive or canonical.sensitive,
            prefer_not_to_say=question.prefer_not_to_say,
            replaces=question.replaces,
        )

    def check_core_shape(self, path: str, question: Question, canonical: Question) -> None:
        code = canonical.id
        if isinstance(question, SingleChoice | MultipleChoice) and question.choices is not None:
            mine = [c.code for c in question.choices]
            theirs = [c.code for c in getattr(canonical, "choices", None) or []]
            if mine != theirs:
                self.checker.fail(
                    f"{path}.choices",
                    f"core code {code!r} has the choices {', '.join(theirs)}; leave `choices` "
                    "out to use them",
                )
        if isinstance(question, Scale) and isinstance(canonical, Scale):
            given = (question.scale, question.min, question.max)
            if given != (None, None, None) and given != (canonical.scale, None, None):
                self.checker.fail(
                    f"{path}.scale",
                    f"core code {code!r} uses the {canonical.scale!r} scale; leave the scale out "
                    "to use it",
                )

    def typed(self, path: str, question: Question) -> Question:
        if isinstance(question, SingleChoice | MultipleChoice):
            return self.choices(path, question)
        if isinstance(question, Scale):
            return self.scale(path, question)
        if (
            isinstance(question, Number)
            and question.min is not None
            and question.max is not None
            and question.min > question.max
        ):
            self.checker.fail(f"{path}.max", "max must not be less than min")
        if isinstance(question, Number) and question.unit is not None:
            return msgspec.structs.replace(
                question, unit=self.checker.text(f"{path}.unit", question.unit)
            )
        return question

    def choices(self, path: str, question: SingleChoice | MultipleChoice) -> Question:
        if question.choices is None:
            self.checker.fail(f"{path}.choices", "choices are required")
            return question
        if len(question.choices) < 2:
            self.checker.fail(f"{path}.choices", "give at least two choices")
        for code, count in Counter(c.code for c in question.choices).items():
            if count > 1:
                self.checker.fail(f"{path}.choices", f"choice code {code!r} is used {count} times")
        resolved = []
        for i, choice in enumerate(question.choices):
            if choice.code == PREFER_NOT_TO_SAY:
                self.checker.fail(
                    f"{path}.choices[{i}].code",
                    f"{PREFER_NOT_TO_SAY!r} is added by the platform; mark the question "
                    "`sensitive: true` or `prefer_not_to_say: true` instead",
                )
            text = self.checker.text(f"{path}.choices[{i}].text", choice.text, required=True)
            resolved.append(Choice(code=choice.code, text=text or {}))
        if (
            isinstance(question, MultipleChoice)
            and question.max_choices is not None
            and question.max_choices > len(question.choices)
        ):
            self.checker.fail(f"{path}.max_choices", "is more than the number of choices")
        return msgspec.structs.replace(question, choices=resolved)

    def scale(self, path: str, question: Scale) -> Question:
        if question.scale is not None:
            named = self.core.scales.get(question.scale)
            if named is None:
                known = ", ".join(sorted(self.core.scales))
                self.checker.fail(
                    f"{path}.scale", f"unknown scale {question.scale!r} (known: {known})"
                )
                return question
            if (question.min, question.max, question.low, question.high) != (None,) * 4:
                self.checker.fail(path, "give either a named `scale` or min/max/low/high, not both")
            return msgspec.structs.replace(
                question,
                min=named.min,
                max=named.max,
                low=self.checker.core_text(named.low),
                high=self.checker.core_text(named.high),
            )
        if question.min is None or question.max is None:
            self.checker.fail(path, "a scale needs `scale: NAME` or both `min` and `max`")
            return question
        if not 2 <= question.max - question.min + 1 <= MAX_SCALE_POINTS:
            self.checker.fail(f"{path}.max", f"a scale has 2 to {MAX_SCALE_POINTS} points")
        return msgspec.structs.replace(
            question,
            low=self.checker.text(f"{path}.low", question.low, required=True),
            high=self.checker.text(f"{path}.high", question.high, required=True),
        )

    def check_sensitive(self, path: str, question: Question) -> bool:
        """Sensitive questions are always optional and always offer "prefer not to say"."""
        if not question.sensitive:
            return False
        if question.prefer_not_to_say is False:
            self.checker.fail(
                f"{path}.prefer_not_to_say",
                "a sensitive question always offers 'prefer not to say'",
            )
        if not question.optional:
            self.checker.fail(f"{path}.optional", "a sensitive question is always optional")
        return True

    def check_sms_wording(self, path: str, question: Question, text: dict[str, str] | None) -> None:
        """An SMS question stays on the phone it was sent to, so neither it nor its answers
        may name the subject, a service or the survey's own title (feedback.wording)."""
        if not question.sms:
            return
        title = self.checker.definition.title
        titles = [title] if isinstance(title, str) else list((title or {}).values())
        for where, words in _sent_texts(question, text):
            found = subject_word(words, titles)
            if found is not None:
                self.checker.fail(
                    f"{path}.{where}",
                    f"SMS question {question.id!r} names the subject ({found!r}); a text "
                    "stays on the phone, so word it neutrally or set `sms: false`",
                )
                return

    def check_sms(self, path: str, question: Question) -> None:
        if not question.sms:
            return
        choices = getattr(question, "choices", None)
        if choices is not None:
            offered = len(choices) + (1 if question.sensitive or question.prefer_not_to_say else 0)
            if offered > MAX_SMS_CHOICES:
                self.checker.fail(
                    f"{path}.sms",
                    f"an SMS question offers at most {MAX_SMS_CHOICES} answers "
                    f"(one digit each); this one offers {offered}",
                )


def _sent_texts(question: Question, text: dict[str, str] | None) -> list[tuple[str, str]]:
    """(place in the file, text) for everything an SMS prompt of `question` carries."""
    sent = [(f"text.{language}", words) for language, words in (text or {}).items()]
    for i, choice in enumerate(getattr(question, "choices", None) or []):
        mapping = {"en": choice.text} if isinstance(choice.text, str) else choice.text
        sent += [(f"choices[{i}].text.{lang}", words) for lang, words in mapping.items()]
    for name in ("low", "high", "unit"):
        value = getattr(question, name, None)
        mapping = {"en": value} if isinstance(value, str) else dict(value or {})
        sent += [(f"{name}.{lang}", words) for lang, words in mapping.items()]
    return sent
