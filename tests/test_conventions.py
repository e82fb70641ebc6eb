"""Rules of the codebase that a reviewer would otherwise have to remember."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from monitor import config, i18n
from vocabulary import scales

ROOT = Path(__file__).resolve().parent.parent


def test_plotly_stays_off_the_pages_a_first_visit_lands_on():
    """Light charts are Vega-Lite specs (drawn by Streamlit itself); Plotly's 4.7 MB script is only for what
    Vega-Lite cannot draw, on pages a visitor opens on purpose, never on the entry point or the overview."""
    first_visit = [ROOT / "dashboard.py", ROOT / "app_pages" / "overview.py", *sorted((ROOT / "webui").rglob("*.py"))]
    for path in first_visit:
        assert not re.search(r"import plotly|from plotly|plotly_chart\(", path.read_text()), path.relative_to(ROOT)


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
