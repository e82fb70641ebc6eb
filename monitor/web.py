"""Streamlit glue: the only place pages get data, language, filters and safe downloads from.

Pages stay UI-only: they call `read("query_name", ...)` (a function of monitor.queries), never SQL.
One DuckDB connection per database file and process, a new cursor per query (a shared connection
gives wrong answers across threads), and imports go through the same connection: one writer.
"""
from __future__ import annotations

import tempfile
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from monitor import config, db, queries
from monitor.export import CSV_MIME, csv_bytes
from monitor.filters import Filters
from monitor.i18n import LANGUAGES, band_label, completion_label, fmt_date, in_language, language, t
from monitor.metrics import what_to_raise
from vocabulary.status import COMPLETION_CODES, RAG_COLOUR, RAG_STATUSES, RESULTS_BANDS

MAX_UPLOAD_MB = 10
UPLOAD_TYPES = ("csv", "xlsx")
BADGE_COLOUR = {"red": "red", "amber": "orange", "green": "green", "grey": "gray"}
CELL_STYLE = {"red": "background-color: #F8D7DA; color: #7A1C24", "amber": "background-color: #FFF0CC; color: #6B4E00",
              "green": "background-color: #D7EFD9; color: #1E5A24", "grey": "background-color: #ECECEC; color: #333333"}
_IMPORT_LOCK = threading.Lock()  # one import at a time per process: the single writer


# --- data -----------------------------------------------------------------------------------------

def _close(con: duckdb.DuckDBPyConnection) -> None:
    """on_release: a cursor of another session may still be running; closing then raises, and is harmless."""
    try:
        con.close()
    except duckdb.Error:
        pass


@st.cache_resource(on_release=_close, show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.open_prepared(path)


def connection() -> duckdb.DuckDBPyConnection:
    """The process's connection to the current database (path read now, so tests can set MONITOR_DB)."""
    return _connection(str(config.db_path()))


@contextmanager
def cursor():
    """A fresh cursor per query and thread: DuckDB connections are not thread-safe."""
    cur = connection().cursor()
    try:
        yield cur
    finally:
        cur.close()


def data_version() -> str:
    """Read uncached on every call, so an import by any session or the CLI invalidates every cache key."""
    with cursor() as cur:
        return queries.data_version(cur)


@st.cache_data(ttl="10m", show_spinner=False, max_entries=500)
def _cached(path: str, version: str, today: date, name: str, args: tuple, kwargs: tuple):
    function = getattr(queries, name)
    with cursor() as cur:
        return function(cur, *args, **dict(kwargs))


def read(name: str, *args, **kwargs):
    """Run monitor.queries.<name>(cursor, *args) through a cache keyed by database, data version and day."""
    if name.startswith("_") or not callable(getattr(queries, name, None)):
        raise ValueError(f"unknown query {name!r}")
    return _cached(str(config.db_path()), data_version(), date.today(), name, args, tuple(sorted(kwargs.items())))


def is_empty_database() -> bool:
    return read("count_commitments", Filters()) == 0


def plain(row: dict) -> dict:
    """Mart row as Python values: Timestamps to dates, NaT/NaN to None, arrays to lists of dates.

    monitor.metrics and monitor.i18n compare with datetime.date; pandas hands back Timestamps."""
    out = {}
    for key, value in row.items():
        if hasattr(value, "tolist") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 0):
            value = [_as_date(v) for v in pd.to_datetime(value).tolist()] if "date" in key else value.tolist()
        else:
            value = _as_date(value) if isinstance(value, pd.Timestamp) or value is pd.NaT else value
            if isinstance(value, float) and value != value:
                value = None
        out[key] = value
    return out


