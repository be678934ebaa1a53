#!/usr/bin/env bash
# Install (Debian, as root) and start a real Redmine on loopback for tests and trying it out.
#
#   scripts/redmine-local.sh install   # apt-get install redmine + sqlite + thin, enable REST API, keep a pristine DB
#   scripts/redmine-local.sh start     # serve on 127.0.0.1:$REDMINE_PORT (default 3100), wait until it answers
#   scripts/redmine-local.sh reset     # stop, copy the pristine database back, start
#   scripts/redmine-local.sh stop
#   scripts/redmine-local.sh env       # print REDMINE_TEST_URL=... and REDMINE_TEST_API_KEY=...
#   scripts/redmine-local.sh fresh     # install if needed, reset to the pristine database, print env
#
# With no argument: install if needed, start if needed, then print the env lines.
set -euo pipefail

PORT="${REDMINE_PORT:-3100}"
SHARE=/usr/share/redmine
DB_DIR=/var/lib/dbconfig-common/sqlite3/redmine/instances/default
STATE_DIR="${REDMINE_STATE_DIR:-/var/tmp/redmine-slack-redmine}"
PRISTINE="$STATE_DIR/pristine.sqlite3"
# Each port is its own instance with its own copy of the database, so several test
# sessions can run side by side (REDMINE_PORT=3101 scripts/redmine-local.sh fresh).
PIDFILE="$STATE_DIR/server-$PORT.pid"
LOG="$STATE_DIR/server-$PORT.log"
INSTANCE_DB="$STATE_DIR/db-$PORT.sqlite3"

export REDMINE_INSTANCE=default RAILS_ENV=production

say() { printf 'redmine-local: %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    say "this step installs Debian packages and must run as root (try: sudo $0 $*)"
    exit 1
  fi
}

db_file() {
  # dbconfig-common names the file after the database; take the one that is there.
  ls "$DB_DIR"/* 2>/dev/null | grep -v -- '-journal$' | head -n 1
}

rails_runner() {
  (cd "$SHARE" && ruby bin/rails runner "$1")
}

mark_debian_gems_installed() {
  # Bundler 2.3 treats a gem whose full_gem_path directory is missing as deleted and
  # then fails "Could not find X.gem for installation". Debian's ruby-* packages put
  # their code in vendor_ruby and leave that directory out, so create it (empty).
  local spec dir name
  for spec in /usr/share/rubygems-integration/*/specifications/*.gemspec \
              /usr/lib/*/rubygems-integration/*/specifications/*.gemspec; do
    [ -f "$spec" ] || continue
    dir=$(dirname "$(dirname "$spec")")/gems
    name=$(basename "$spec" .gemspec)
    mkdir -p "$dir/$name"
  done
}

installed() { [ -x "$SHARE/bin/rails" ] && [ -f "$PRISTINE" ] && [ -n "$(db_file)" ]; }

do_install() {
  need_root install
  mkdir -p "$STATE_DIR"
  if ! [ -x "$SHARE/bin/rails" ]; then
    say "installing redmine, redmine-sqlite and thin with apt-get (about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    cat <<'SEL' | debconf-set-selections
redmine redmine/instances/default/dbconfig-install boolean true
redmine redmine/instances/default/database-type select sqlite3
SEL
    apt-get update -qq
    # The first configure can fail (see mark_debian_gems_installed); finish it below.
    apt-get install -y -qq redmine redmine-sqlite thin >/dev/null || true
    mark_debian_gems_installed
    # Bundler caches a lock made before thin was there; drop it so thin is picked up.
    rm -f /var/lib/redmine/Gemfile.lock
    dpkg --configure -a
    rm -f /var/lib/redmine/Gemfile.lock
  fi
  say "enabling the REST API and saving a pristine database"
  rails_runner 'Setting.rest_api_enabled = "1"; Setting.attachment_max_size = 5120; User.find_by_login("admin").api_key' >/dev/null
  cp "$(db_file)" "$PRISTINE"
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

wait_until_up() {
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/issues.json" 2>/dev/null \
      || curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" 2>/dev/null | grep -q '^[23]'; then
      return 0
    fi
    running || { say "the server exited; last lines of $LOG:"; tail -n 20 "$LOG" >&2; return 1; }
    sleep 0.5
  done
  say "the server did not answer on port $PORT within 60 s; see $LOG"
  return 1
}

do_start() {
  running && return 0
  mkdir -p "$STATE_DIR"
  [ -f "$INSTANCE_DB" ] || cp "$PRISTINE" "$INSTANCE_DB"
  chown www-data: "$INSTANCE_DB" 2>/dev/null || true
  (cd "$SHARE" && DATABASE_URL="sqlite3:$INSTANCE_DB" exec setsid ruby bin/rails server \
    -e production -b 127.0.0.1 -p "$PORT" -P "$STATE_DIR/rails-$PORT.pid" >"$LOG" 2>&1) &
  echo $! >"$PIDFILE"
  wait_until_up
}

do_stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    # thin's graceful stop waits for open keep-alive connections, which a client
    # may hold for as long as it likes; after 5 s the server is stopped for good.
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
  fi
  rm -f "$PIDFILE" "$STATE_DIR/rails-$PORT.pid"
}

do_reset() {
  do_stop
  cp "$PRISTINE" "$INSTANCE_DB"
  do_start
}

admin_key() {
  rails_runner 'puts User.find_by_login("admin").api_key' | tail -n 1
}

do_env() {
  printf 'REDMINE_TEST_URL=http://127.0.0.1:%s\n' "$PORT"
  printf 'REDMINE_TEST_API_KEY=%s\n' "$(admin_key)"
}

case "${1:-up}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  reset) do_reset ;;
  env) do_env ;;
  up)
    installed || do_install
    do_start
    do_env
    ;;
  fresh)
    installed || do_install
    do_reset
    do_env
    ;;
  *) say "unknown command '$1' (use: install, start, stop, reset, env, fresh)"; exit 2 ;;
esac
