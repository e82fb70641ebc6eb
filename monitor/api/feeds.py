"""Atom 1.0 feeds of what changed (RFC 4287): one commitment, one member, one plan, the watchlist.

The entries are the meeting pack's Changes rows (monitor.export.meeting.change_rows over the same reads),
so a feed and a pack built for the same scope and date agree; the feeds add the follow-up logged on mandates
about the scope's commitments (each entry linking to its case page). Entry ids are tag: URIs (RFC 4151) made from
what a change is about, never from its wording, so they stay the same in English and Spanish and across
rebuilds. XML is built with xml.etree, which escapes every text and attribute.
"""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pandas as pd

from monitor import queries
from monitor.api import ApiError
from monitor.api.records import Links
from monitor.export.meeting import change_rows
from monitor.export.pack import read_changes
from monitor.filters import Filters
from monitor.i18n import in_language, plan_label, t
from vocabulary.links import is_web_url

ATOM = "http://www.w3.org/2005/Atom"
MIME = "application/atom+xml; charset=utf-8"
TAG = "tag:ogp-commitment-monitor,2026:"  # RFC 4151 authority and date: fixed, so ids never change
WINDOW_DAYS = 365   # changes in the last year unless ?since= says otherwise
MAX_ENTRIES = 200   # newest first; a reader keeps what it has already seen


def default_since(today: date) -> date:
    return today - timedelta(days=WINDOW_DAYS)


def scope(cur, kind: str, key: str | None, lang: str, options: dict | None = None) -> tuple[Filters, str, str | None]:
    """The feed's filters, its title, and (for one commitment) the id its rows are kept to. 404 if unknown.
    `options` is monitor.queries.filter_options, when the caller already has it."""
    if kind == "watchlist":
        return Filters(watched=True), t("api.feed.watchlist", lang), None
    if kind == "commitment":
        row = queries.commitment(cur, key)
        if row is None:
            raise ApiError(404, f"no commitment {key!r}")
        title = t("api.feed.commitment", lang, id=key, title=in_language(row, "title", lang))
        return Filters(member=(row["member_code"],), plan=(row["action_plan_id"],)), title, key
    options = options or queries.filter_options(cur)
    if kind == "member":
        names = dict(options["members"])
        if key not in names:
            raise ApiError(404, f"no member {key!r}")
        return Filters(member=(key,)), t("api.feed.member", lang, name=names[key] or key), None
    if kind == "plan":
        plans = {p[0]: p for p in options["plans"]}
        if key not in plans:
            raise ApiError(404, f"no plan {key!r}")
        return Filters(plan=(key,)), t("api.feed.plan", lang, name=plan_label(plans[key], lang)), None
    raise ApiError(404, f"no feed of {kind!r}")


def feed_rows(cur, kind: str, key: str | None, since: date, today: date, lang: str,
              options: dict | None = None) -> tuple[pd.DataFrame, str, dict]:
    """The Changes rows of the feed's scope (newest first), its title, and each commitment's title."""
    f, title, only = scope(cur, kind, key, lang, options)
    read = (*read_changes(cur, f, today), queries.commitment_follow_ups(cur, f, today))
    if only:  # every change is about one commitment: the rule runs on this one's rows alone, not its plan's
        read = tuple(frame[frame["commitment_id"] == only] for frame in read)
    c, ratings, progress, events, milestones, follow_ups = read
    found = change_rows(since, c, ratings, progress, events, milestones, lang, today)
    follow = follow_up_rows(follow_ups, since, lang)
    if len(follow):
        found = pd.concat([found, follow], ignore_index=True).sort_values(
            ["when", "commitment_id"], ascending=[False, True], na_position="last", kind="stable")
    titles = dict(zip(c["commitment_id"], in_language(c, "title", lang))) if len(c) else {}
    return found, title, titles


