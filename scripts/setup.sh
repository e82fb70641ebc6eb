#!/usr/bin/env bash
# Create .venv, install the pinned dependencies (runtime, or runtime + dev with --dev) and the project.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements.txt
[[ "${1:-}" == "--dev" ]] && requirements=requirements-dev.txt
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
# the project itself, editable: the `monitor` command (its dependencies are the pins just installed)
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
