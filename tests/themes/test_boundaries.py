"""Respondent-facing code can never load an opening key: import-linter checks the graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_public_routes_never_import_the_opening_key_or_the_tagging_job() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(  # noqa: S603
        [str(lint)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    summary = " ".join(result.stdout.split())
    assert "never reach an opening key or the tagging job KEPT" in summary, result.stdout
