#!/usr/bin/env bash
# One command: install, build data/monitor.duckdb from the bundled data if missing, start the dashboard and its
# read API (app.py: the pages, /api/v1, /feeds and /badge in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ ! -f "${MONITOR_DB:-data/monitor.duckdb}" ]]; then
    .venv/bin/python -m monitor init
fi
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
