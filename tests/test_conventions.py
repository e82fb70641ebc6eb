"""Rules of the codebase that a reviewer would otherwise have to remember."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import openpyxl
import pytest

from monitor import config, i18n
from vocabulary import scales

ROOT = Path(__file__).resolve().parent.parent


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


UI_FILES = python_files("app_pages") + python_files("webui") + [ROOT / "dashboard.py"]
# vocabulary <- loaders <- monitor <- webui <- app_pages: a layer imports only the layers to its left
LAYERS = ("vocabulary", "loaders", "monitor", "webui", "app_pages")


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_run_one_way(layer):
    above = LAYERS[LAYERS.index(layer) + 1:]
    for path in python_files(layer):
        wrong = {m for m in imported_modules(path) if m.split(".")[0] in above}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_only_the_dashboard_imports_streamlit_and_only_webui_holds_the_database():
    for path in python_files("vocabulary") + python_files("loaders") + python_files("monitor"):
        assert "streamlit" not in {m.split(".")[0] for m in imported_modules(path)}, path.relative_to(ROOT)
    for path in python_files("app_pages") + [ROOT / "dashboard.py"]:
        text = path.read_text(encoding="utf-8")
        assert "duckdb" not in {m.split(".")[0] for m in imported_modules(path)}, path.name
        assert "cursor(" not in text and "connection(" not in text, f"{path.name} holds a database cursor"


def test_page_files_and_urls_come_from_the_registry():
    """webui/pages.py names every page file and URL; a page that spells one out breaks on a rename."""
    for path in UI_FILES:
        if path.name != "pages.py":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"[\"']/?(app_pages/|views/|/commitment\?)", text), path.relative_to(ROOT)
    assert not (ROOT / "pages").exists(), "a pages/ folder switches Streamlit to its legacy multipage mode"


@pytest.mark.parametrize("path", python_files("loaders"), ids=lambda p: p.name)
def test_loaders_never_touch_the_database(path):
    touched = {m for m in imported_modules(path) if m.startswith(("monitor.db", "monitor.store"))}
    assert not touched, f"{path.name} imports {touched}: loaders must stay pure"


@pytest.mark.parametrize("path", python_files("app_pages") + [ROOT / "dashboard.py"], ids=lambda p: p.name)
def test_pages_hold_no_sql_and_no_raw_html(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.execute\(|\bselect\s+.+\s+from\s", text, re.I | re.S), f"SQL in {path.name}"
    assert "unsafe_allow_html=True" not in text and "st.html(" not in text and "components.html(" not in text


def test_one_chart_library():
    """Charts are plain Vega-Lite specs drawn by st.vega_lite_chart; Plotly is not a dependency any more."""
    for path in UI_FILES + python_files("monitor"):
        assert not {m for m in imported_modules(path) if m.split(".")[0] in ("plotly", "altair")}, path.name
        assert "plotly_chart(" not in path.read_text(encoding="utf-8"), path.name
    assert "plotly" not in (ROOT / "requirements.txt").read_text().lower()


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in doc]
    assert not missing


def test_spanish_catalogue_has_every_english_key():
    assert set(i18n.catalogue("en")) - set(i18n.catalogue("es")) == set()


def test_every_scale_value_has_a_spanish_label():
    assert [v for v in scales.scale_values() if not v.label_es] == []


def test_openpyxl_refuses_xml_entities_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_dependencies_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), f"{name}: {line} is not pinned"
