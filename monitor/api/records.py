"""The API's JSON: stable field names, ISO 8601 dates, unknowns as null with the reason beside them.

Every record is built from the same monitor.queries reads the pages use; field lists here are the
contract docs/api.md documents (a test checks that each field is documented).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from monitor import linkcheck, queries
from monitor.api import ApiError, paths
from monitor.filters import LIST_FIELDS, Filters, allowed_values, unknown_values
from monitor.i18n import LANGUAGES, completion_label, scale_label, statement_subject, t
from vocabulary.links import web_urls

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
FILTER_PARAMS = (*LIST_FIELDS, "lead", "q", "starred", "watched")  # the overview page's URL parameters
COMMON_PARAMS = ("lang",)
LIST_PARAMS = (*FILTER_PARAMS, "limit", "offset", *COMMON_PARAMS)
LISTED_AT = {"member": "members", "plan": "plans"}  # where a client finds the values a filter takes

# Mart columns a commitment record carries as they are, in this order (then the fields built below).
COMMITMENT_COLUMNS = (
    "commitment_id", "member_code", "member_name", "region", "action_plan_id", "plan_number", "plan_title",
    "commitment_number", "title", "title_es", "short_title", "theme", "lead_institution", "supporting_institutions",
    "policy_areas", "start_date", "end_date", "end_date_raw", "ogp_url",
    "current_status", "current_status_date", "current_status_assessor", "gov_status", "gov_status_date",
    "cso_status", "cso_status_date", "su_status", "su_status_date", "assessors_disagree",
    "irm_completion", "irm_completion_date", "results_band", "ambition_band",
    "is_watched", "watched_since", "watch_reason", "watch_reason_es", "is_starred",
    "last_update_date", "days_since_update", "count_updates", "count_milestones", "count_milestones_closed",
    "count_overdue_milestones", "next_due_date",
)
COMMITMENT_FIELDS = (*COMMITMENT_COLUMNS, "status", "status_label", "current_status_label",
                     "end_date_missing_reason", "current_status_missing_reason", "irm_completion_missing_reason",
                     "days_since_update_missing_reason", "next_due_date_missing_reason",
                     "page_url", "api_url", "feed_url", "badge_url")
RATING_FIELDS = ("assessor", "methodology", "report", "indicator", "indicator_label", "qualifier", "scale_id",
                 "value_published", "value_code", "value_label", "value_missing_reason", "band", "as_of",
                 "rationale", "source_url", "source_file", "source_row", "source_column")
MILESTONE_FIELDS = ("milestone_id", "seq", "level", "parent_milestone_id", "title", "responsible", "start_date",
                    "due_date", "due_date_raw", "due_date_missing_reason", "status_code", "status_label",
                    "status_date", "status_assessor", "is_closed", "is_overdue", "days_past_due", "source_url")
STATEMENT_FIELDS = ("period", "period_end", "assessor", "assessor_name", "subject", "subject_id", "milestone_seq",
                    "milestone_title", "subject_label", "status_published", "status_code", "status_label",
                    "status_missing_reason", "percent_complete", "narrative", "narrative_es", "challenges",
                    "evidence", "evidence_urls", "language", "source_url", "source_file", "source_row")
EVENT_FIELDS = ("event_date", "date_raw", "date_precision", "event_date_missing_reason", "category", "title",
                "title_es", "actor", "about", "source_url")
SOURCE_FIELDS = ("file_name", "kind", "loaded_at", "sha256", "source_url")
LINK_FIELDS = ("url", "outcome", "status_code", "final_url", "final_status", "checked_at", "dead",
               "dead_missing_reason", "archive_url")
PLAN_FIELDS = ("action_plan_id", "member_code", "member_name", "plan_number", "title", "submission_year", "end_year",
               "start_date", "end_date", "source_url", "count_commitments", "feed_url", "commitments_url")
MEMBER_FIELDS = ("member_code", "name", "member_type", "region", "count_plans", "count_commitments", "feed_url",
                 "commitments_url")
CASE_FIELDS = ("case_id", "member_code", "case_kind", "title", "title_es", "filed_date", "filed_by", "review_dates",
               "resolution_date", "resolution_body", "resolution_url", "summary_en", "summary_es", "status",
               "source_url", "notes")
CASE_LIST_FIELDS = (*CASE_FIELDS, "count_requests", "case_url", "page_url")
REQUEST_FIELDS = ("request_id", "request_no", "request_kind", "asked_of", "summary_en", "summary_es", "commitment_id",
                  "commitment_url", "member_code", "action_plan_id", "review_cadence_days", "last_follow_up_date",
                  "count_follow_ups", "days_since_follow_up", "is_follow_up_overdue")
FOLLOW_UP_FIELDS = ("follow_up_id", "request_id", "follow_up_date", "date_raw", "date_precision", "kind", "actor",
                    "action_en", "action_es", "outcome", "links", "source_url")


_SLOT = "ID-SLOT-0"  # a valid id that URL encoding leaves as it is: where Links.page_urls puts each id


@dataclass(frozen=True)
class Links:
    """Absolute URLs for records and feeds: `base` is the server's origin; `page(key, lang, params)` is a
    dashboard page's path (webui.pages.url: the page registry), so monitor/ never spells a page URL."""

    base: str
    page: Callable[..., str]
    lang: str = "en"

    def page_url(self, commitment_id: str) -> str:
        return self.base + self.page("commitment", self.lang, id=commitment_id)

    def page_urls(self, ids: list[str]) -> list[str]:
        """page_url of each id: the URL is built once and each id set into it, since an id that passes
        paths.ID needs no escaping (any other goes the long way)."""
        head, tail = self.page_url(_SLOT).split(_SLOT)
        return [head + i + tail if paths.ID.match(i) else self.page_url(i) for i in ids]

    def case_url(self, case_id: str) -> str:
        """The case page (a Response Policy case and the follow-up on its requests)."""
        return self.base + self.page("case", self.lang, id=case_id)

    def scope_url(self, kind: str, key: str | None) -> str:
        """The page showing a feed's scope: the overview filtered by member or plan, or the watchlist."""
        if kind == "watchlist":
            return self.base + self.page("watchlist", self.lang)
        return self.base + self.page("overview", self.lang, **{kind: key})

    def feed_url(self, kind: str, key: str | None = None) -> str:
        return self.base + paths.feed(kind, key, self.lang)

    def badge_url(self, commitment_id: str) -> str:
        return self.base + paths.badge(commitment_id, self.lang)

    def api_url(self, path: str) -> str:
        return self.base + path


