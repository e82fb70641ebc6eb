"""The project's own text in English and Spanish (Streamlit has no i18n): catalogues, not code.

Catalogues are monitor/locales/<lang>.toml with flat dotted keys; scale labels and definitions come
from vocabulary/reference/scales.csv (columns label_<lang>, definition_<lang>). A new language is a new
catalogue file plus two columns in that CSV.
"""
from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import cache
from importlib import resources

from vocabulary import scales

LANGUAGES = ("en", "es")
DEFAULT = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    text = (resources.files("monitor") / "locales" / f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT


def t(key: str, lang: str = DEFAULT, **values) -> str:
    """Text for `key` in `lang`, falling back to English, then to the key itself (visible, never blank)."""
    text = catalogue(language(lang)).get(key) or catalogue(DEFAULT).get(key) or key
    return text.format(**values) if values else text


def in_language(source, field: str, lang: str = DEFAULT):
    """`<field>_es` where Spanish is asked for and written, else `field`: a dict row or a DataFrame's column."""
    spanish = f"{field}_{lang}" if lang != DEFAULT else None
    if hasattr(source, "columns"):
        if spanish and spanish in source.columns:
            return source[spanish].where(source[spanish].notna() & (source[spanish] != ""), source[field])
        return source[field]
    chosen = source.get(spanish) if spanish else None
    return chosen if isinstance(chosen, str) and chosen else source.get(field)


def scale_label(scale_id: str | None, code: str | None, lang: str = DEFAULT) -> str | None:
    found = scales.value(scale_id, code) if scale_id and code else None
    if not found:
        return None
    return getattr(found, f"label_{language(lang)}", "") or found.label_en


def completion_label(code: str | None, lang: str = DEFAULT) -> str:
    """A completion code as words; unknown reads 'not yet assessed', never blank or zero."""
    return scale_label("completion", code, lang) or t("missing.not_assessed", lang)


def band_label(kind: str, band: str | None, lang: str = DEFAULT) -> str:
    return t(f"band.{kind}.{band}", lang) if band else t("missing.not_assessed", lang)


def missing_label(reason: str | None, lang: str = DEFAULT) -> str:
    return t(f"missing.{reason}", lang) if reason else t("missing.not_assessed", lang)


def statement_subject(subject_type: str | None, seq, title, lang: str = DEFAULT) -> str:
    """What a progress statement is about, in words: the commitment as a whole, or which milestone."""
    if subject_type != "milestone":
        return t("statement.commitment", lang)
    number = f" {int(seq)}" if seq is not None and seq == seq else ""
    named = f": {title}" if isinstance(title, str) and title else ""
    return t("statement.milestone", lang, number=number, title=named)


def plan_label(plan: tuple, lang: str = DEFAULT) -> str:
    """An action plan as (id, member name, number, start year, end year) -> 'Mexico NAP4 (2019-2021)'."""
    code, member, number, start, end = plan
    years = f" ({start}-{end})" if start and end else ""
    return f"{member or code} {t('ui.plan_short', lang)}{number if number is not None else '?'}{years}"


def fmt_date(value, lang: str = DEFAULT) -> str:
    """ISO dates everywhere: unambiguous in both languages."""
    if value is None or value != value:  # None or NaT/NaN
        return t("missing.no_date", lang)
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def fmt_int(value, lang: str = DEFAULT) -> str:
    text = f"{int(value):,}"
    return text.replace(",", "\u00a0") if lang == "es" else text
