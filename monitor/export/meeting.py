"""The two sheets a meeting starts from: the priority commitments, and what moved since a date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from monitor.export.frames import DATE, DATETIME, INT, LONG, URL, Labels, Table, as_date, build, rating_text
from monitor.i18n import completion_label, in_language, statement_subject, t
from monitor.metrics import pace_text, staleness_text, what_to_raise
from vocabulary.status import LATEST_READING


def plain_row(row: dict) -> dict:
    """A mart row as Python values: metrics compares with datetime.date, pandas hands back Timestamps."""
    out = {}
    for key, value in row.items():
        if key == "open_due_dates":
            out[key] = [as_date(v) for v in (value if value is not None else [])]
        elif isinstance(value, (pd.Timestamp, datetime)) or value is pd.NaT:
            out[key] = as_date(value)
        elif isinstance(value, float) and value != value:
            out[key] = None
        else:
            out[key] = value
    return out


# --- priority ---------------------------------------------------------------------------------------

@dataclass
class Signals:
    """Who has gone quiet and where each plan is heading (monitor.queries.staleness, plan_pace), for the
    priority commitments' members, lead institutions and plans."""

    members: pd.DataFrame
    leads: pd.DataFrame
    plans: pd.DataFrame

    def words(self, rows: list[dict], lang: str, today: date) -> dict[str, list]:
        """Per priority row: its member's and lead institution's staleness, and its plan's pace, in words."""
        member = _by(self.members, "group_id")
        lead = _by(self.leads, "group_id")
        plan = _by(self.plans, "action_plan_id")
        return {"member_staleness": [_quiet(member.get(r["member_code"]), lang) for r in rows],
                "lead_staleness": [_quiet(lead.get(r.get("lead_institution")), lang)
                                   if isinstance(r.get("lead_institution"), str) else t("ui.not_recorded", lang)
                                   for r in rows],
                "plan_pace": [pace_text(plan[r["action_plan_id"]], today, lang) if r["action_plan_id"] in plan
                              else None for r in rows]}


def _by(frame: pd.DataFrame, key: str) -> dict:
    return {r[key]: plain_row(r) for r in frame.to_dict("records") if isinstance(r[key], str)}


def _quiet(group: dict | None, lang: str) -> str | None:
    return f"{group.get('group_name') or group['group_id']}: {staleness_text(group, lang)}" if group else None


def priority_table(watched: pd.DataFrame, events: pd.DataFrame, lang: str, today: date,
                   mandates: pd.DataFrame | None = None, signals: Signals | None = None) -> Table:
    """Watched commitments in scope, worst first (the watchlist query's order), with the request that put each
    there, its last follow-up, what to raise, and how quiet its member and lead institution are and where its
    plan is heading."""
    L = Labels(lang)
    rows = [plain_row(r) for r in watched.to_dict("records")]
    latest = {} if mandates is None else {m["commitment_id"]: plain_row(m) for m in mandates.to_dict("records")
                                          if isinstance(m.get("commitment_id"), str)}
    about = EventIndex(events)
    related = [about.related(r["commitment_id"], r["member_code"]) for r in rows]
    idx = watched.index
    columns = [
        ("commitment_id", watched["commitment_id"], ""), ("member", watched["member_name"], ""),
        ("plan", watched["action_plan_id"], ""), ("title", watched["title"], LONG),
        ("status", L.rag(watched["rag"]), ""), ("colour", L.colour(watched["rag"]), ""),
        ("current_status", L.completion(watched["current_status"]), ""),
        ("assessors", pd.Series([_assessors(r, lang) for r in rows], index=idx), LONG),
        ("disagree", L.yes_no(watched["assessors_disagree"]), ""),
        ("watch_reason", in_language(watched, "watch_reason", lang), LONG),
        ("watched_since", watched["watched_since"], DATE),
        ("last_update", watched["last_update_date"], DATE), ("days_since_update", watched["days_since_update"], INT),
        ("overdue_milestones", watched["count_overdue_milestones"], INT), ("next_due", watched["next_due_date"], DATE),
        ("request", pd.Series([latest.get(r["commitment_id"], {}).get("request_id") for r in rows], index=idx,
                              dtype=object), ""),
        ("last_follow_up", pd.Series([latest.get(r["commitment_id"], {}).get("last_follow_up_date") for r in rows],
                                     index=idx, dtype=object), DATE),
        ("raise", pd.Series([what_to_raise(r, lang, today, latest.get(r["commitment_id"])) for r in rows],
                            index=idx), LONG),
        *[(key, pd.Series(values, index=idx, dtype=object), LONG) for key, values in
          (signals.words(rows, lang, today) if signals else {}).items()],
        ("events", pd.Series([len(e) for e in related], index=idx), INT),
        ("last_event_date", pd.Series([_first(e, "event_date") for e in related], index=idx), DATE),
        ("last_event", pd.Series([_first_title(e, lang) for e in related], index=idx), LONG),
        ("event_list", pd.Series([_event_lines(e, lang) for e in related], index=idx), LONG),
        ("ogp_url", watched["ogp_url"], URL),
    ]
    frame, kinds = build(columns, L, idx)
    return Table("priority", frame, kinds, L.col("colour"), (L.col("status"), L.col("colour")))


