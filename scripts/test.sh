#!/usr/bin/env bash
# One command: install the dev dependencies and Debian's Chromium (for the browser tests), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if [[ ! -x /usr/bin/chromium ]]; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
