"""Errors on staff forms, named as the page labels the field.

Services raise `InvalidInput("opens_on: enter a date ...")`, naming their own argument, so the
CLI and the API can say which value is wrong. A person on a page knows the field only by its
label, so each form declares once, beside its route, which field each of those names means:
the id the error summary links to and the label the page shows. The page then says
"Opening date: enter a date ..." and marks that field, and nothing else, as in error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from feedback.errors import FeedbackError

__all__ = ["FormField", "FormLabels"]

# `name: problem` or `name 'value': problem`, as services word them (`errors.InvalidInput`).
_NAMED = re.compile(
    r"(?P<name>[a-z][a-z_, ]*?)(?P<value> '[^']*'| \"[^\"]*\")?: (?P<problem>.+)", re.S
)


@dataclass(frozen=True)
class FormField:
    """A field of one form: the input's id on the page and the label beside it."""

    id: str
    label: str


class FormLabels:
    """One form's fields, keyed by every name a service error may use for them.

    `fields` maps a name to its label (the id is then the name), or to a `FormField` when
    the page's id differs (the service says `service_id`, the page's select is `service`).
    An error naming no declared field, or none at all (a refusal about the whole action), is
    shown without the internal name and linked to `default`.
    """

    def __init__(self, default: str, fields: Mapping[str, str | FormField]) -> None:
        self.fields = {
            name: value if isinstance(value, FormField) else FormField(name, value)
            for name, value in fields.items()
        }
        if default not in {f.id for f in self.fields.values()}:
            raise ValueError(f"default field {default!r} is not one of the form's fields")
        self.default = default

    def field_for(self, message: str) -> tuple[FormField | None, str]:
        """The field a message names, and the message as the page says it."""
        found = _NAMED.fullmatch(message.strip())
        if found is None:
            return None, message
        field = self.fields.get(found.group("name"))
        problem = found.group("problem")
        if field is None:
            if not re.fullmatch(r"[a-z_]+", found.group("name")):
                return None, message  # words before a colon, not a field's name
            return None, problem[:1].upper() + problem[1:]
        return field, f"{field.label}{found.group('value') or ''}: {problem}"

    def context(self, problem: FeedbackError | str | None) -> dict[str, str | None]:
        """`error` and `error_field` for the page template (`staff/error_summary.html`);
        both None when there is no problem, so no field shows the error style."""
        if problem is None:
            return {"error": None, "error_field": None}
        message = problem.message if isinstance(problem, FeedbackError) else problem
        field, shown = self.field_for(message)
        return {"error": shown, "error_field": field.id if field else self.default}