class EventIndex:
    """Events grouped once by commitment and by member, so each watched row is a lookup, not a scan."""

    def __init__(self, events: pd.DataFrame):
        self.columns = events.columns
        self.by_commitment = {k: g for k, g in events.groupby("commitment_id", sort=False)}
        general = events[events["commitment_id"].isna()]
        self.by_member = {k: g for k, g in general.groupby("member_code", sort=False)}

    def related(self, commitment_id: str, member_code: str) -> pd.DataFrame:
        """About the commitment, and about its member as a whole; newest first, as queries.events orders them."""
        parts = [g for g in (self.by_commitment.get(commitment_id), self.by_member.get(member_code)) if g is not None]
        if not parts:
            return pd.DataFrame(columns=self.columns)
        found = pd.concat(parts) if len(parts) > 1 else parts[0]
        return found.sort_values(["event_date", "date_raw"], ascending=False, na_position="last", kind="stable")


def _title(event: dict, lang: str) -> str:
    return in_language(event, "title", lang)


def _first(events: pd.DataFrame, column: str):
    return events[column].iloc[0] if len(events) else None


def _first_title(events: pd.DataFrame, lang: str) -> str | None:
    return _title(events.iloc[0].to_dict(), lang) if len(events) else None


def _event_lines(events: pd.DataFrame, lang: str) -> str | None:
    """'2018-06-19 · Response Policy case filed' per line: a date a reader can scan, then what happened."""
    lines = [f"{e['date_raw']} · {_title(e, lang)}" for e in events.to_dict("records")]
    return "\n".join(lines) or None


def _assessors(row: dict, lang: str) -> str:
    return "\n".join(f"{t('assessor.' + who, lang)}: {completion_label(row.get(col), lang)}"
                     for who, (col, _) in LATEST_READING.items())


# --- changes since ----------------------------------------------------------------------------------

# kind_key and ref (what the change is about, in no language) name a change the same way in every language:
# the feeds build their entry ids from them; the sheet does not show them.
CHANGE_COLUMNS = ("when", "kind", "commitment_id", "detail", "before", "now", "source_url", "loaded_at", "kind_key",
                  "ref")


def changes_table(since: date | None, c: pd.DataFrame, ratings: pd.DataFrame, progress: pd.DataFrame,
                  events: pd.DataFrame, milestones: pd.DataFrame, lang: str, today: date) -> Table:
    """Facts dated on/after `since`, or loaded on/after it, newest first; empty when no date was chosen.
    Milestones whose due date passed in the window, still open, are changes too: newly overdue.

    A commitment new to the monitor in the window is one row: its ratings and progress arrived with it,
    and listing each of them would bury the changes to commitments the meeting already knows.
    """
    rows = change_rows(since, c, ratings, progress, events, milestones, lang, today)
    titles = c.set_index("commitment_id")["title"]
    L = Labels(lang)
    columns = [
        ("change_date", rows["when"], DATE), ("change_kind", rows["kind"], ""),
        ("commitment_id", rows["commitment_id"], ""), ("title", rows["commitment_id"].map(titles), LONG),
        ("change_detail", rows["detail"], LONG), ("previous", rows["before"], ""), ("now", rows["now"], ""),
        ("source_url", rows["source_url"], URL), ("loaded_at", rows["loaded_at"], DATETIME),
    ]
    frame, kinds = build(columns, L, rows.index)
    return Table("changes", frame, kinds)


