"""The pack's tables as a reader sees them: translated headers and words instead of codes.

Both writers (xlsx and CSV) take these frames, so a CSV of a table says exactly what its sheet says.
Every function here is pure (frames in, a Table out): the queries run once, in monitor.export.pack.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from monitor.i18n import band_label, completion_label, in_language, missing_label, scale_label, statement_subject, t
from vocabulary.links import web_urls
from vocabulary.status import RAG_COLOUR

# Cell kinds the writers understand; anything unlisted is short text.
LONG, DATE, DATETIME, INT, NUMBER, URL = "long", "date", "datetime", "int", "number", "url"

# IRM indicators shown as their own columns: (column key, methodology, indicator, qualifier).
IRM_COLUMNS = (
    ("legacy_completion_midterm", "irm_legacy", "completion", "midterm"),
    ("legacy_completion_end", "irm_legacy", "completion", "end_of_term"),
    ("legacy_diog", "irm_legacy", "did_it_open_government", "overall"),
    ("legacy_potential_impact", "irm_legacy", "potential_impact", ""),
    ("legacy_specificity", "irm_legacy", "specificity", ""),
    ("refresh_verifiable", "irm_refresh", "verifiable", ""),
    ("refresh_potential", "irm_refresh", "potential_for_results", ""),
    ("refresh_completion", "irm_refresh", "completion", "results_report"),
    ("refresh_early_results", "irm_refresh", "early_results", ""),
)


@dataclass
class Table:
    """One sheet or CSV: readable frame, the kind of each column, and which columns drive the highlighting."""

    key: str
    frame: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)
    colour_column: str | None = None      # holds the localised red/amber/green/grey word
    colour_targets: tuple[str, ...] = ()  # columns painted with that colour
    flag_column: str | None = None        # a yes/no column; "yes" rows are highlighted
    flag_targets: tuple[str, ...] = ()


class Labels:
    """Translation helpers bound to one language, so table builders read as plain column lists."""

    def __init__(self, lang: str):
        self.lang = lang

    def col(self, key: str) -> str:
        return t(f"export.col.{key}", self.lang)

    def yes_no(self, values: pd.Series) -> pd.Series:
        words = {True: t("export.yes", self.lang), False: t("export.no", self.lang)}
        return values.fillna(False).astype(bool).map(words)

    def rag(self, values: pd.Series) -> pd.Series:
        return values.fillna("unknown").map(lambda r: t(f"rag.{r}", self.lang))

    def colour(self, values: pd.Series) -> pd.Series:
        return values.fillna("unknown").map(lambda r: t(f"colour.{RAG_COLOUR.get(r, 'grey')}", self.lang))

    def colour_words(self) -> dict[str, str]:
        return {c: t(f"colour.{c}", self.lang) for c in ("red", "amber", "green", "grey")}

    def completion(self, values: pd.Series) -> pd.Series:
        return map_unique(values, lambda c: completion_label(c, self.lang))

    def assessor(self, values: pd.Series) -> pd.Series:
        return map_unique(values, lambda a: t(f"assessor.{a}", self.lang) if _known(a) else None)

    def band(self, kind: str, values: pd.Series) -> pd.Series:
        return map_unique(values, lambda b: band_label(kind, b if _known(b) else None, self.lang))


def is_missing(value) -> bool:
    """None, NaN, NaT and pandas' NA: the shapes 'no value' takes in a frame."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _known(value) -> bool:
    return not is_missing(value)


def map_unique(values: pd.Series, label) -> pd.Series:
    """Label each distinct value once: thousands of rows share a handful of codes."""
    codes = values.astype(object).where(values.notna(), None)
    table = {code: label(code) for code in pd.unique(codes)}
    return codes.map(table)


def build(columns: list[tuple[str, pd.Series | object, str]], labels: Labels, index) -> tuple[pd.DataFrame, dict]:
    """A frame from (column key, values, kind) triples, headers translated; kinds keyed by header."""
    data, kinds = {}, {}
    for col_key, values, kind in columns:
        header = labels.col(col_key)
        data[header] = values if isinstance(values, pd.Series) else pd.Series(values, index=index, dtype=object)
        kinds[header] = kind
    return pd.DataFrame(data, index=index).reset_index(drop=True), kinds


def plan_years(c: pd.DataFrame) -> pd.Series:
    start = c["submission_year"].astype("Int64").astype(str)
    end = c["end_year"].astype("Int64").astype(str)
    return (start + "-" + end).where(c["submission_year"].notna() & c["end_year"].notna())


