#!/usr/bin/env bash
# One command: install the dev dependencies and Debian's Chromium (for the browser tests), lint, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if [[ ! -x /usr/bin/chromium ]]; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check --quiet . || { echo "ruff found the problems above: fix them first" >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"
