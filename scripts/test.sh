#!/usr/bin/env bash
# Run every check on a fresh machine: venv + install, lint, types, the unit and contract
# tests once, then the integration tests against each real Redmine (tests/redmine_server.py
# starts it through scripts/redmine-local.sh; the store's tests also run on a real
# PostgreSQL that tests/databases.py starts). Extra arguments go to every pytest run.
#
#   REDMINE_VERSIONS="5.0 6.0 6.1"  which Redmines the integration suite runs on (default: all three)
#   REDMINE_PORT=3100               the first one's port; the next ones take the ports after it
#   REDMINE_TEST_URL / REDMINE_TEST_API_KEY: run the integration suite once, on that Redmine
#                                   (say which version it is in REDMINE_VERSION)
#
# Each part's time and pytest's count are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSIONS="${REDMINE_VERSIONS:-5.0 6.0 6.1}"
BASE_PORT="${REDMINE_PORT:-3100}"
if [ -n "${REDMINE_TEST_URL:-}" ]; then
  VERSIONS="${REDMINE_VERSION:-5.0}"
fi
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
SUMMARY=()

# A part: its name, then the command. Its time and pytest's last line go in the summary.
part() {
  local name=$1 started=$SECONDS status=0
  shift
  "$@" 2>&1 | tee "$LOGS/part.log" || status=$?
  local counts
  counts=$(grep -E '^=*.*(passed|failed|error|no tests ran)' "$LOGS/part.log" | tail -n 1 | tr -d '=' | sed 's/^ *//;s/ *$//')
  SUMMARY+=("$(printf '%-28s %5ss  %s' "$name" "$((SECONDS - started))" "${counts:-}")")
  return "$status"
}

started=$SECONDS
bash scripts/install.sh dev,postgres

# Real Redmines need Debian packages (6.x: a debootstrapped root each); install them up
# front as root so no test session spends its first minutes in apt.
if [ -z "${REDMINE_TEST_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  for version in $VERSIONS; do
    REDMINE_VERSION="$version" bash scripts/redmine-local.sh install
  done
fi
# The store tests run on PostgreSQL too (tests/databases.py starts it).
if [ -z "${TEST_POSTGRES_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  bash scripts/postgres-local.sh install
fi
SUMMARY+=("$(printf '%-28s %5ss' "install (venv, Redmines, PG)" "$((SECONDS - started))")")

started=$SECONDS
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
SUMMARY+=("$(printf '%-28s %5ss' "ruff + mypy" "$((SECONDS - started))")")

# pytest's 5 means it collected nothing: that is a failure, not a pass.
run_pytest() {
  local status=0
  .venv/bin/pytest "$@" || status=$?
  if [ "$status" = 5 ]; then
    echo "pytest collected no tests: that is a failure, not a pass" >&2
    return 1
  fi
  return "$status"
}

# The integration suite on one Redmine version, on its own port; the server is stopped
# afterwards so the next version has the machine to itself.
integration_on() {
  local version=$1 port=$2 status=0
  shift 2
  REDMINE_VERSION="$version" REDMINE_PORT="$port" run_pytest -m integration "$@" || status=$?
  if [ -z "${REDMINE_TEST_URL:-}" ]; then
    REDMINE_VERSION="$version" REDMINE_PORT="$port" bash scripts/redmine-local.sh stop || true
  fi
  return "$status"
}

failed=0
part "unit + contract" run_pytest -m "not integration" "$@" || failed=1
index=0
for version in $VERSIONS; do
  part "integration on Redmine $version" integration_on "$version" "$((BASE_PORT + index))" "$@" \
    || failed=1
  index=$((index + 1))
done

printf '\n%s\n' "--- times (seconds) ---"
printf '%s\n' "${SUMMARY[@]}"
exit "$failed"
