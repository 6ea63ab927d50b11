"""axe-core in the page under test. The engine is the axe.min.js that the
axe-playwright-python package ships (a test extra); our CSP blocks injected scripts, so only
a context opened with bypass_csp=True may run it."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from playwright.sync_api import Page


@cache
def axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe rule that fails on the loaded page (axe's default rule set: WCAG A and AA
    plus best practices), as {id, impact, help, targets}."""
    page.add_script_tag(content=axe_source())
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": rule["id"],
            "impact": rule["impact"],
            "help": rule["help"],
            "targets": [node["target"] for node in rule["nodes"]],
        }
        for rule in results["violations"]
    ]
