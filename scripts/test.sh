#!/usr/bin/env bash
# README command 2 (and CI): install what the tests need, then lint, type-check and run the whole
# suite on SQLite and again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/system-deps.sh
export PG_TEST_URL=${PG_TEST_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}

echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== translations"; .venv/bin/python scripts/i18n.py check
echo "== pytest (SQLite)"
.venv/bin/python -m pytest "$@"
echo "== pytest (PostgreSQL)"
BOUSSOLE_TEST_DATABASE_URL="$PG_TEST_URL" .venv/bin/python -m pytest "$@"
