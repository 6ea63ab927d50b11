"""`feedback links create` as the public contract describes it."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import Cli

SURVEY = "surveys/service-satisfaction.yaml"


def _prepare(cli: Cli) -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert cli("surveys", "publish", str(root / SURVEY)).exit_code == 0
    assert cli("services", "add", "Advocacy Service", "--borough", "westminster").exit_code == 0


def test_links_create_prints_json_urls_once(cli: Cli) -> None:
    _prepare(cli)
    result = cli(
        "links",
        "create",
        "--survey",
        "service-satisfaction",
        "--service",
        "Advocacy Service",
        "--count",
        "3",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 3
    assert all(row["url"].startswith("http://127.0.0.1:8000/s/") for row in rows)
    assert len({row["url"] for row in rows}) == 3


def test_links_create_prints_csv_by_default(cli: Cli) -> None:
    _prepare(cli)
    result = cli(
        "links",
        "create",
        "--survey",
        "service-satisfaction",
        "--service",
        "Advocacy Service",
        "--count",
        "2",
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [list(row) for row in rows] == [["url"], ["url"]]


def test_code_create_prints_code_and_join_url(cli: Cli) -> None:
    _prepare(cli)
    result = cli(
        "links",
        "create",
        "--survey",
        "service-satisfaction",
        "--service",
        "Advocacy Service",
        "--kind",
        "code",
        "--cap",
        "30",
        "--expires",
        "2099-01-31",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["url"] == f"http://127.0.0.1:8000/join/{row['code']}"


def test_unknown_service_is_one_clear_line(cli: Cli) -> None:
    _prepare(cli)
    result = cli("links", "create", "--survey", "service-satisfaction", "--service", "Nope")
    assert result.exit_code == 1
    assert result.output.strip() == "error: service: no service named 'Nope'"
