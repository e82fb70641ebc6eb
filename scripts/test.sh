#!/usr/bin/env bash
# One command: install the dev dependencies and Debian's Chromium (for the browser tests), lint, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# Debian packages the tests drive: Chromium (browser tests), LibreOffice and poppler (the pack printed as PDF)
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if ((${#missing[@]})); then
    echo "Installing ${missing[*]} for the tests..." >&2
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
.venv/bin/ruff check --quiet . || { echo "ruff found the problems above: fix them first" >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"