# --- values ---------------------------------------------------------------------------------------------

def value(v):
    """One cell as JSON: dates and times ISO 8601 (times are UTC), NaN/NaT/NA as null, numpy as Python."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat() + "Z"
    if isinstance(v, datetime):
        return v.isoformat() + "Z"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, np.ndarray | list | tuple):
        return [value(x) for x in v]
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.datetime64):
        return value(pd.Timestamp(v))
    return v


def rows(df: pd.DataFrame) -> list[dict]:
    """A frame as JSON-ready dicts, built a column at a time (per-cell conversion cost more than the query on lists
    of thousands, a per-frame Arrow table more than the query on short ones): date columns as ISO dates, or as UTC
    times when any value has a time of day; missing values as None."""
    return _zipped(list(df.columns), [_column(values) for _, values in df.items()], len(df))


def _zipped(names: list[str], columns: list[list], count: int) -> list[dict]:
    """Column lists as one dict per row."""
    return [dict(zip(names, row)) for row in zip(*columns)] if columns else [{} for _ in range(count)]


def _column(values: pd.Series) -> list:
    """One column's JSON-ready values: numpy formats dates, Arrow converts text and nullable numbers (None for
    missing), numpy the rest, and value() what is left (lists, objects)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)  # UTC
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
    if kind == "M":
        return _iso(values.to_numpy().astype("datetime64[us]"))
    if kind in ("b", "i", "u"):
        return values.to_numpy().tolist()
    if kind == "f":
        return [None if math.isnan(x) else x for x in values.to_numpy().tolist()]
    if kind or not hasattr(values.array, "__arrow_array__"):
        return [value(v) for v in values.tolist()]
    return pa.array(values.array).to_pylist()


