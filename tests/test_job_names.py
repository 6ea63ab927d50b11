"""Every job the code enqueues by name is registered on the worker.

A job name is a string at the call site (`queue.enqueue("tag_response", ...)`); a typo or a job
left out of `worker.FUNCTIONS` is only found when arq drops the job at run time, so this test
reads every call site in the source and checks its name against the worker's list."""

from __future__ import annotations

import ast
from pathlib import Path

import feedback
from feedback.worker import FUNCTIONS

SOURCE = Path(feedback.__file__).parent
# Calls whose first string argument (after an optional queue argument) names a job.
ENQUEUERS = {"enqueue", "enqueue_or_leave_to_sweep", "run_every"}


def _called_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    if isinstance(function, ast.Name):
        return function.id
    return None


def enqueued_job_names() -> dict[str, list[str]]:
    """Job name -> the places (file:line) that enqueue it by a literal name."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _called_name(node) not in ENQUEUERS:
                continue
            literal = next(
                (
                    arg.value
                    for arg in node.args[:2]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                ),
                None,
            )
            if literal is not None:
                where = f"{path.relative_to(SOURCE)}:{node.lineno}"
                found.setdefault(literal, []).append(where)
    return found


def test_every_enqueued_job_name_is_registered_on_the_worker() -> None:
    registered = {function.__name__ for function in FUNCTIONS}
    enqueued = enqueued_job_names()
    # The call sites this test exists for: if none were found, the reader is broken.
    assert {"tag_response", "send_invitation"} <= set(enqueued)
    unregistered = {name: places for name, places in enqueued.items() if name not in registered}
    assert unregistered == {}, f"enqueued but not in worker.FUNCTIONS: {unregistered}"
