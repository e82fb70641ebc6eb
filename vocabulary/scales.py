"""Published rating scales and their synonyms (reference data, no database needed)."""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Tokens that mean "no value", each for a different reason. Never read them as 0.
MISSING_TOKENS = {"nd": "ND", "nr": "NR", "na": "NA", "n/a": "NA", "not applicable": "NA",
                  "no evidence available": "no_evidence"}



@dataclass(frozen=True)
class ScaleValue:
    scale_id: str
    code: str
    ordinal: int | None
    ogp_export_code: str
    band: str
    label_en: str
    label_es: str
    definition_en: str
    definition_es: str
    source_url: str


def fold(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form used to match labels."""
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.split())


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("vocabulary") / "reference" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def scale_values() -> tuple[ScaleValue, ...]:
    rows = _rows("scales.csv")
    return tuple(
        ScaleValue(**{**r, "ordinal": int(r["ordinal"]) if r["ordinal"] else None}) for r in rows
    )


@cache
def synonyms() -> tuple[dict[str, str], ...]:
    return tuple(_rows("synonyms.csv"))


@cache
def _lookup() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for v in scale_values():
        table[(v.scale_id, fold(v.code.replace("_", " ")))] = v.code
        table[(v.scale_id, fold(v.label_en))] = v.code
        if v.label_es:
            table[(v.scale_id, fold(v.label_es))] = v.code
    for s in synonyms():
        table[(s["scale_id"], fold(s["raw_label"]))] = s["code"]
    return table


def value(scale_id: str, code: str) -> ScaleValue | None:
    return next((v for v in scale_values() if v.scale_id == scale_id and v.code == code), None)


def resolve(scale_id: str, raw: str) -> str | None:
    """Canonical code for a published label, synonym or Spanish label; None when unknown."""
    return _lookup().get((scale_id, fold(raw)))


def missing_reason(raw: str) -> str | None:
    """ND, NR, NA or no_evidence when the cell is a missing-value token, else None."""
    return MISSING_TOKENS.get(fold(raw))


def allowed_labels(scale_id: str) -> list[str]:
    return [v.label_en for v in scale_values() if v.scale_id == scale_id]


def band(scale_id: str, code: str | None) -> str | None:
    found = value(scale_id, code) if code else None
    return found.band if found else None