def _cell(v):
    """One value as _column writes its column: value(), but a time of day to the second, as _iso writes it."""
    if isinstance(v, pd.Timestamp) and v is not pd.NaT and v != v.normalize():
        return v.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    return value(v)


def _iso(values: np.ndarray) -> list[str | None]:
    """datetime64 values as ISO dates when all fall on midnight (Arrow casts them, NaT as None), else as UTC
    times (numpy formats them), a column at once."""
    missing = np.isnat(values)
    if not (values[~missing].astype("int64") % 86_400_000_000).any():
        return pa.array(values.astype("datetime64[D]")).cast(pa.string()).to_pylist()
    text = np.datetime_as_string(values, unit="s").tolist()
    return [None if gap else x + "Z" for x, gap in zip(text, missing.tolist())]


def _date_reason(parsed, raw) -> str | None:
    """Why a date is null: the source gave text that is not a date (kept in *_raw), or gave nothing."""
    if parsed is not None:
        return None
    return "unparsed" if isinstance(raw, str) and raw.strip() else "not_recorded"


# --- parameters -----------------------------------------------------------------------------------------

def language(params: Mapping[str, list[str]]) -> str:
    wanted = _one(params, "lang") or "en"
    if wanted not in LANGUAGES:
        raise ApiError(400, f"lang must be one of {', '.join(LANGUAGES)}, not {wanted!r}")
    return wanted


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise ApiError(400, f"{name} is given {len(values)} times; give it once")
    return values[0] if values else None


def check_names(params: Mapping[str, list[str]], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ApiError(400, f"unknown parameter {', '.join(map(repr, unknown))}; this endpoint takes "
                            f"{', '.join(allowed)}")


def _integer(params: Mapping[str, list[str]], name: str, default: int, low: int, high: int | None) -> int:
    text = _one(params, name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ApiError(400, f"{name} must be a whole number, not {text!r}")
    number = int(text)
    if number < low or (high is not None and number > high):
        raise ApiError(400, f"{name} must be between {low} and {high}" if high else f"{name} must be at least {low}")
    return number


def list_request(params: Mapping[str, list[str]], options: dict) -> tuple[Filters, int, int]:
    """Filters (the overview's URL parameters, validated as the page validates them: only values that exist),
    limit and offset. Repeated list parameters add up: ?status=a&status=b is ?status=a,b."""
    check_names(params, LIST_PARAMS)
    flat = {name: ",".join(params[name]) for name in FILTER_PARAMS if name in params}
    for flag in ("starred", "watched"):
        if flat.get(flag) not in (None, "0", "1"):
            raise ApiError(400, f"{flag} must be 1 or 0, not {flat[flag]!r}")
    for text in ("lead", "q"):
        if len(flat.get(text, "")) > 200:
            raise ApiError(400, f"{text} is longer than 200 characters")
    f = Filters.from_params(flat)
    unknown = unknown_values(f, options)
    if unknown:
        name, values = next(iter(unknown.items()))
        allowed = sorted(allowed_values(options)[name])
        known = (f"see {paths.API}/{LISTED_AT[name]}" if name in LISTED_AT else
                 f"one of {', '.join(allowed)}" if len(allowed) <= 30 else f"{len(allowed)} values exist")
        raise ApiError(400, f"unknown {name} {', '.join(map(repr, values[:5]))}: {known}")
    return f, _integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), _integer(params, "offset", 0, 0, None)


def since_date(params: Mapping[str, list[str]], default: date) -> date:
    text = _one(params, "since")
    if text is None:
        return default
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str):
    raise ApiError(400, f"since must be a date as YYYY-MM-DD, not {text[:40]!r}")


def checked_id(text: str, what: str = "commitment") -> str:
    if not paths.ID.match(text):
        raise ApiError(404, f"no {what} {text[:60]!r}: ids are 1-40 letters, digits, '_', '.' or '-'")
    return text


