"""Settings, declared in one place so each one is documented (see docs/architecture.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a checkout holds data/ (the bundled seed); an installed package does not: then data/ is where you run it
DATA_DIR = ROOT / "data" if (ROOT / "data").is_dir() else Path.cwd() / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("MONITOR_DB", str(DATA_DIR / "monitor.duckdb"), "Path of the DuckDB file the CLI and dashboard use."),
    Setting("MONITOR_ROLES", str(ROOT / "config" / "roles.toml"),
            "Path of the roles file (emails and @domains to roles); absent: everyone is public."),
    Setting("MONITOR_API_CACHE_MB", "64", "Megabytes of built API responses the server keeps (0 turns it off)."),
    Setting("MONITOR_TOKEN", "", "Personal API token `import --server URL` sends (python -m monitor token create)."),
)


def setting(name: str) -> str:
    """Read a declared setting from the environment, else its default."""
    declared = {s.name: s for s in SETTINGS}[name]
    return os.environ.get(name) or declared.default


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Database path: --db, else MONITOR_DB, else data/monitor.duckdb."""
    return Path(explicit) if explicit else Path(setting("MONITOR_DB"))
