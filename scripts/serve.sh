#!/usr/bin/env bash
# One command to set up and run the service on the embedded default (SQLite under var/,
# jobs in-process, a local key file). Extra arguments go to `feedback serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/feedback serve "$@"