def _as_date(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


# --- language -------------------------------------------------------------------------------------

def lang() -> str:
    """The language in the URL (?lang=es), else the one this session last used, else English."""
    wanted = st.query_params.get("lang") or st.session_state.get("_lang")
    return language(wanted)


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def language_switch() -> str:
    """English/Español control in the sidebar; the choice is always written to ?lang= so links carry it."""
    current = lang()
    names = {"en": "English", "es": "Español"}
    chosen = st.sidebar.segmented_control(t("ui.language", current), LANGUAGES, default=current,
                                          format_func=names.get, key=f"lang_switch_{current}", required=True)
    chosen = language(chosen)
    st.session_state["_lang"] = chosen
    st.query_params["lang"] = chosen
    return chosen


# --- filters in the URL ---------------------------------------------------------------------------

def visit(page_key: str) -> None:
    """Called by the entry point on every run: a page switch clears the URL, and filters must survive it."""
    st.session_state["_switched"] = st.session_state.get("_page") != page_key
    st.session_state["_page"] = page_key


def _url_filters() -> Filters:
    return Filters.from_params(st.query_params.to_dict())


def _write_url(f: Filters) -> None:
    """Replace the filter part of the URL; other params (lang, id) stay."""
    for name in Filters.__dataclass_fields__:
        st.query_params.pop(name, None)
    st.query_params.update(f.to_params())
    st.session_state["_filters"] = f


def _adopt(f: Filters) -> None:
    """Push filters into the widgets before they are drawn (a shared link, a reload or Back)."""
    for name in Filters.__dataclass_fields__:
        value = getattr(f, name)
        st.session_state[f"flt_{name}"] = list(value) if isinstance(value, tuple) else value


def _valid(f: Filters, options: dict) -> Filters:
    """URL values are user input: keep only values that exist."""
    allowed = {"member": {m[0] for m in options["members"]}, "plan": {p[0] for p in options["plans"]},
               "region": set(options["regions"]), "policy_area": set(options["policy_areas"]),
               "status": set(RAG_STATUSES), "completion": set(COMPLETION_CODES), "results": set(RESULTS_BANDS)}
    return replace(f, **{k: tuple(v for v in getattr(f, k) if v in ok) for k, ok in allowed.items()})


def sidebar_filters() -> Filters:
    """The shared filter widgets; the URL and the widgets stay in step both ways.

    A URL that differs from what this session last wrote (a shared link, a reload, Back) wins over the
    widgets; otherwise the widgets win and are written to the URL."""
    options = read("filter_options")
    url = _valid(_url_filters(), options)
    last = st.session_state.get("_filters")
    switched = st.session_state.pop("_switched", False)
    if switched and url.is_empty() and last and not last.is_empty():
        url = last  # the page switch cleared the URL: carry the filters over
    if url != last or switched:
        _adopt(url)
    chosen = _filter_widgets(options)
    _write_url(chosen)
    return chosen


def _filter_widgets(options: dict) -> Filters:
    lg = lang()
    side = st.sidebar
    side.header(tr("filters.title"))
    q = side.text_input(tr("filters.q"), key="flt_q", placeholder=tr("filters.q_hint"), help=tr("filters.q_help"))
    member_names = dict(options["members"])
    member = side.multiselect(tr("filters.member"), list(member_names), key="flt_member",
                              format_func=lambda c: member_names.get(c, c), placeholder=tr("filters.any"))
    region = side.multiselect(tr("filters.region"), options["regions"], key="flt_region", placeholder=tr("filters.any"))
    plan_names = {p[0]: plan_label(p, lg) for p in options["plans"]}
    plan = side.multiselect(tr("filters.plan"), list(plan_names), key="flt_plan",
                            format_func=lambda c: plan_names.get(c, c), placeholder=tr("filters.any"))
    area = side.multiselect(tr("filters.policy_area"), options["policy_areas"], key="flt_policy_area",
                            placeholder=tr("filters.any"))
    lead = side.text_input(tr("filters.lead"), key="flt_lead")
    status = side.multiselect(tr("filters.status"), RAG_STATUSES, key="flt_status",
                              format_func=rag_text, placeholder=tr("filters.any"))
    completion = side.multiselect(tr("filters.completion"), COMPLETION_CODES, key="flt_completion",
                                  format_func=lambda c: completion_label(c, lg), placeholder=tr("filters.any"))
    results = side.multiselect(tr("filters.results"), RESULTS_BANDS, key="flt_results",
                               format_func=lambda b: band_label("results", b, lg), placeholder=tr("filters.any"))
    starred = side.checkbox(tr("filters.starred"), key="flt_starred")
    watched = side.checkbox(tr("filters.watched"), key="flt_watched")
    return Filters(member=tuple(member), region=tuple(region), plan=tuple(plan), policy_area=tuple(area),
                   status=tuple(status), completion=tuple(completion), results=tuple(results),
                   lead=lead.strip()[:200], q=q.strip()[:200], starred=starred, watched=watched)


def current_filters() -> Filters:
    """Filters of this session without drawing widgets (pages that only read them, such as exports)."""
    return st.session_state.get("_filters") or _url_filters()


# --- labels ---------------------------------------------------------------------------------------

def plan_label(plan: tuple, lg: str) -> str:
    """('AP_MEX04', 'Mexico', 4, 2019, 2021) -> 'Mexico NAP4 (2019-2021)'."""
    code, member, number, start, end = plan
    years = f" ({start}-{end})" if start and end else ""
    return f"{member or code} {t('ui.plan_short', lg)}{number if number is not None else '?'}{years}"


def rag_text(rag: str | None) -> str:
    return tr(f"rag.{rag or 'unknown'}")


def with_status_colours(table: pd.DataFrame, column: str, rags) -> pd.io.formats.style.Styler:
    """Colour the status cells by red/amber/green; the cell text already says the status in words."""
    styles = [CELL_STYLE[RAG_COLOUR.get(r or "unknown", "grey")] for r in rags]
    return table.style.apply(lambda _: styles, subset=[column], axis=0)


def rag_badge(rag: str | None, container=st) -> None:
    rag = rag or "unknown"
    container.badge(rag_text(rag), color=BADGE_COLOUR[RAG_COLOUR[rag]], help=tr(f"rag_help.{rag}"))


def watch_card(row: dict, position: int | None = None) -> None:
    """One watched commitment: link, reason and since, what to raise, status in words, days since an update."""
    lg = lang()
    with st.container(border=True):
        left, right = st.columns([4, 1])
        number = f"{position}. " if position else ""
        label = f"{number}{row['commitment_id']} · {in_language(row, 'title', lg)}"
        left.page_link("views/commitment.py", label=label, query_params={"id": row["commitment_id"], "lang": lg},
                       icon=":material/open_in_new:")
        left.caption(md(f"{row['member_name']} · {tr('watchlist.reason')}: {in_language(row, 'watch_reason', lg)} · "
                        f"{tr('watchlist.since')} {fmt(row['watched_since'])}"))
        left.markdown(f"**{tr('raise.title')}:** {md(what_to_raise(row, lg))}")
        rag_badge(row["rag"], right)
        days = row["days_since_update"]
        right.caption(tr("watchlist.days_since", days=tr("missing.no_date") if days is None else f"{int(days):,}"))


def md(text) -> str:
    """Imported text for a markdown element: markdown syntax shown literally (HTML is escaped by Streamlit)."""
    if text is None or text != text:
        return ""
    out = []
    for ch in str(text):
        out.append("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~:$" else ch)
    return "".join(out)


def safe_url(url) -> str | None:
    """Only http(s) links become links: javascript:, data: and the rest stay text."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and " " not in url else None


def commitment_href(commitment_id: str) -> str:
    return f"/commitment?id={commitment_id}&lang={lang()}"


def fmt(value) -> str:
    """ISO date in the current language's words for 'no date' (Timestamps shown as dates, not datetimes)."""
    return fmt_date(_as_date(value), lang())


# --- downloads ------------------------------------------------------------------------------------

def download_table(df: pd.DataFrame, file_stem: str, key: str) -> None:
    """Safe CSV (monitor.export: no formulas, BOM for Excel), built only when clicked, on another thread,
    hence the language captured now."""
    lg = lang()
    st.download_button(tr("ui.download_csv"), data=lambda: csv_bytes(df, lg), file_name=f"{file_stem}.csv",
                       mime=CSV_MIME, key=key, on_click="ignore", icon=":material/download:")


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    """The blank NAP workbook of loaders.nap_workbook, as bytes for a download button."""
    from loaders.nap_workbook import write_template

    with tempfile.TemporaryDirectory() as folder:
        path = write_template(Path(folder) / "nap_template.xlsx")
        return Path(path).read_bytes()


# --- import ---------------------------------------------------------------------------------------

def upload_problem(name: str, size: int) -> str | None:
    """Server-side check: the uploader's own type and size limits are enforced only in the browser."""
    if Path(name).suffix.lower().lstrip(".") not in UPLOAD_TYPES:
        return tr("data.bad_extension", name=name, allowed=", ".join(UPLOAD_TYPES))
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        return tr("data.too_big", size=f"{size / 1e6:.1f}", limit=MAX_UPLOAD_MB)
    return None


def inspect_upload(data: bytes, name: str):
    """Detect and validate without writing: (batch, None) or (None, problems) for unreadable files."""
    from loaders import detect
    from loaders.batch import InvalidFile

    try:
        return detect.load(data, name), None
    except InvalidFile as exc:
        return None, exc.problems


def import_batch(batch, progress=None):
    """Write through the dashboard's own connection (the single writer), then drop every cached answer."""
    from monitor.store import apply_batch

    with _IMPORT_LOCK:
        cur = connection().cursor()
        try:
            report = apply_batch(cur, batch, loaded_by="dashboard", progress=progress)
        finally:
            cur.close()
    st.cache_data.clear()
    return report


def problems_frame(problems) -> pd.DataFrame:
    """Every problem with where to look, as a table the user can sort."""
    return pd.DataFrame([{tr("data.col_sheet"): p.sheet or "", tr("data.col_row"): p.row,
                          tr("data.col_column"): p.column or "", tr("data.col_value"): p.value or "",
                          tr("data.col_expected"): p.expected} for p in problems])


# --- first run ------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _prepared(path: str) -> bool:
    """Build the bundled database once if the file is missing, so the README's one command shows real data."""
    missing = not Path(path).exists()
    con = _connection(path)
    if missing:
        from monitor import seed

        with _IMPORT_LOCK:
            cur = con.cursor()
            try:
                seed.init(cur)
            finally:
                cur.close()
    return missing


def ensure_database() -> None:
    path = config.db_path()
    with st.spinner(tr("app.building_db")) if not path.exists() else nullcontext():
        _prepared(str(path))
