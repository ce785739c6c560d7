#!/usr/bin/env bash
# README command 1: Boussole on SQLite with a demo LMS, at http://localhost:5000/demo
set -euo pipefail
cd "$(dirname "$0")/.."
BOUSSOLE_EXTRAS=${BOUSSOLE_EXTRAS:-dev} bash scripts/bootstrap.sh
exec .venv/bin/boussole demo "$@"