def joined(values: pd.Series) -> pd.Series:
    """Lists (policy areas) as one readable cell."""
    return values.map(lambda v: "; ".join(map(str, v)) if v is not None and len(v) else None)


# --- IRM ratings ------------------------------------------------------------------------------------

def irm_columns(ratings: pd.DataFrame, ids: pd.Series, labels: Labels) -> dict[str, pd.Series]:
    """One column per IRM indicator of both methodologies; missing reasons in words.

    A commitment rated under one methodology leaves the other's columns blank (they never apply to it);
    a commitment with no IRM rating at all reads 'not yet assessed' throughout.
    """
    irm = ratings[ratings["assessor"] == "irm"].sort_values("as_of", na_position="first")
    irm = irm.assign(text=rating_text(irm, labels.lang))
    rated = ids.isin(set(irm["commitment_id"]))
    not_assessed = missing_label(None, labels.lang)
    out = {}
    for key, methodology, indicator, qualifier in IRM_COLUMNS:
        applies = ids.isin(set(irm.loc[irm["methodology"] == methodology, "commitment_id"])) | ~rated
        rows = irm[(irm["indicator"] == indicator) & (irm["qualifier"] == qualifier)
                   & (irm["methodology"] == methodology)]
        latest = rows.drop_duplicates("commitment_id", keep="last").set_index("commitment_id")["text"]
        values = ids.map(latest).astype(object)
        out[key] = values.where(values.notna(), pd.Series(not_assessed, index=ids.index).where(applies, None))
    return out


def rating_text(rows: pd.DataFrame, lang: str) -> pd.Series:
    parts = ("scale_id", "value_code", "missing_reason", "value_raw")
    keys = list(zip(*(rows[c].astype(object).tolist() for c in parts)))
    table = {k: _one_rating(*k, lang) for k in set(keys)}
    return pd.Series([table[k] for k in keys], index=rows.index, dtype=object)


def _one_rating(scale_id, code, reason, raw, lang: str) -> str | None:
    if _known(code):
        return scale_label(scale_id if _known(scale_id) else None, code, lang) or str(code)
    if _known(reason):
        return missing_label(reason, lang)
    return str(raw) if _known(raw) else None


# --- tables -----------------------------------------------------------------------------------------

def commitments_table(c: pd.DataFrame, ratings: pd.DataFrame, lang: str) -> Table:
    """Every field of every commitment in scope, labelled, with IRM ratings in their own columns."""
    L = Labels(lang)
    irm = irm_columns(ratings, c["commitment_id"], L)
    columns = [
        ("commitment_id", c["commitment_id"], ""), ("title", c["title"], LONG), ("member", c["member_name"], ""),
        ("member_code", c["member_code"], ""), ("region", c["region"], ""),
        ("plan", c["action_plan_id"], ""), ("plan_title", c["plan_title"], LONG),
        ("plan_number", c["plan_number"], INT), ("plan_years", plan_years(c), ""),
        ("number", c["commitment_number"], ""), ("title_es", c["title_es"], LONG),
        ("short_title", c["short_title"], ""), ("description", c["description"], LONG),
        ("description_es", c["description_es"], LONG), ("theme", c["theme"], ""),
        ("lead", c["lead_institution"], LONG), ("supporting", c["supporting_institutions"], LONG),
        ("policy_areas", joined(c["policy_areas"]), LONG), ("start_date", c["start_date"], DATE),
        ("end_date", c["end_date"], DATE), ("end_date_raw", c["end_date_raw"], ""),
        ("status", L.rag(c["rag"]), ""), ("colour", L.colour(c["rag"]), ""),
        ("current_status", L.completion(c["current_status"]), ""),
        ("current_status_by", L.assessor(c["current_status_assessor"]), ""),
        ("current_status_date", c["current_status_date"], DATE),
        ("gov_status", L.completion(c["gov_status"]), ""), ("cso_status", L.completion(c["cso_status"]), ""),
        ("su_status", L.completion(c["su_status"]), ""), ("disagree", L.yes_no(c["assessors_disagree"]), ""),
        ("milestones", c["count_milestones"], INT), ("milestones_closed", c["count_milestones_closed"], INT),
        ("overdue_milestones", c["count_overdue_milestones"], INT), ("next_due", c["next_due_date"], DATE),
        ("last_update", c["last_update_date"], DATE), ("days_since_update", c["days_since_update"], INT),
        ("updates", c["count_updates"], INT), ("watched", L.yes_no(c["is_watched"]), ""),
        ("watch_reason", in_language(c, "watch_reason", lang), LONG), ("watched_since", c["watched_since"], DATE),
        ("starred", L.yes_no(c["is_starred"]), ""), ("ambition", L.band("ambition", c["ambition_band"]), ""),
        ("results", L.band("results", c["results_band"]), ""),
        *[(key, irm[key], "") for key, *_ in IRM_COLUMNS],
        ("ogp_url", c["ogp_url"], URL), ("source_url", c["source_url"], URL), ("notes", c["notes"], LONG),
        ("source_file", c["source_file"], ""), ("source_row", c["source_row"], INT),
    ]
    frame, kinds = build(columns, L, c.index)
    return Table("commitments", frame, kinds, L.col("colour"), (L.col("status"), L.col("colour")))