def change_rows(since: date | None, c: pd.DataFrame, ratings: pd.DataFrame, progress: pd.DataFrame,
                events: pd.DataFrame, milestones: pd.DataFrame, lang: str, today: date) -> pd.DataFrame:
    """The Changes sheet's rows before labelling (CHANGE_COLUMNS), newest first: what changes_table shows
    and what the feeds publish."""
    parts = []
    if since is not None:
        new = set(c.loc[pd.to_datetime(c["loaded_at"]) >= pd.Timestamp(since), "commitment_id"])
        known_ratings, known_progress = (f[~f["commitment_id"].isin(new)] for f in (ratings, progress))
        parts = [_new_commitments(c, since, lang), _new_watch(c, since, lang), _new_ratings(known_ratings, since, lang),
                 _progress_changes(known_progress, since, lang), _new_events(events, since, lang),
                 _newly_overdue(milestones, since, today, lang)]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=CHANGE_COLUMNS)
    return rows.sort_values(["when", "commitment_id"], ascending=[False, True], na_position="last", kind="stable")


def _moved(frame: pd.DataFrame, dated: str, since: date) -> pd.Series:
    """Dated on/after `since`, or loaded on/after it (a late report about an old period still moved)."""
    cutoff = pd.Timestamp(since)
    return (pd.to_datetime(frame[dated]) >= cutoff) | (pd.to_datetime(frame["loaded_at"]) >= cutoff)


def _refs(frame: pd.DataFrame, *columns: str) -> pd.Series:
    """What each row is about, in no language: its identifying columns joined ('irm|completion|midterm|...')."""
    values = ["|".join("" if v is None or v != v else str(v) for v in row) for row in
              frame[list(columns)].itertuples(index=False)]
    return pd.Series(values, index=frame.index, dtype=object)


def _change(frame: pd.DataFrame, when, kind: str, lang: str, detail, before=None, now=None,
            source_url=None, ref=None) -> pd.DataFrame:
    size = len(frame)
    as_series = lambda v: v.to_numpy() if isinstance(v, pd.Series) else [v] * size  # noqa: E731
    return pd.DataFrame({
        "when": as_series(when), "kind": t(f"export.change.{kind}", lang),
        "commitment_id": frame["commitment_id"].to_numpy(), "detail": as_series(detail),
        "before": as_series(before), "now": as_series(now), "source_url": as_series(source_url),
        "loaded_at": frame["loaded_at"].to_numpy(), "kind_key": kind, "ref": as_series(ref)})


def _new_commitments(c: pd.DataFrame, since: date, lang: str) -> pd.DataFrame:
    new = c[pd.to_datetime(c["loaded_at"]) >= pd.Timestamp(since)]
    return _change(new, new["loaded_at"], "new_commitment", lang, new["action_plan_id"], source_url=new["source_url"],
                   ref=_refs(new, "commitment_id"))


def _new_watch(c: pd.DataFrame, since: date, lang: str) -> pd.DataFrame:
    new = c[c["is_watched"] & (pd.to_datetime(c["watched_since"]) >= pd.Timestamp(since))]
    return _change(new, new["watched_since"], "watched", lang, in_language(new, "watch_reason", lang),
                   ref=_refs(new, "watched_since"))


def _new_ratings(r: pd.DataFrame, since: date, lang: str) -> pd.DataFrame:
    new = r[_moved(r, "as_of", since)]
    detail = (new["assessor"].map(lambda a: t(f"assessor.{a}", lang)) + " · "
              + new["indicator"].map(lambda i: t(f"indicator.{i}", lang))
              + new["qualifier"].map(lambda q: f" ({q.replace('_', ' ')})" if q else "")
              + new["report"].map(lambda p: f" · {p}" if p else ""))
    return _change(new, new["as_of"].fillna(new["loaded_at"]), "rating", lang, detail,
                   now=rating_text(new, lang), source_url=new["source_url"],
                   ref=_refs(new, "assessor", "methodology", "indicator", "qualifier", "report", "as_of", "value_raw"))