# --- records --------------------------------------------------------------------------------------------

def commitment_record(row: dict, links: Links) -> dict:
    """One mart row (monitor.queries.commitment) as the API's commitment."""
    columns = {name: [_cell(row.get(name))] for name in COMMITMENT_COLUMNS}
    return _commitments(columns, [row.get("rag")], links)[0]


def commitment_records(frame: pd.DataFrame, links: Links) -> list[dict]:
    """Mart rows (monitor.queries.commitments / watchlist) as the API's commitments."""
    if frame.empty:
        return []
    missing = [None] * len(frame)
    columns = {name: _column(frame[name]) if name in frame.columns else missing for name in COMMITMENT_COLUMNS}
    return _commitments(columns, _column(frame["rag"]) if "rag" in frame else missing, links)


def _commitments(c: dict[str, list], rags: list, links: Links) -> list[dict]:
    """The records from their mart columns, each built field a column at a time and zipped once."""
    lang = links.lang
    rags = ["unknown" if r is None else r for r in rags]
    status_words = {r: t(f"rag.{r}", lang) for r in set(rags)}
    codes = c["current_status"]
    completion_words = {code: completion_label(code, lang) for code in set(codes)}
    ids = c["commitment_id"]
    api, feed, badge = (f"{links.base}{paths.API}/commitments/", links.feed_url("commitment", _SLOT),
                        links.badge_url(_SLOT))
    slotted = [_slotted(cid, feed, badge, links) for cid in ids]
    built = {
        **c, "policy_areas": [areas or [] for areas in c["policy_areas"]],
        "status": rags, "status_label": [status_words[r] for r in rags],
        "current_status_label": [completion_words[code] for code in codes],
        "end_date_missing_reason": [_date_reason(d, raw) for d, raw in zip(c["end_date"], c["end_date_raw"])],
        "current_status_missing_reason": _missing_all(codes, "no_status_statement"),
        "irm_completion_missing_reason": _missing_all(c["irm_completion"], "not_assessed"),
        "days_since_update_missing_reason": _missing_all(c["days_since_update"], "no_update"),
        "next_due_date_missing_reason": _missing_all(c["next_due_date"], "no_open_dated_milestone"),
        "page_url": links.page_urls(ids), "api_url": [api + cid for cid in ids],
        "feed_url": [s[0] for s in slotted], "badge_url": [s[1] for s in slotted]}
    return _zipped(list(COMMITMENT_FIELDS), [built[name] for name in COMMITMENT_FIELDS], len(ids))


def _missing_all(values: list, reason: str) -> list[str | None]:
    return [reason if v is None else None for v in values]


def _slotted(cid: str, feed: str, badge: str, links: Links) -> tuple[str, str]:
    """A commitment's feed and badge URLs set into templates built once (paths.feed/badge refuse a bad id)."""
    if paths.ID.match(cid):
        return feed.replace(_SLOT, cid), badge.replace(_SLOT, cid)
    return links.feed_url("commitment", cid), links.badge_url(cid)


def commitments_page(cur, f: Filters, limit: int, offset: int, links: Links, today: date) -> dict:
    total = queries.count_commitments(cur, f, today)
    frame = queries.commitments(cur, f, today, limit=limit, offset=offset) if offset < total else pd.DataFrame()
    items = commitment_records(frame, links)
    return {"total": total, "limit": limit, "offset": offset, "count": len(items), "filters": f.to_params(),
            "as_of": today.isoformat(), "items": items}