def follow_up_rows(follow: pd.DataFrame, since: date, lang: str) -> pd.DataFrame:
    """Follow-up on mandates about the scope's commitments (monitor.queries.commitment_follow_ups) as Changes
    rows, dated or imported on/after `since` as every change is; `case_id` sends the entry to the case page."""
    cutoff = pd.Timestamp(since)
    new = follow[(pd.to_datetime(follow["follow_up_date"]) >= cutoff) | (pd.to_datetime(follow["loaded_at"]) >= cutoff)]
    if new.empty:
        return new.assign(case_id=None).iloc[:0]
    kinds = new["kind"].map(lambda k: t(f"mandate.fu_{k}", lang))
    detail = (new["case_id"] + " · " + new["date_raw"] + " · " + kinds + " · " + new["actor"] + "\n"
              + in_language(new.rename(columns={"action_en": "action"}), "action", lang))
    return pd.DataFrame({
        "when": new["follow_up_date"].to_numpy(), "kind": t("mandate.lane_follow_up", lang),
        "commitment_id": new["commitment_id"].to_numpy(), "detail": detail.to_numpy(), "before": None,
        "now": new["outcome"].to_numpy(), "source_url": new["source_url"].to_numpy(),
        "loaded_at": new["loaded_at"].to_numpy(), "kind_key": "follow_up", "ref": new["follow_up_id"].to_numpy(),
        "case_id": new["case_id"].to_numpy()})


def build(cur, kind: str, key: str | None, links: Links, since: date, today: date, self_url: str,
          options: dict | None = None) -> bytes:
    """The feed document; `self_url` is the address it was fetched from (RFC 4287 rel="self")."""
    lang = links.lang
    found, title, titles = feed_rows(cur, kind, key, since, today, lang, options)
    entries = [_entry(r, titles, links) for r in found.head(MAX_ENTRIES).to_dict("records")]
    feed = ET.Element("feed", {"xmlns": ATOM, "{http://www.w3.org/XML/1998/namespace}lang": lang})
    _text(feed, "id", f"{TAG}feed/{kind}" + (f"/{key}" if key else ""))
    _text(feed, "title", title)
    _text(feed, "subtitle", t("api.feed.subtitle", lang, since=since.isoformat()))
    _text(feed, "updated", max((e.findtext("updated") for e in entries), default=_stamp(since)))
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    alternate = links.page_url(key) if kind == "commitment" else links.scope_url(kind, key)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=alternate)
    author = ET.SubElement(feed, "author")
    _text(author, "name", t("app.title", lang))
    _text(feed, "generator", t("app.title", lang))
    feed.extend(entries)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def entry_id(row: dict) -> str:
    digest = hashlib.sha256(f"{row['kind_key']}|{row['ref']}".encode()).hexdigest()[:20]
    return f"{TAG}{row['commitment_id']}/{row['kind_key']}/{digest}"


def _entry(row: dict, titles: dict, links: Links) -> ET.Element:
    lang, cid = links.lang, row["commitment_id"]
    entry = ET.Element("entry")
    _text(entry, "id", entry_id(row))
    detail = _plain(row["detail"])
    headline = detail.splitlines()[0] if detail else (titles.get(cid) or "")
    _text(entry, "title", f"{row['kind']} · {cid} · {headline}"[:300])
    _text(entry, "updated", _stamp(row["when"] if _known(row["when"]) else row["loaded_at"]))
    case = _plain(row.get("case_id"))
    page = links.case_url(case) if case else links.page_url(cid)
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=page)
    source = _plain(row["source_url"])
    if is_web_url(source):
        ET.SubElement(entry, "link", rel="related", href=source)
    ET.SubElement(entry, "category", term=row["kind_key"], label=row["kind"])
    lines = [f"{cid} · {titles.get(cid) or ''}", detail]
    before, now = _plain(row["before"]), _plain(row["now"])
    if before or now:
        lines.append(t("api.feed.before_now", lang, before=before or "-", now=now or "-"))
    if source:
        lines.append(t("api.feed.source", lang, source=source))
    if _known(row["loaded_at"]):
        lines.append(t("api.feed.recorded", lang, when=_stamp(row["loaded_at"])))
    summary = ET.SubElement(entry, "summary", type="text")
    summary.text = "\n".join(line for line in lines if line)
    return entry


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, f"{name}")
    child.text = text
    return child


def _known(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and v is not pd.NaT


def _plain(v) -> str:
    return str(v) if _known(v) and v is not pd.NA else ""


def _stamp(v) -> str:
    """RFC 3339 in UTC, as Atom's date constructs require: a date alone is its midnight."""
    stamp = pd.Timestamp(v)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
