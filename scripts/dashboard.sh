#!/usr/bin/env bash
# One command: install, build data/monitor.duckdb from the bundled data if missing, start the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ ! -f "${MONITOR_DB:-data/monitor.duckdb}" ]]; then
    .venv/bin/python -m monitor init
fi
exec .venv/bin/python -m streamlit run dashboard.py --server.port "${PORT:-8501}" "$@"
