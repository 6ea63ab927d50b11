"""Plain builders for survey tests: load a shipped survey as data, write it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from feedback.surveys.core import CoreDataSet, load_core
from feedback.surveys.definition import SurveyDefinition
from feedback.surveys.files import decode_yaml
from feedback.surveys.validation import CheckedSurvey, check_survey

ROOT = Path(__file__).resolve().parents[2]
CORE = load_core(ROOT / "surveys" / "core.yaml")


def shipped(slug: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "surveys" / f"{slug}.yaml").read_text(encoding="utf-8"))


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def check(data: Any, core: CoreDataSet = CORE, file: str = "test.yaml") -> CheckedSurvey:
    definition = decode_yaml(dump(data), SurveyDefinition, file=file)
    return check_survey(definition, core, file=file)


def write(folder: Path, slug: str, data: Any) -> Path:
    path = folder / "surveys" / f"{slug}.yaml"
    path.write_bytes(dump(data))
    return path