def commitment_detail(cur, commitment_id: str, links: Links, today: date) -> dict | None:
    """One commitment with its ratings, milestones, statements by assessor, events, tags and sources."""
    row = queries.commitment(cur, commitment_id, today)
    if row is None:
        return None
    lang = links.lang
    out = commitment_record(row, links)
    out.update(description=value(row.get("description")), description_es=value(row.get("description_es")),
               as_of=today.isoformat())
    out["ratings"] = [_rating(r, lang) for r in rows(queries.assessments(cur, commitment_id))]
    out["milestones"] = [_milestone(r, lang) for r in rows(queries.milestones(cur, commitment_id, today))]
    statements = [_statement(r, lang) for r in rows(queries.progress_history(cur, commitment_id))]
    out["progress_by_assessor"] = [
        {"assessor": who, "assessor_label": t(f"assessor.{who}", lang),
         "statements": [s for s in statements if s["assessor"] == who]}
        for who in dict.fromkeys(s["assessor"] for s in statements)]
    out["events"] = [_event(r) for r in rows(queries.events(cur, commitment_id))]
    out["tags"] = queries.tags(cur, commitment_id)
    out["sources"] = [{k: r[k] for k in SOURCE_FIELDS} for r in rows(queries.sources(cur, commitment_id))]
    out["link_checks"] = link_checks(cur, cited_links(out))
    return out


def cited_links(record: dict) -> list[str]:
    """Every web address a commitment record cites, first appearance first: its OGP page, then the sources of
    its ratings, milestones, statements (and their evidence), events and files."""
    texts = [record["ogp_url"], *(r["source_url"] for r in record["ratings"]),
             *(m["source_url"] for m in record["milestones"])]
    for group in record["progress_by_assessor"]:
        for s in group["statements"]:
            texts += [*s["evidence_urls"], s["source_url"]]
    texts += [e["source_url"] for e in record["events"]] + [s["source_url"] for s in record["sources"]]
    return list(dict.fromkeys(url for text in texts if isinstance(text, str) for url in web_urls(text)))


def link_checks(cur, urls: list[str]) -> list[dict]:
    """Each link's latest check (monitor.linkcheck): dead true or false when a server answered, else null with
    the reason; a web archive search for a dead one, as the commitment page offers."""
    found = {r["url"]: r for r in rows(queries.link_checks(cur, urls))} if urls else {}
    out = []
    for url in urls:
        check = found.get(url, {})
        dead, why = linkcheck.verdict(check.get("outcome"))
        out.append({"url": url, **{k: check.get(k) for k in LINK_FIELDS[1:6]}, "dead": dead,
                    "dead_missing_reason": why, "archive_url": linkcheck.archive_link(url) if dead else None})
    return out


def _rating(r: dict, lang: str) -> dict:
    label = scale_label(r["scale_id"], r["value_code"], lang)
    return {"assessor": r["assessor"], "methodology": r["methodology"], "report": r["report"],
            "indicator": r["indicator"], "indicator_label": t(f"indicator.{r['indicator']}", lang),
            "qualifier": r["qualifier"] or None, "scale_id": r["scale_id"], "value_published": r["value_raw"],
            "value_code": r["value_code"], "value_label": label,
            "value_missing_reason": r["missing_reason"] if r["value_code"] is None else None, "band": r["band"],
            "as_of": r["as_of"], "rationale": r["rationale"], "source_url": r["source_url"],
            "source_file": r["source_file"], "source_row": r["source_row"], "source_column": r["source_column"]}


def _milestone(r: dict, lang: str) -> dict:
    out = {k: r.get(k) for k in MILESTONE_FIELDS if k in r}
    out["due_date_missing_reason"] = _date_reason(r["due_date"], r["due_date_raw"])
    out["status_label"] = completion_label(r["status_code"], lang)
    return {k: out.get(k) for k in MILESTONE_FIELDS}


def _statement(r: dict, lang: str) -> dict:
    seq = r["milestone_seq"]
    return {"period": r["period"], "period_end": r["period_end"], "assessor": r["assessor"],
            "assessor_name": r["assessor_name"], "subject": r["subject_type"], "subject_id": r["subject_id"],
            "milestone_seq": seq, "milestone_title": r["milestone_title"],
            "subject_label": statement_subject(r["subject_type"], seq, r["milestone_title"], lang),
            "status_published": r["status_raw"], "status_code": r["status_code"],
            "status_label": completion_label(r["status_code"], lang) if r["status_code"] else None,
            "status_missing_reason": None if r["status_code"] else
            ("unrecognised" if r["status_raw"] else "no_status_given"),
            "percent_complete": r["percent_complete"], "narrative": r["narrative"], "narrative_es": r["narrative_es"],
            "challenges": r["challenges"], "evidence": r["evidence"],
            "evidence_urls": web_urls(r["evidence"]) if r["evidence"] else [], "language": r["language"],
            "source_url": r["source_url"], "source_file": r["source_file"], "source_row": r["source_row"]}


