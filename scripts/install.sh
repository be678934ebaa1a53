#!/usr/bin/env bash
# The project's virtualenv in .venv, with the project installed editable and pinned by
# constraints.txt. serve.sh and test.sh both start here. Usage: install.sh [EXTRAS]
# (e.g. `dev,postgres`).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".${1:+[$1]}"
