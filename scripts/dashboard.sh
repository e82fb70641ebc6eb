#!/usr/bin/env bash
# One command: install, build data/monitor.duckdb from the bundled data if missing, start the dashboard and its
# read API (app.py: the pages, /api/v1, /feeds and /badge in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ ! -f "${MONITOR_DB:-data/monitor.duckdb}" ]]; then
    .venv/bin/python -m monitor init
fi
# loopback by default: the person at this machine may import and edit (local owner mode); to serve others,
# configure sign-in first (docs/deployment.md), then set ADDRESS=0.0.0.0
exec .venv/bin/python -m streamlit run app.py --server.address "${ADDRESS:-127.0.0.1}" --server.port "${PORT:-8501}" "$@"