def _event(r: dict) -> dict:
    return {"event_date": r["event_date"], "date_raw": r["date_raw"], "date_precision": r["date_precision"],
            "event_date_missing_reason": _date_reason(r["event_date"], r["date_raw"]), "category": r["category"],
            "title": r["title"], "title_es": r["title_es"], "actor": r["actor"],
            "about": "commitment" if r["is_about_commitment"] else "member", "source_url": r["source_url"]}


def plans(cur, links: Links) -> dict:
    return _scopes(queries.plans(cur), "action_plan_id", "plan", PLAN_FIELDS, links)


def members(cur, links: Links) -> dict:
    return _scopes(queries.members(cur), "member_code", "member", MEMBER_FIELDS, links)


def _scopes(frame: pd.DataFrame, key: str, kind: str, fields: tuple[str, ...], links: Links) -> dict:
    """Plans or members, each with its feed and its commitments (`?plan=` / `?member=`, the overview's filter)."""
    keys = frame[key].tolist()
    listed = links.api_url(f"{paths.API}/commitments?{kind}=")
    built = {"feed_url": _key_urls(keys, lambda k: links.feed_url(kind, k)),
             "commitments_url": [listed + k for k in keys]}
    items = _zipped(list(fields), [built[f] if f in built else _column(frame[f]) for f in fields], len(keys))
    return {"count": len(items), "items": items}


def _key_urls(keys: list[str], url: Callable[[str], str]) -> list[str]:
    """url(key) for each key, built once and formatted: keys that pass paths.ID need no escaping."""
    head, tail = url(_SLOT).split(_SLOT)
    return [head + k + tail if paths.ID.match(k) else url(k) for k in keys]


def watchlist(cur, links: Links, today: date) -> dict:
    items = commitment_records(queries.watchlist(cur, today), links)
    return {"count": len(items), "as_of": today.isoformat(), "feed_url": links.feed_url("watchlist"), "items": items}


def csv_columns(items: list[dict]) -> list[str]:
    """A list's CSV columns: its records' fields but nested objects (lists are joined in a cell)."""
    return [k for k, v in items[0].items() if not isinstance(v, dict)] if items else []


def cases(cur, links: Links) -> dict:
    """Every mandate (a Response Policy case and its resolution), with how many requests it holds."""
    items = rows(queries.cases(cur))
    for c in items:
        c["case_url"] = links.api_url(f"{paths.API}/cases/{c['case_id']}")
        c["page_url"] = links.case_url(c["case_id"])
    return {"count": len(items), "items": [_only(c, CASE_LIST_FIELDS) for c in items]}


def case_detail(cur, case_id: str, links: Links, today: date) -> dict | None:
    """One case with the requests of its resolution (each with its last follow-up, the days since and whether
    a review cadence was missed) and the follow-up logged against them."""
    found = queries.case(cur, case_id)
    if found is None:
        return None
    requests = rows(queries.case_requests(cur, case_id, today))
    for r in requests:
        r["commitment_url"] = links.api_url(paths.commitment(r["commitment_id"])) if r.get("commitment_id") else None
    return {**_only({k: value(v) for k, v in found.items()}, CASE_FIELDS),
            "page_url": links.case_url(case_id), "as_of": today.isoformat(),
            "requests": [_only(r, REQUEST_FIELDS) for r in requests],
            "follow_ups": [_only(f, FOLLOW_UP_FIELDS) for f in rows(queries.follow_ups(cur, case_id))]}


def _only(record: dict, fields: tuple[str, ...]) -> dict:
    """The documented fields, in their order (the OpenAPI description lists exactly these)."""
    return {f: record.get(f) for f in fields}
