#!/usr/bin/env bash
# Install (Debian, as root) and start a real Redmine on loopback for tests and trying it out.
#
#   scripts/redmine-local.sh install   # apt-get install redmine + sqlite (+ thin), enable REST API, keep a pristine DB
#   scripts/redmine-local.sh start     # serve on 127.0.0.1:$REDMINE_PORT (default 3100), wait until it answers
#   scripts/redmine-local.sh reset     # stop, copy the pristine database back, start
#   scripts/redmine-local.sh stop
#   scripts/redmine-local.sh env       # print REDMINE_TEST_URL=... and REDMINE_TEST_API_KEY=...
#   scripts/redmine-local.sh runner 'RUBY'  # bin/rails runner on this port's database (no single quotes)
#   scripts/redmine-local.sh fresh     # install if needed, reset to the pristine database, print env
#   scripts/redmine-local.sh oauth-app NAME REDIRECT_URI SCOPES
#                                      # Redmine 6.1+: register an OAuth2 application in this
#                                      # port's instance (as Administration -> Applications
#                                      # does), print OAUTH_CLIENT_ID=... and OAUTH_CLIENT_SECRET=...
#
# With no argument: install if needed, start if needed, then print the env lines.
#
# REDMINE_LANG=ja (any language Redmine ships, as config/locales names it: de, fr, pt-BR,
# zh ...) on up/start/reset/fresh gives this port's instance Redmine's default data in that
# language, loaded as a Japanese admin's install does (`rake redmine:load_default_data
# REDMINE_LANG=ja`: trackers バグ/機能/サポート, statuses 新規/進行中/..., priorities, roles,
# activities). Its pristine copy (pristine-ja.sqlite3) is made once from the English one,
# which stays as it is for every other port. Unset or `en`: English, as before.
#
# REDMINE_VERSION picks which Redmine, each from Debian's own packages:
#   5.0 (default)  the machine's Debian (bookworm): redmine + thin, served by thin
#   6.0            Debian trixie's package, 6.1 Debian sid's: each in its own root made with
#                  `debootstrap --variant=minbase` under /var/tmp/redmine-root-<version>,
#                  served from that root (chroot) by puma
# One instance per REDMINE_PORT, whatever the version.
set -euo pipefail

PORT="${REDMINE_PORT:-3100}"
VERSION="${REDMINE_VERSION:-5.0}"
SHARE=/usr/share/redmine
DB_DIR=/var/lib/dbconfig-common/sqlite3/redmine/instances/default
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
case "$VERSION" in
  5.0) SUITE="" ROOT="" ;;
  6.0) SUITE=trixie ROOT="${REDMINE_ROOT:-/var/tmp/redmine-root-6.0}" ;;
  6.1) SUITE=sid ROOT="${REDMINE_ROOT:-/var/tmp/redmine-root-6.1}" ;;
  *) printf 'redmine-local: REDMINE_VERSION=%s is not one of 5.0, 6.0, 6.1\n' "$VERSION" >&2; exit 2 ;;
esac
if [ -n "$ROOT" ]; then
  # Inside the root the same paths hold; the host reaches them under $ROOT. The state
  # directory lives in the root so the chrooted server can open the instance databases.
  STATE_IN=/var/lib/redmine-slack
  STATE_DIR="$ROOT$STATE_IN"
else
  STATE_DIR="${REDMINE_STATE_DIR:-/var/tmp/redmine-slack-redmine}"
  STATE_IN="$STATE_DIR"
fi
ENGLISH_PRISTINE="$STATE_DIR/pristine.sqlite3"
DATA_LANG="${REDMINE_LANG:-en}"
case "$DATA_LANG" in
  en) PRISTINE="$ENGLISH_PRISTINE" ;;
  *[!A-Za-z-]*) printf 'redmine-local: REDMINE_LANG=%s is not a language code\n' "$DATA_LANG" >&2; exit 2 ;;
  *) PRISTINE="$STATE_DIR/pristine-$DATA_LANG.sqlite3" ;;