def _progress_changes(p: pd.DataFrame, since: date, lang: str) -> pd.DataFrame:
    """Each new statement is a status change, new evidence, or a plain update, in that order of interest."""
    new = p[_moved(p, "period_end", since)]
    changed = new["status_code"].notna() & (new["status_code"] != new["previous_status"])
    kind = pd.Series("update", index=new.index).mask(new["evidence"].notna(), "evidence").mask(changed, "status_change")
    label = lambda col: new[col].map(lambda s: completion_label(s, lang) if isinstance(s, str) else None)  # noqa: E731
    about = pd.Series([statement_subject(*r, lang) for r in zip(new["subject_type"], new["milestone_seq"],
                                                                new["milestone_title"])], index=new.index, dtype=object)
    detail = (new["assessor"].map(lambda a: t(f"assessor.{a}", lang)) + " · " + new["period"].astype(str)
              + " · " + about + new["evidence"].map(lambda e: f"\n{e}" if isinstance(e, str) and e else ""))
    ref = _refs(new, "subject_type", "subject_id", "assessor", "period", "status_code")
    frames = [_change(new[kind == k], new["period_end"][kind == k].fillna(new["loaded_at"][kind == k]), k, lang,
                      detail[kind == k], label("previous_status")[kind == k], label("status_code")[kind == k],
                      new["source_url"][kind == k], ref[kind == k]) for k in ("status_change", "evidence", "update")]
    return pd.concat(frames, ignore_index=True)


def _new_events(e: pd.DataFrame, since: date, lang: str) -> pd.DataFrame:
    new = e[_moved(e, "event_date", since)]
    titles = pd.Series([_title(r, lang) for r in new.to_dict("records")], index=new.index, dtype=object)
    return _change(new, new["event_date"].fillna(new["loaded_at"]), "event", lang, titles,
                   source_url=new["source_url"], ref=_refs(new, "event_id"))



def _newly_overdue(m: pd.DataFrame, since: date, today: date, lang: str) -> pd.DataFrame:
    """Open milestones whose due date fell in [since, today): they became overdue in the window."""
    due = pd.to_datetime(m["due_date"])
    new = m[m["is_overdue"].fillna(False).astype(bool) & (due >= pd.Timestamp(since)) & (due < pd.Timestamp(today))]
    detail = [statement_subject("milestone", s, title, lang) for s, title in zip(new["seq"], new["title"])]
    return _change(new, new["due_date"], "overdue", lang, pd.Series(detail, index=new.index, dtype=object),
                   now=new["status_code"].map(lambda s: completion_label(s, lang) if isinstance(s, str) else None),
                   source_url=new["source_url"], ref=_refs(new, "milestone_id", "due_date"))


def mandates_table(requests: pd.DataFrame, lang: str) -> Table:
    """What each decision asked, of whom, about what, and its last follow-up; a missed review cadence flagged."""
    L = Labels(lang)
    spanish = lang == "es"
    columns = [
        ("case", requests["case_id"], ""),
        ("title", requests["case_title_es"].fillna(requests["case_title"]) if spanish else requests["case_title"],
         LONG),
        ("resolution_date", requests["resolution_date"], DATE), ("request", requests["request_id"], ""),
        ("request_kind", requests["request_kind"].map(lambda k: t(f"mandate.kind_{k}", lang)), ""),
        ("asked_of", requests["asked_of"], LONG),
        ("request_summary", requests["summary_es"].fillna(requests["summary_en"]) if spanish
         else requests["summary_en"], LONG),
        ("concerns", requests["commitment_id"].fillna(requests["action_plan_id"]).fillna(requests["member_code"]), ""),
        ("review_cadence", requests["review_cadence_days"], INT),
        ("follow_ups", requests["count_follow_ups"].fillna(0), INT),
        ("last_follow_up", requests["last_follow_up_date"], DATE),
        ("days_since_follow_up", requests["days_since_follow_up"], INT),
        ("follow_up_overdue", L.yes_no(requests["is_follow_up_overdue"]), ""),
        ("source_url", requests["source_url"], URL),
    ]
    frame, kinds = build(columns, L, requests.index)
    return Table("mandates", frame, kinds, flag_column=L.col("follow_up_overdue"),
                 flag_targets=(L.col("request"), L.col("days_since_follow_up")))
