#!/usr/bin/env bash
# One command to set up and run every check: lint, types, import contracts, tests on SQLite
# and PostgreSQL, queue tests on Redis. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
if [ ! -x /usr/bin/chromium ]; then
  { DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >/dev/null \
    || echo "warning: could not install chromium; browser tests will be skipped (fail in CI)" >&2
fi
.venv/bin/ruff check src tests migrations bench
.venv/bin/ruff format --check src tests migrations bench
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/pytest "$@"