esac
# Each port is its own instance with its own copy of the database, so several test
# sessions can run side by side (REDMINE_PORT=3101 scripts/redmine-local.sh fresh).
PIDFILE="$STATE_DIR/server-$PORT.pid"
LOG="$STATE_DIR/server-$PORT.log"
INSTANCE_DB="$STATE_DIR/db-$PORT.sqlite3"
INSTANCE_DB_IN="$STATE_IN/db-$PORT.sqlite3"
INSTANCE_LANG="$STATE_DIR/db-$PORT.lang"  # which default data this port's database was copied with

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
  ls "$ROOT$DB_DIR"/* 2>/dev/null | grep -Ev -- '-(journal|wal|shm)$' | head -n 1
}

in_root() {
  # Run a command on the machine (5.0) or inside the version's root (6.x).
  if [ -z "$ROOT" ]; then
    "$@"
  else
    mount_root
    chroot "$ROOT" /usr/bin/env REDMINE_INSTANCE=default RAILS_ENV=production "$@"
  fi
}

mount_root() {
  # What Ruby and apt need from the kernel inside the root; released when the script
  # exits with no server of this version left running (release_root).
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
  trap release_root EXIT
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
}

release_root() {
  # Unmount once no server of this version runs: a bind-mounted /dev left under /var/tmp
  # would be emptied by anyone who removes the root with rm -rf.
  [ -n "$ROOT" ] || return 0
  local pidfile
  for pidfile in "$STATE_DIR"/server-*.pid; do
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && return 0
  done
  ! mountpoint -q "$ROOT/dev" || umount "$ROOT/dev" || umount -l "$ROOT/dev"
  ! mountpoint -q "$ROOT/proc" || umount "$ROOT/proc" || umount -l "$ROOT/proc"
}

rails_runner() {
  in_root /bin/sh -c "cd $SHARE && exec ruby bin/rails runner '$1'"
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

installed() { [ -x "$ROOT$SHARE/bin/rails" ] && [ -f "$ENGLISH_PRISTINE" ] && [ -n "$(db_file)" ]; }

install_root() {
  # Redmine 6.x from a newer Debian suite, in a root of its own (nothing on the machine changes).
  if ! [ -x "$ROOT/usr/bin/apt-get" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq; apt-get install -y -qq debootstrap >/dev/null; }
    say "making a Debian $SUITE root in $ROOT with debootstrap (a few minutes)"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 \
      || { say "debootstrap failed; see $ROOT.debootstrap.log"; tail -n 20 "$ROOT.debootstrap.log" >&2; exit 1; }
  fi
  mkdir -p "$STATE_DIR"
  if ! [ -x "$ROOT$SHARE/bin/rails" ]; then
    say "installing Redmine $VERSION (redmine, redmine-sqlite from $SUITE) inside $ROOT (about two minutes)"
    # sid's Release file can be past its Valid-Until on a mirror; its signature still counts.
    local apt_opts=(-o Acquire::Check-Valid-Until=false)
    # No daemon starts inside the root while packages install.
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod +x "$ROOT/usr/sbin/policy-rc.d"
    in_root /bin/sh -c 'printf "%s\n" \
      "redmine redmine/instances/default/dbconfig-install boolean true" \
      "redmine redmine/instances/default/database-type select sqlite3" | debconf-set-selections'
    in_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update -qq
    in_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -qq \
      --no-install-recommends redmine redmine-sqlite ca-certificates >"$STATE_DIR/apt.log" 2>&1 \
      || { say "apt-get install failed inside $ROOT; see $STATE_DIR/apt.log"; tail -n 20 "$STATE_DIR/apt.log" >&2; exit 1; }
  fi
}

do_install() {
  need_root install
  if [ -n "$ROOT" ]; then
    install_root
  elif ! [ -x "$SHARE/bin/rails" ]; then
    mkdir -p "$STATE_DIR"
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
  mkdir -p "$STATE_DIR"
  say "enabling the REST API and saving a pristine database"
  # Redmine 6.x (Rails 7.2) keeps SQLite in WAL mode and may exit leaving the writes in
  # the -wal file: fold them into the database file before it is copied.
  rails_runner 'Setting.rest_api_enabled = "1"; Setting.attachment_max_size = 5120; User.find_by_login("admin").api_key; ActiveRecord::Base.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")' >/dev/null
  cp "$(db_file)" "$ENGLISH_PRISTINE"
}

make_lang_pristine() {
  # The English pristine database with its default data taken out (what a fresh install
  # is before `rake redmine:load_default_data`), then Redmine's own task run with
  # REDMINE_LANG: the data a team that installed Redmine in that language starts with.
  # The admin, its API key and the settings (REST API on) are the English pristine's.
  [ -f "$PRISTINE" ] && return 0
  [ -f "$ROOT$SHARE/config/locales/$DATA_LANG.yml" ] || {
    say "Redmine $VERSION has no locale '$DATA_LANG' (see $SHARE/config/locales)"; exit 2; }
  local build="pristine-$DATA_LANG-$PORT.building.sqlite3"
  rm -f "$STATE_DIR/$build" "$STATE_DIR/$build-wal" "$STATE_DIR/$build-shm"
  cp "$ENGLISH_PRISTINE" "$STATE_DIR/$build"
  cat >"$STATE_DIR/load-default-data-$PORT.rb" <<'RUBY'
# Taken out with their own destroy (which refuses anything in use: a pristine database has
# no project, issue or member), so join tables and workflows go with them.
ActiveRecord::Base.transaction do
  WorkflowRule.delete_all
  Query.destroy_all
  Tracker.all.each(&:destroy!)
  IssueStatus.all.each(&:destroy!)
  Enumeration.all.each(&:destroy!)
  Role.where(builtin: 0).each(&:destroy!)
end
Rails.application.load_tasks
Rake::Task["redmine:load_default_data"].invoke
# The task reports a failure and still exits 0: check what it loaded.
raise "no default data was loaded" unless Tracker.exists? && IssueStatus.exists? && Role.where(builtin: 0).exists?
puts "trackers: #{Tracker.sorted.map(&:name).join(", ")}"
puts "statuses: #{IssueStatus.sorted.map(&:name).join(", ")}"
ActiveRecord::Base.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
RUBY
  say "loading Redmine's default data in '$DATA_LANG' (rake redmine:load_default_data REDMINE_LANG=$DATA_LANG)"
  in_root /usr/bin/env DATABASE_URL="sqlite3:$STATE_IN/$build" REDMINE_LANG="$DATA_LANG" /bin/sh -c \
    "cd $SHARE && exec ruby bin/rails runner \"\$0\"" "$STATE_IN/load-default-data-$PORT.rb" >&2 \
    || { say "loading the '$DATA_LANG' default data failed"; rm -f "$STATE_DIR/$build"; exit 1; }
  rm -f "$STATE_DIR/$build-wal" "$STATE_DIR/$build-shm" "$STATE_DIR/load-default-data-$PORT.rb"
  mv "$STATE_DIR/$build" "$PRISTINE"
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
  if running; then
    [ "$(cat "$INSTANCE_LANG" 2>/dev/null || echo en)" = "$DATA_LANG" ] && return 0
    say "port $PORT serves Redmine's '$(cat "$INSTANCE_LANG" 2>/dev/null || echo en)' default data, not '$DATA_LANG': use reset or fresh, or another REDMINE_PORT"
    return 1
  fi
  # Not ours (no live pid file for this version and port), yet something answers there:
  # another version's instance or another program. Tests would talk to the wrong Redmine.
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null; then
    say "port $PORT is taken by another server (not this Redmine $VERSION): pick another REDMINE_PORT"
    return 1
  fi
  mkdir -p "$STATE_DIR"
  # A database copied with another language's default data is not the Redmine asked for.
  if ! [ -f "$INSTANCE_DB" ] || [ "$(cat "$INSTANCE_LANG" 2>/dev/null || echo en)" != "$DATA_LANG" ]; then
    copy_pristine
  fi
  chown www-data: "$INSTANCE_DB" 2>/dev/null || true
  if [ -n "$ROOT" ]; then mount_root; fi
  (exec setsid ${ROOT:+chroot "$ROOT"} /usr/bin/env REDMINE_INSTANCE=default RAILS_ENV=production \
    DATABASE_URL="sqlite3:$INSTANCE_DB_IN" /bin/sh -c "cd $SHARE && exec ruby bin/rails server \
    -e production -b 127.0.0.1 -p $PORT -P $STATE_IN/rails-$PORT.pid" >"$LOG" 2>&1) &
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
  release_root
}

copy_pristine() {
  # A -wal left by the last server belongs to the old database: it must not replay onto this one.
  rm -f "$INSTANCE_DB-wal" "$INSTANCE_DB-shm"
  make_lang_pristine
  cp "$PRISTINE" "$INSTANCE_DB"
  printf '%s\n' "$DATA_LANG" >"$INSTANCE_LANG"
}

do_reset() {
  do_stop
  copy_pristine
  do_start
}

oauth_app() {
  # Doorkeeper's own model, as Redmine's Applications page saves it (the public permissions
  # are always among its scopes); the secret is shown once: Redmine keeps only its hash.
  # Run against this port's database, which the running server reads as well.
  [ "$#" -eq 3 ] || { say "usage: $0 oauth-app NAME REDIRECT_URI SCOPES"; exit 2; }
  local script="$STATE_DIR/oauth-app-$PORT.rb"
  cat >"$script" <<'RUBY'
name, redirect_uri, scopes = ARGV.last(3)
scopes = (Redmine::AccessControl.public_permissions.map { |p| p.name.to_s } | scopes.split).join(" ")
app = Doorkeeper::Application.create!(name: name, redirect_uri: redirect_uri, scopes: scopes, confidential: true)
puts "OAUTH_CLIENT_ID=#{app.uid}"
puts "OAUTH_CLIENT_SECRET=#{app.plaintext_secret}"
RUBY
  in_root /usr/bin/env DATABASE_URL="sqlite3:$INSTANCE_DB_IN" /bin/sh -c \
    "cd $SHARE && exec ruby bin/rails runner \"\$0\" \"\$1\" \"\$2\" \"\$3\"" \
    "$STATE_IN/oauth-app-$PORT.rb" "$1" "$2" "$3" | grep '^OAUTH_'
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
  oauth-app) shift; oauth_app "$@" ;;
  runner)
    # On the instance's own database, not the pristine one (tests add what REST cannot).
    in_root /usr/bin/env DATABASE_URL="sqlite3:$INSTANCE_DB_IN" /bin/sh -c \
      "cd $SHARE && exec ruby bin/rails runner '${2:?give the Ruby to run}'"
    ;;
  *) say "unknown command '$1' (use: install, start, stop, reset, env, fresh, oauth-app, runner)"; exit 2 ;;
esac
