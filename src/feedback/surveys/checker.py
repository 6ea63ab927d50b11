"""What a rule module may use of the survey being checked: report a problem or a warning,
read the definition and core data set, and resolve a text.

`validation.SurveyChecker` is the one implementation; the rule modules (`question_rules`,
`order_rules`, `outcome_rules`) are typed against this protocol so that they need not import
`validation`, which imports them.
"""

from __future__ import annotations

from typing import Protocol

from feedback.surveys.core import CoreDataSet
from feedback.surveys.definition import SurveyDefinition, Text

__all__ = ["Checker"]


class Checker(Protocol):
    definition: SurveyDefinition
    core: CoreDataSet
    warnings: list[str]

    def fail(self, path: str, message: str) -> None: ...

    def text(
        self, path: str, value: Text | None, *, required: bool = False
    ) -> dict[str, str] | None: ...

    def core_text(self, value: Text | None) -> dict[str, str]: ...
