"""Errors on staff forms, named as the page labels the field.

Services raise `InvalidInput("enter a date ...", field="opens_on")`, naming their own
argument, so the CLI and the API can say which value is wrong ("opens_on: enter a date ...").
A person on a page knows the field only by its label, so each form declares once, beside its
route, which field each of those names means: the id the error summary links to and the label
the page shows. The page then says "Opening date: enter a date ..." and marks that field, and
nothing else, as in error. The message text is never parsed: the error carries its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from feedback.errors import FeedbackError

__all__ = ["FormField", "FormLabels"]


@dataclass(frozen=True)
class FormField:
    """A field of one form: the input's id on the page and the label beside it."""

    id: str
    label: str


class FormLabels:
    """One form's fields, keyed by every name a service error may use for them.

    `fields` maps a name to its label (the id is then the name), or to a `FormField` when
    the page's id differs (the service says `service_id`, the page's select is `service`).
    An error naming no declared field is shown without the internal name, and one naming none
    (a refusal about the whole action) as it is; both link to `default`.
    """

    def __init__(self, default: str, fields: Mapping[str, str | FormField]) -> None:
        self.fields = {
            name: value if isinstance(value, FormField) else FormField(name, value)
            for name, value in fields.items()
        }
        if default not in {f.id for f in self.fields.values()}:
            raise ValueError(f"default field {default!r} is not one of the form's fields")
        self.default = default

    def context(self, problem: FeedbackError | None) -> dict[str, str | None]:
        """`error` and `error_field` for the page template (`staff/error_summary.html`);
        both None when there is no problem, so no field shows the error style."""
        if problem is None:
            return {"error": None, "error_field": None}
        field = self.fields.get(problem.field) if problem.field else None
        if field is not None:
            labelled = f"{field.label}{problem.quoted_value}: {problem.problem}"
            return {"error": labelled, "error_field": field.id}
        # A name the page does not show is no help to the reader: the problem alone.
        shown = problem.problem[:1].upper() + problem.problem[1:] if problem.field else None
        return {"error": shown or problem.message, "error_field": self.default}
