"""Survey and consent-notice errors; every one names the file and the place inside it."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from feedback.errors import Conflict, InvalidInput


class Problem(msgspec.Struct, frozen=True):
    """One thing wrong with a definition file, at a path such as `sections[1].questions[3]`."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class SurveyInvalid(InvalidInput):
    """A survey, core data set or consent notice file is malformed; nothing was published."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "definition is invalid"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem(s))" if more > 0 else ""))


class IncompatibleChange(Conflict):
    """A new version would change what an existing question id means, so results would no
    longer be comparable across versions."""
