"""The reader's language: ?lang= in the URL, else what this session last used, else English."""
from __future__ import annotations

import streamlit as st

from monitor.i18n import LANGUAGES, language, t

NAMES = {"en": "English", "es": "Español"}


def lang() -> str:
    wanted = st.query_params.get("lang") or st.session_state.get("_lang")
    return language(wanted)


def tr(key: str, **values) -> str:
    """The catalogue text for `key` in the reader's language."""
    return t(key, lang(), **values)


def language_switch() -> str:
    """English/Español control in the sidebar; the choice is always written to ?lang= so links carry it."""
    current = lang()
    chosen = st.sidebar.segmented_control(t("ui.language", current), LANGUAGES, default=current,
                                          format_func=NAMES.get, key=f"lang_switch_{current}", required=True)
    chosen = language(chosen)
    st.session_state["_lang"] = chosen
    st.query_params["lang"] = chosen
    return chosen
