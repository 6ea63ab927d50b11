#!/usr/bin/env bash
# One command to set up and run every check: lint, types, import contracts, tests on SQLite
# and PostgreSQL, queue tests on Redis. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
.venv/bin/ruff check src tests migrations bench
.venv/bin/ruff format --check src tests migrations bench
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/pytest "$@"
