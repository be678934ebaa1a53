#!/usr/bin/env bash
# Run every check on a fresh machine: venv + install, lint, types, and the tests
# (unit, and integration against a real Redmine that tests/redmine_server.py starts;
# the store's tests also on a real PostgreSQL that tests/databases.py starts).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh dev,postgres

# A real Redmine needs Debian packages; install them up front as root so the test
# session does not spend its first minute in apt (the fixture would do it otherwise).
if [ -z "${REDMINE_TEST_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  bash scripts/redmine-local.sh install
fi
# The store tests run on PostgreSQL too (tests/databases.py starts it).
if [ -z "${TEST_POSTGRES_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  bash scripts/postgres-local.sh install
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

set +e
.venv/bin/pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"
