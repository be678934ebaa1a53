#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the store tests (the same code runs on SQLite
# and on Postgres; the tests run it on both).
#
#   scripts/postgres-local.sh install   apt-get install postgresql (as root)
#   scripts/postgres-local.sh start     start it (initialising it the first time)
#   scripts/postgres-local.sh url       print its DATABASE_URL
#   scripts/postgres-local.sh stop
#
# One cluster per PG_PORT (default 5499), in /var/tmp, owned by the postgres user,
# trusting local connections; it never touches a system cluster.
set -euo pipefail

PORT="${PG_PORT:-5499}"
STATE_DIR="/var/tmp/redmine-slack-postgres"
DATA="$STATE_DIR/data-$PORT"
LOG="$STATE_DIR/server-$PORT.log"
DB=redmine_slack_test

say() { echo "postgres-local: $*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { say "PostgreSQL is not installed: run '$0 install' as root"; exit 1; }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

do_install() {
  if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" = 0 ] || { say "installing PostgreSQL needs root"; exit 1; }
  say "installing PostgreSQL from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

running() { [ -f "$DATA/postmaster.pid" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

do_start() {
  local bin; bin=$(pg_bin)
  mkdir -p "$STATE_DIR"
  chown postgres: "$STATE_DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$DATA" --auth=trust --username=postgres -E UTF8 >/dev/null
  fi
  if ! running; then
    as_postgres "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -k $STATE_DIR -c fsync=off" start >/dev/null
  fi
  if ! as_postgres "$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  fi
}

do_stop() {
  running && as_postgres "$(pg_bin)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
}

case "${1:-start}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  url) echo "postgresql+asyncpg://postgres@127.0.0.1:$PORT/$DB" ;;
  *) echo "usage: $0 install|start|stop|url" >&2; exit 2 ;;
esac
