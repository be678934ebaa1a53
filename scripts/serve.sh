#!/usr/bin/env bash
# Set up and run the service on this machine: venv + install, migrations, then
# `redmine-slack serve` (web + notification poller). Settings come from .env.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh
if [ ! -f .env ] && [ -z "${SLACK_BOT_TOKEN:-}" ]; then
  echo "No .env yet: copy .env.example to .env and fill it in (see docs/operations.md, 'Settings')." >&2
  exit 1
fi
exec .venv/bin/redmine-slack serve "$@"
