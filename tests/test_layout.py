"""The layout's promises, checked on the source: imports run one way, pages hold no database code.

vocabulary <- loaders <- monitor (storage <- reads and the writer <- exports and the API's builders <- CLI)
<- webui (and its HTTP routes, webui.api) <- pages and the ASGI entry app.py.
See docs/architecture.md for why each layer sits where it does.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("vocabulary", "loaders", "monitor", "webui", "app_pages")
# Lowest first; a module may import only modules of its own layer or below.
LAYERS = (
    ("vocabulary",),
    ("loaders",),
    ("monitor.config", "monitor.i18n", "monitor.filters", "monitor.palette", "monitor.charts", "monitor.search_index",
     "monitor.auth", "monitor.audit",
     "monitor.export.safe"),  # pure text rules (no project imports): the writer's forms check links with them
    ("monitor.db",),
    ("monitor.queries", "monitor.metrics", "monitor.store", "monitor.seed", "monitor.work"),
    ("monitor.export", "monitor.linkcheck", "monitor.api"),
    ("monitor.cli", "monitor.__main__", "monitor"),
    ("webui",),
    ("app_pages", "dashboard", "app"),
)
WRITER = ("monitor.store", "monitor.seed", "monitor.work")
READERS = ("monitor.queries", "monitor.metrics", "monitor.export")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files() -> dict[str, Path]:
    files = {"dashboard": ROOT / "dashboard.py", "app": ROOT / "app.py"}
    for package in PACKAGES:
        files.update({module_name(p): p for p in (ROOT / package).rglob("*.py")})
    return files


def imported(path: Path, known: set[str]) -> set[str]:
    """Project modules a file imports anywhere (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            subs = {f"{node.module}.{a.name}" for a in node.names}
            found |= (subs & known) or {node.module}
    return {name for name in found if name in known or name.split(".")[0] in PACKAGES}


def layer(module: str) -> int:
    matches = [(len(prefix), i) for i, names in enumerate(LAYERS) for prefix in names
               if module == prefix or module.startswith(prefix + ".")]
    assert matches, f"{module} belongs to no layer: add it to LAYERS in tests/test_layout.py"
    return max(matches)[1]


def in_group(module: str, group: tuple[str, ...]) -> bool:
    return any(module == g or module.startswith(g + ".") for g in group)


FILES = project_files()
GRAPH = {name: imported(path, set(FILES)) for name, path in FILES.items()}


def test_imports_never_point_up_a_layer():
    back = [f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
            for a, targets in GRAPH.items() for b in targets if layer(b) > layer(a)]
    assert not back, "\n".join(back)


def test_reads_never_import_the_writer():
    wrong = [f"{a} imports {b}" for a, targets in GRAPH.items() if in_group(a, READERS)
             for b in targets if in_group(b, WRITER)]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(GRAPH.get(node, ())):
            if state.get(nxt) == "open":
                pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for start in sorted(GRAPH):
        if start not in state:
            visit(start, [start])


def test_loaders_never_touch_the_database():
    """Loaders import nothing of monitor/; DuckDB only as an in-memory engine (loaders.batch.stable_ids)."""
    for name, path in FILES.items():
        if in_group(name, ("loaders", "vocabulary")):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"duckdb\.connect\([^)]", text), f"{name} opens a database file"
            assert not any(in_group(m, ("monitor",)) for m in GRAPH[name]), f"{name} imports monitor"


def test_only_the_ui_imports_streamlit():
    for name, path in FILES.items():
        if not in_group(name, ("webui", "app_pages", "dashboard", "app")):
            modules = {a.name.split(".")[0] for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Import)
                       for a in n.names}
            modules |= {n.module.split(".")[0] for n in ast.walk(ast.parse(path.read_text()))
                        if isinstance(n, ast.ImportFrom) and n.module}
            assert "streamlit" not in modules, f"{name} imports streamlit"


PAGES = sorted(n for n in FILES if in_group(n, ("app_pages", "dashboard")))


@pytest.mark.parametrize("name", PAGES)
def test_pages_hold_no_database_code_and_no_raw_html(name):
    text = FILES[name].read_text(encoding="utf-8")
    assert "duckdb" not in text and "cursor(" not in text and "connection(" not in text
    assert not re.search(r"\.execute\(|\bselect\s+.+\s+from\s|insert\s+into|delete\s+from", text, re.I | re.S)
    assert "unsafe_allow_html=True" not in text and "st.html(" not in text and "components.html(" not in text


def test_page_files_and_urls_come_from_the_registry():
    """webui/pages.py names every page file and URL; a page that spells one out breaks on a rename."""
    for name in FILES:
        if in_group(name, ("webui", "app_pages", "dashboard")) and name != "webui.pages":
            text = FILES[name].read_text(encoding="utf-8")
            assert not re.search(r"[\"']/?(app_pages/|views/|/commitment\?)", text), name
    assert not (ROOT / "pages").exists(), "a pages/ folder switches Streamlit to its legacy multipage mode"