def milestones_table(m: pd.DataFrame, titles: pd.Series, lang: str) -> Table:
    """Milestones with due dates as dates; 'Overdue' is a word column and drives the highlight."""
    L = Labels(lang)
    overdue = m["is_overdue"].fillna(False).astype(bool)
    columns = [
        ("commitment_id", m["commitment_id"], ""), ("title", m["commitment_id"].map(titles), LONG),
        ("seq", m["seq"], INT),
        ("level", map_unique(m["level"], lambda v: t(f"export.level.{v}", lang) if v else None), ""),
        ("milestone", m["title"], LONG), ("responsible", m["responsible"], LONG),
        ("start_date", m["start_date"], DATE), ("due_date", m["due_date"], DATE),
        ("due_date_raw", m["due_date_raw"], ""), ("milestone_status", L.completion(m["status_code"]), ""),
        ("status_date", m["status_date"], DATE), ("status_from", L.assessor(m["status_assessor"]), ""),
        ("overdue", L.yes_no(overdue), ""), ("days_past_due", m["days_past_due"].where(overdue), INT),
        ("source_url", m["source_url"], URL), ("source_file", m["source_file"], ""),
    ]
    frame, kinds = build(columns, L, m.index)
    return Table("milestones", frame, kinds, flag_column=L.col("overdue"),
                 flag_targets=(L.col("due_date"), L.col("overdue"), L.col("days_past_due")))


def progress_table(p: pd.DataFrame, lang: str) -> Table:
    """Every dated status statement, oldest first per commitment, by assessor and period."""
    L = Labels(lang)
    about = pd.Series([statement_subject(*r, lang) for r in zip(p["subject_type"], p["milestone_seq"],
                                                                p["milestone_title"])], index=p.index, dtype=object)
    columns = [
        ("commitment_id", p["commitment_id"], ""), ("period", p["period"], ""),
        ("period_end", p["period_end"], DATE), ("assessor", L.assessor(p["assessor"]), ""),
        ("assessor_name", p["assessor_name"], ""), ("about", about, LONG),
        ("status", L.completion(p["status_code"]), ""), ("status_raw", p["status_raw"], ""),
        ("percent", p["percent_complete"], NUMBER), ("narrative", in_language(p, "narrative", lang), LONG),
        ("challenges", p["challenges"], LONG), ("evidence", p["evidence"], LONG), ("language", p["language"], ""),
        ("source_url", p["source_url"], URL), ("source_file", p["source_file"], ""),
        ("loaded_at", p["loaded_at"], DATETIME),
    ]
    frame, kinds = build(columns, L, p.index)
    return Table("progress", frame, kinds)


def sources_table(s: pd.DataFrame, lang: str) -> Table:
    """One row per source file and public address, with what it backs; multi-URL cells are split."""
    L = Labels(lang)
    rows = s.assign(url=map_unique(s["source_url"], lambda u: web_urls(u) or [None])).explode("url")
    rows = rows.assign(used=rows["used_for"].map(lambda u: t(f"export.used.{u}", lang)))
    keys = ["file_name", "kind", "sha256", "loaded_at", "row_count", "url"]
    grouped = (rows.groupby(keys, dropna=False, sort=False)
               .agg(used=("used", "unique"), n=("n", "sum")).reset_index())
    grouped["used"] = grouped["used"].map("; ".join)
    columns = [
        ("file_name", grouped["file_name"], ""), ("kind", grouped["kind"], ""), ("sha256", grouped["sha256"], ""),
        ("loaded_at", grouped["loaded_at"], DATETIME), ("row_count", grouped["row_count"], INT),
        ("used_for", grouped["used"], ""), ("url", grouped["url"], URL),
    ]
    frame, kinds = build(columns, L, grouped.index)
    return Table("sources", frame, kinds)


def as_date(value) -> date | None:
    """Timestamp, datetime64 or date to a date; NaT and None to None."""
    if not _known(value):
        return None
    stamp = pd.Timestamp(value)
    return None if stamp is pd.NaT else stamp.date()
