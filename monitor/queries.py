"""Named read functions for pages and exports: a cursor and filters in, a DataFrame out.

Every function takes a DuckDB cursor (one per query and thread: see docs/architecture.md) and reads
the mart tables the writer rebuilds after each import.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from monitor import search_index
from monitor.filters import Filters, Where
from vocabulary.links import web_urls

# The status rules are named SQL (monitor/sql/status_views.sql): a table macro taking the day it speaks for.
RATED = "commitment_status_on($today)"
SEVERITY_SQL = "rag_severity(rag)"


# The colour counts and IRM completion counts that every summary shows (headline, compare).
STATUS_COUNTS = """count(*) filter (where rag in ('not_started', 'overdue')) as red,
    count(*) filter (where rag = 'in_progress') as amber,
    count(*) filter (where rag in ('on_track', 'complete')) as green,
    count(*) filter (where rag in ('unknown', 'withdrawn')) as grey,
    count(*) filter (where irm_completion is not null) as irm_assessed,
    count(*) filter (where irm_completion in ('substantial', 'complete')) as high_completion"""


def where(cur, f: Filters) -> Where:
    w = Where()
    for column, values in (("member_code", f.member), ("region", f.region), ("action_plan_id", f.plan),
                           ("rag", f.status), ("irm_completion", f.completion), ("results_band", f.results)):
        if values:
            w.add(column + " in (select unnest({}::text[]))", list(values))
    if f.policy_area:
        # one list_contains per value: the same rows as a non-empty list_intersect, several times faster
        w.add("(" + " or ".join(f"list_contains(policy_areas, {{{i}}})" for i in range(len(f.policy_area))) + ")",
              *f.policy_area)
    if f.lead:
        w.add("contains(lower(coalesce(lead_institution, '')), lower({}))", f.lead)
    if search_index.terms(f.q):  # spaces or empty quotes alone filter nothing
        w.clauses.append(search_index.matching(cur, w, f.q))
    if f.starred:
        w.clauses.append("is_starred")
    if f.watched:
        w.clauses.append("is_watched")
    return w


def _run(cur, sql: str, params: dict, today: date | None = None) -> pd.DataFrame:
    return cur.execute(sql, {"today": today or date.today(), **params}).df()


def commitments(cur, f: Filters, today: date | None = None, limit: int | None = None,
                offset: int = 0) -> pd.DataFrame:
    """The filtered commitments, worst status first, with their RAG reason and deadlines; `limit` rows from
    `offset` when given (a page of the list: the API's paging)."""
    w = where(cur, f)
    order = f"{SEVERITY_SQL}, member_code, action_plan_id, commitment_id"
    if not limit:
        sql = f"""select * exclude (open_due_dates) from {RATED}
                  where {w.sql} order by {order}"""
        return _run(cur, sql, w.params, today)
    # Rank on the few sort columns first, then build the wide rows only for the page's `limit` ids
    # (commitment_id is unique, so the order is total and the rows are the same as one top-N query).
    sql = f"""select * exclude (open_due_dates) from {RATED} where commitment_id in (
                  select commitment_id from {RATED} where {w.sql} order by {order}
                  limit {int(limit)} offset {int(offset)})
              order by {order}"""
    return _run(cur, sql, w.params, today)


def count_commitments(cur, f: Filters, today: date | None = None) -> int:
    w = where(cur, f)
    return int(_run(cur, f"select count(*) as n from {RATED} where {w.sql}", w.params, today)["n"][0])


def headline(cur, f: Filters, today: date | None = None) -> dict:
    """The figures at the top of the overview."""
    w = where(cur, f)
    sql = f"""select count(*) as commitments, count(distinct member_code) as members,
                     count(distinct action_plan_id) as plans, count(*) filter (where is_watched) as watched,
                     {STATUS_COUNTS},
                     count(*) filter (where assessors_disagree) as disagreements
              from {RATED} where {w.sql}"""
    return _run(cur, sql, w.params, today).iloc[0].to_dict()


def distribution(cur, f: Filters, column: str, by: str = "action_plan_id", today: date | None = None) -> pd.DataFrame:
    """Counts of `column` (rag, irm_completion, results_band, ambition_band) per `by` group."""
    allowed = {"rag", "irm_completion", "results_band", "ambition_band"}
    groups = {"action_plan_id", "member_code", "region"}
    if column not in allowed or by not in groups:
        raise ValueError(f"cannot group {column} by {by}")
    w = where(cur, f)
    sql = f"""select {by} as grp, coalesce({column}, 'unknown') as value, count(*) as n
              from {RATED} where {w.sql} group by all order by grp, value"""
    return _run(cur, sql, w.params, today)


def ambition_completion(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """The IRM's classic view: ambition band against completion, counts per cell."""
    w = where(cur, f)
    sql = f"""select coalesce(ambition_band, 'unknown') as ambition, coalesce(irm_completion, 'unknown') as completion,
                     count(*) as n
              from {RATED} where {w.sql} group by all order by ambition, completion"""
    return _run(cur, sql, w.params, today)


def filter_options(cur) -> dict[str, list]:
    """Values that exist, for the filter widgets."""
    members = cur.execute("select member_code, name from member order by name").fetchall()
    plans = cur.execute("""select p.action_plan_id, m.name, p.plan_number, p.submission_year, p.end_year
                           from action_plan p left join member m using (member_code)
                           order by m.name, p.plan_number""").fetchall()
    regions = [r[0] for r in cur.execute(
        "select distinct region from member where region is not null order by 1").fetchall()]
    areas = [r[0] for r in cur.execute(
        "select distinct tag from commitment_tag where value = '1' order by 1").fetchall()]
    return {"members": members, "plans": plans, "regions": regions, "policy_areas": areas}


def commitment(cur, commitment_id: str, today: date | None = None) -> dict | None:
    """One commitment with its mart fields, RAG and full descriptions, or None."""
    sql = f"""select r.*, c.description, c.description_es from {RATED} r join commitment c using (commitment_id)
              where commitment_id = $id"""
    df = _run(cur, sql, {"id": commitment_id}, today)
    return None if df.empty else df.iloc[0].to_dict()


def assessments(cur, commitment_id: str) -> pd.DataFrame:
    """Every rating of a commitment, with the published label and definition of its scale value."""
    return cur.execute("""
        select a.indicator, a.qualifier, a.assessor, a.report, a.methodology, a.value_raw, a.value_code,
               a.band, a.missing_reason, a.as_of, a.rationale, a.source_url, a.scale_id,
               v.label_en, v.label_es, v.definition_en, v.definition_es,
               s.file_name as source_file, a.source_row, a.source_column
        from assessment a
        left join scale_value v on v.scale_id = a.scale_id and v.code = a.value_code
        left join source_file s on s.source_id = a.source_id
        where a.subject_type = 'commitment' and a.subject_id = ?
        order by a.assessor, a.report, a.indicator, a.qualifier""", [commitment_id]).df()


def milestones(cur, commitment_id: str, today: date | None = None) -> pd.DataFrame:
    return _run(cur, """select * from milestone_status_on($today) where commitment_id = $id
                        order by seq nulls last, milestone_id""", {"id": commitment_id}, today)


def progress_history(cur, commitment_id: str) -> pd.DataFrame:
    """Every dated status statement about the commitment or its milestones, oldest first."""
    return cur.execute("""
        select p.period, p.period_end, p.assessor, p.assessor_name, p.subject_type, p.subject_id,
               m.seq as milestone_seq, m.title as milestone_title,
               p.status_raw, p.status_code, p.percent_complete, p.narrative, p.narrative_es, p.challenges,
               p.evidence, p.language, p.source_url, s.file_name as source_file, p.source_row
        from progress_update p left join source_file s on s.source_id = p.source_id
        left join milestone m on p.subject_type = 'milestone' and m.milestone_id = p.subject_id
        where p.commitment_id = ?
        order by p.period_end nulls first, p.period, p.assessor""", [commitment_id]).df()


def events(cur, commitment_id: str) -> pd.DataFrame:
    """Dated events about the commitment, then about its member, in date order."""
    return cur.execute("""
        select e.event_date, e.date_raw, e.date_precision, e.category, e.title, e.title_es, e.actor,
               e.source_url, e.commitment_id = ? as is_about_commitment
        from event e
        where e.commitment_id = ?
           or (e.commitment_id is null and e.member_code = (select member_code from commitment where commitment_id = ?))
        order by e.event_date nulls last, e.date_raw""", [commitment_id] * 3).df()


def tags(cur, commitment_id: str) -> list[str]:
    return [r[0] for r in cur.execute(
        "select tag from commitment_tag where commitment_id = ? and value = '1' order by tag",
        [commitment_id]).fetchall()]


def sources(cur, commitment_id: str) -> pd.DataFrame:
    """The files and public URLs behind every figure of a commitment."""
    return cur.execute("""
        with rows as (
            select source_id, source_url from commitment where commitment_id = ?
            union all select source_id, source_url from assessment where subject_id = ?
            union all select source_id, source_url from milestone where commitment_id = ?
            union all select source_id, source_url from progress_update where commitment_id = ?
            union all select source_id, source_url from event where commitment_id = ?
        )
        select distinct s.file_name, s.kind, s.loaded_at, s.source_id as sha256, r.source_url
        from rows r left join source_file s using (source_id)
        order by s.file_name, r.source_url""", [commitment_id] * 5).df()


def watchlist(cur, today: date | None = None) -> pd.DataFrame:
    """Watched commitments, worst first: red before amber, then longest overdue, then stalest."""
    sql = f"""select * from {RATED} where is_watched
              order by {SEVERITY_SQL}, count_overdue_milestones desc, days_since_update desc nulls first,
                       commitment_id"""
    return _run(cur, sql, {}, today)


def plan_summaries(cur, action_plan_ids: list[str] | None = None) -> pd.DataFrame:
    """Plan-level IRM figures as published (counts), beside what the monitor's own rows add up to."""
    return cur.execute("""
        select a.subject_id as action_plan_id, a.report, a.indicator, a.qualifier, a.value_raw, a.value_numeric,
               a.assessor, a.rationale, a.source_url
        from assessment a
        where a.subject_type = 'action_plan' and (? is null or a.subject_id in (select unnest(?::text[])))
        order by a.subject_id, a.report, a.indicator, a.qualifier""",
        [action_plan_ids, action_plan_ids]).df()


def compare(cur, f: Filters, by: str, today: date | None = None) -> pd.DataFrame:
    """Side-by-side figures per plan, member or region: counts, RAG mix, IRM completion and results."""
    groups = {"action_plan_id": "action_plan_id, member_name, plan_number, submission_year, end_year",
              "member_code": "member_code, member_name, region", "region": "region"}
    if by not in groups:
        raise ValueError(by)
    w = where(cur, f)
    sql = f"""select {groups[by]}, count(*) as commitments,
                 {STATUS_COUNTS},
                 count(*) filter (where results_band in ('strong', 'top')) as strong_results,
                 count(*) filter (where results_band is not null) as results_assessed,
                 count(*) filter (where ambition_band = 'high') as high_ambition,
                 count(*) filter (where is_starred) as starred
              from {RATED} where {w.sql} group by all order by 1"""
    return _run(cur, sql, w.params, today)


def import_history(cur) -> pd.DataFrame:
    return cur.execute("""select loaded_at, file_name, kind, row_count, size_bytes, loaded_by,
                                 source_id as sha256, notes
                          from source_file order by loaded_at desc, file_name""").df()


def plans(cur) -> pd.DataFrame:
    """Every action plan with its member and how many commitments the monitor holds for it."""
    return cur.execute("""
        select p.action_plan_id, p.member_code, m.name as member_name, p.plan_number, p.title, p.submission_year,
               p.end_year, p.start_date, p.end_date, p.source_url, count(c.commitment_id) as count_commitments
        from action_plan p left join member m using (member_code)
        left join commitment c using (action_plan_id)
        group by all order by m.name, p.plan_number, p.action_plan_id""").df()


def members(cur) -> pd.DataFrame:
    """Every member with its region and how many plans and commitments the monitor holds for it."""
    return cur.execute("""
        select m.member_code, m.name, m.member_type, m.region,
               (select count(*) from action_plan p where p.member_code = m.member_code) as count_plans,
               (select count(*) from commitment c where c.member_code = m.member_code) as count_commitments
        from member m order by m.name, m.member_code""").df()


def data_version(cur) -> str:
    """Changes whenever an import lands or links are checked (the API marks dead links): part of every cache
    key."""
    row = cur.execute("""select count(*), max(loaded_at), (select count(*) from link_check),
                                (select max(checked_at) from link_check) from source_file""").fetchone()
    return ":".join(map(str, row))


# exports
# Set-based reads for the meeting pack (monitor/export): one query per table for the whole scope, never
# one per commitment, so a pack of OGP's whole history costs a handful of queries.

def _scope_ids(cur, f: Filters) -> tuple[str, Where]:
    """A subquery of the commitment ids in scope, with its parameters."""
    w = where(cur, f)
    return f"(select commitment_id, member_code, action_plan_id from {RATED} where {w.sql})", w


def export_commitments(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Every field of the commitments in scope: mart figures, RAG, raw dates, notes, provenance."""
    w = where(cur, f)
    sql = f"""select r.*, c.description, c.description_es, c.commitment_number_raw, c.start_date_raw,
                     c.start_date_precision, c.end_date_precision,
                     c.notes, c.source_url, c.source_sheet, c.source_row, s.file_name as source_file,
                     s.loaded_at as loaded_at
              from (select * from {RATED} where {w.sql}) r
              join commitment c using (commitment_id)
              left join source_file s on s.source_id = c.source_id
              order by r.member_code, r.action_plan_id, r.commitment_id"""
    return _run(cur, sql, w.params, today)


def export_ratings(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Every rating of every commitment in scope, with the load date of the file it came from."""
    scope, w = _scope_ids(cur, f)
    sql = f"""select a.subject_id as commitment_id, a.indicator, a.qualifier, a.assessor, a.report, a.methodology,
                     a.scale_id, a.value_raw, a.value_code, a.band, a.missing_reason, a.as_of, a.source_url,
                     s.file_name as source_file, s.loaded_at
              from assessment a join {scope} r on r.commitment_id = a.subject_id
              left join source_file s on s.source_id = a.source_id
              where a.subject_type = 'commitment'
              order by a.subject_id, a.assessor, a.indicator, a.qualifier, a.report"""
    return _run(cur, sql, w.params, today)


def export_milestones(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Milestones of the commitments in scope with their latest status and whether they are overdue."""
    scope, w = _scope_ids(cur, f)
    sql = f"""select m.*, s.file_name as source_file, s.loaded_at
              from milestone_status_on($today) m join {scope} r using (commitment_id)
              left join milestone x on x.milestone_id = m.milestone_id
              left join source_file s on s.source_id = x.source_id
              order by m.commitment_id, m.seq nulls last, m.milestone_id"""
    return _run(cur, sql, w.params, today)


def export_progress(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Progress statements in scope, each with the same assessor's previous status on the same subject."""
    scope, w = _scope_ids(cur, f)
    sql = f"""select p.commitment_id, p.subject_type, p.subject_id, m.seq as milestone_seq,
                     m.title as milestone_title, p.period, p.period_end, p.assessor,
                     p.assessor_name, p.status_raw, p.status_code, p.percent_complete, p.narrative, p.narrative_es,
                     p.challenges,
                     p.evidence, p.language, p.source_url, s.file_name as source_file, s.loaded_at,
                     lag(p.status_code) over (partition by p.subject_type, p.subject_id, p.assessor
                                              order by p.period_end nulls first, p.period) as previous_status
              from progress_update p join {scope} r using (commitment_id)
              left join source_file s on s.source_id = p.source_id
              left join milestone m on p.subject_type = 'milestone' and m.milestone_id = p.subject_id
              order by p.commitment_id, p.period_end nulls first, p.period, p.assessor"""
    return _run(cur, sql, w.params, today)


def export_events(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Events about a commitment in scope, or about a member in scope as a whole (as queries.events does)."""
    scope, w = _scope_ids(cur, f)
    sql = f"""select e.event_id, e.event_date, e.date_raw, e.date_precision, e.member_code, e.commitment_id,
                     e.category, e.title, e.title_es, e.actor, e.source_url, s.loaded_at
              from event e left join source_file s on s.source_id = e.source_id
              where e.commitment_id in (select commitment_id from {scope})
                 or (e.commitment_id is null and e.member_code in (select member_code from {scope}))
              order by e.event_date desc nulls last, e.date_raw"""
    return _run(cur, sql, w.params, today)


def export_sources(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Each (table, source file, public URL) behind the rows in scope, with the number of rows it backs."""
    scope, w = _scope_ids(cur, f)
    sql = f"""with s as {scope},
              rows as (
                  select 'commitment' as used_for, source_id, source_url from commitment
                      where commitment_id in (select commitment_id from s)
                  union all select 'assessment', source_id, source_url from assessment
                      where (subject_type = 'commitment' and subject_id in (select commitment_id from s))
                         or (subject_type = 'action_plan' and subject_id in (select action_plan_id from s))
                  union all select 'milestone', source_id, source_url from milestone
                      where commitment_id in (select commitment_id from s)
                  union all select 'progress_update', source_id, source_url from progress_update
                      where commitment_id in (select commitment_id from s)
                  union all select 'event', source_id, source_url from event
                      where commitment_id in (select commitment_id from s)
                         or (commitment_id is null and member_code in (select member_code from s))
                  union all select 'watchlist', source_id, source_url from watchlist
                      where commitment_id in (select commitment_id from s)
                  union all select 'action_plan', source_id, source_url from action_plan
                      where action_plan_id in (select action_plan_id from s)
                  union all select 'member', source_id, null from member
                      where member_code in (select member_code from s)
              )
              select r.used_for, r.source_url, count(*) as n, f.file_name, f.kind, f.source_id as sha256,
                     f.loaded_at, f.row_count
              from rows r left join source_file f using (source_id)
              group by all order by f.loaded_at, f.file_name, r.used_for, r.source_url"""
    return _run(cur, sql, w.params, today)


# links

def cited_links(cur) -> list[str]:
    """Every http(s) address the monitor cites as evidence or as a source, once each, in a stable order."""
    rows = cur.execute("""
        select text from (
            select evidence as text from progress_update
            union all select source_url from progress_update union all select source_url from commitment
            union all select ogp_url from commitment union all select source_url from milestone
            union all select source_url from event union all select source_url from assessment
            union all select source_url from action_plan union all select source_url from watchlist
        ) where text is not null group by text order by text""").fetchall()
    return list(dict.fromkeys(url for (text,) in rows for url in web_urls(text)))


def link_checks(cur, urls: list[str] | None = None) -> pd.DataFrame:
    """The latest check of each link (all, or those in `urls`): outcome, status and when."""
    return cur.execute("""select url, outcome, status_code, final_url, final_status, checked_at, detail
                          from link_check where ? is null or url in (select unnest(?::text[]))
                          order by url""", [urls, urls]).df()


# signals: who has gone quiet, and where each plan is heading

STALENESS_GROUPS = {"member": ("member_code", "member_name"), "lead": ("lead_institution", "lead_institution")}


def _signal_rows(f: Filters) -> str:
    """Staleness and pace need no status: they read the mart itself, and the status rule only to filter by it."""
    if not f.status:
        return "mart_commitment"
    return f"""(select m.*, r.rag from mart_commitment m
                join (select commitment_id, rag from {RATED}) r using (commitment_id))"""


def staleness(cur, f: Filters, by: str = "member", today: date | None = None) -> pd.DataFrame:
    """Per member or lead institution, worst first: days since the last statement, the share of commitments
    with no statement in the last 6 and 12 months, and milestones completed against those due by today."""
    if by not in STALENESS_GROUPS:
        raise ValueError(f"cannot group staleness by {by}")
    key, name = STALENESS_GROUPS[by]
    w = where(cur, f)
    # per commitment, from the mart: last_update_date is its latest statement (max period_end of its updates);
    # due_dates holds every milestone due date and open_due_dates those not closed, so due - open is done
    columns = ", ".join(dict.fromkeys((key, name)))
    sql = f"""with c as (select {columns}, last_update_date,
                                len(list_filter(due_dates, lambda d: d < $today)) as due,
                                len(list_filter(open_due_dates, lambda d: d < $today)) as due_open
                         from {_signal_rows(f)} where {w.sql})
              select {key} as group_id, any_value({name}) as group_name, count(*) as commitments,
                     max(last_update_date) as last_statement,
                     datediff('day', max(last_update_date), $today) as days_since_statement,
                     avg((last_update_date is null or last_update_date < $today - interval 6 month)::int)
                         as share_silent_6m,
                     avg((last_update_date is null or last_update_date < $today - interval 12 month)::int)
                         as share_silent_12m,
                     coalesce(sum(due), 0) as milestones_due, coalesce(sum(due - due_open), 0) as milestones_done
              from c
              group by all
              order by days_since_statement desc nulls first, share_silent_12m desc, commitments desc, group_id"""
    return _run(cur, sql, w.params, today)


def plan_pace(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Per plan: its dates, milestones with a recorded status and how many of them are complete (the figures
    a projection rests on: see monitor.metrics.pace), summed from the mart's per-commitment counts."""
    w = where(cur, f)
    sql = f"""select action_plan_id, any_value(member_name) as member_name, any_value(plan_number) as plan_number,
                     min(start_date) as plan_start, max(end_date) as plan_end,
                     count(*) as commitments,
                     sum(count_milestones)::bigint as milestones,
                     sum(count_milestones_with_status)::bigint as milestones_with_status,
                     sum(count_milestones_closed)::bigint as milestones_closed
              from {_signal_rows(f)} where {w.sql}
              group by all order by action_plan_id"""
    if f.status:  # only the status rule speaks for a day
        return _run(cur, sql, w.params, today)
    return cur.execute(sql, w.params).df()


def timeline(cur, commitment_id: str, today: date | None = None) -> pd.DataFrame:
    """One commitment's story on one time axis: dated events (its own and its member's), milestone windows
    and due dates, progress statements by assessor and subject, IRM reports, the watchlist date, the end date."""
    sql = """
        with c as (select commitment_id, member_code, is_watched, watched_since, watch_reason, watch_reason_es,
                          end_date, end_date_raw, current_status, rag, ogp_url
                   from commitment_status_on($today) where commitment_id = $id)
        select 'event' as lane, e.event_date as start_date, null::date as end_date, e.title as label,
               e.title_es as label_es, e.category as detail, e.actor as who, null as status, false as is_overdue,
               e.source_url
        from event e
        where e.event_date is not null
          and (e.commitment_id = $id or (e.commitment_id is null and e.member_code = (select member_code from c)))
          and exists (select 1 from c)
        union all
        select 'milestone', coalesce(m.start_date, m.due_date), m.due_date, m.title, null,
               'milestone ' || coalesce(m.seq::text, ''), m.responsible, m.status_code, m.is_overdue, m.source_url
        from milestone_status_on($today) m where m.commitment_id = $id and m.due_date is not null
        union all
        select 'statement', p.period_end, null, coalesce(p.narrative, p.status_raw), p.narrative_es,
               case when p.subject_type = 'milestone' then 'milestone ' || coalesce(m.seq::text, '')
                    else 'commitment' end,
               p.assessor, p.status_code, false, p.source_url
        from progress_update p
        left join (select milestone_id, seq from milestone where commitment_id = $id) m
               on p.subject_type = 'milestone' and m.milestone_id = p.subject_id
        where p.commitment_id = $id and p.period_end is not null
        union all
        select 'irm', max(a.as_of), null, a.report, null, string_agg(distinct a.indicator, ', ' order by a.indicator),
               'irm', max(a.value_code) filter (where a.indicator = 'completion'), false, any_value(a.source_url)
        from assessment a
        where a.subject_type = 'commitment' and a.subject_id = $id and a.assessor = 'irm' and a.as_of is not null
        group by a.report
        union all
        select 'watch', watched_since, null, watch_reason, watch_reason_es, null, 'support_unit', null, false, null
        from c where is_watched and watched_since is not null
        union all
        select 'deadline', end_date, null, end_date_raw, null, null, null, current_status, rag = 'overdue', ogp_url
        from c where end_date is not null
        order by start_date, lane, label"""
    return _run(cur, sql, {"id": commitment_id}, today)


# mandates: what a decision asked, of whom, and what was done about it

REQUESTS_SQL = """
    select r.*, c.title as case_title, c.title_es as case_title_es, c.resolution_date, c.status as case_status,
           f.last_follow_up_date, f.count_follow_ups,
           datediff('day', coalesce(f.last_follow_up_date, c.resolution_date), $today) as days_since_follow_up,
           r.review_cadence_days is not null
               and datediff('day', coalesce(f.last_follow_up_date, c.resolution_date), $today) > r.review_cadence_days
               as is_follow_up_overdue
    from mandate_request r join mandate_case c using (case_id)
    left join (select request_id, max(follow_up_date) as last_follow_up_date, count(*) as count_follow_ups
               from follow_up group by 1) f using (request_id)"""


def cases(cur) -> pd.DataFrame:
    """Every case, newest resolution first, with how many requests it holds."""
    return cur.execute("""select c.*, count(r.request_id) as count_requests
                          from mandate_case c left join mandate_request r using (case_id)
                          group by all order by c.resolution_date desc nulls first, c.case_id""").df()


def case(cur, case_id: str) -> dict | None:
    df = cur.execute("select * from mandate_case where case_id = ?", [case_id]).df()
    return None if df.empty else df.iloc[0].to_dict()


def case_requests(cur, case_id: str, today: date | None = None) -> pd.DataFrame:
    """A case's requests with their last follow-up, the days since (or since the resolution, when none), and
    whether a review cadence was missed."""
    return _run(cur, f"{REQUESTS_SQL} where r.case_id = $id order by r.request_no", {"id": case_id}, today)


def follow_ups(cur, case_id: str) -> pd.DataFrame:
    """The follow-up logged against a case's requests, oldest first."""
    return cur.execute("""select f.*, r.request_no, r.summary_en as request_summary
                          from follow_up f join mandate_request r using (request_id)
                          where r.case_id = ? order by f.follow_up_date nulls last, f.date_raw, r.request_no""",
                       [case_id]).df()


def commitment_follow_ups(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """The follow-up logged against requests about the commitments in scope (the feeds' entries), with its case
    and when its file was imported."""
    scope, w = _scope_ids(cur, f)
    sql = f"""select fu.*, r.case_id, r.request_no, r.commitment_id, r.summary_en as request_summary,
                     r.summary_es as request_summary_es, s.loaded_at
              from follow_up fu join mandate_request r using (request_id)
              left join source_file s on s.source_id = fu.source_id
              where r.commitment_id in (select commitment_id from {scope})
              order by fu.follow_up_date nulls last, fu.follow_up_id"""
    return _run(cur, sql, w.params, today)


def mandates(cur, today: date | None = None, commitment_ids: list[str] | None = None) -> pd.DataFrame:
    """The requests about commitments (all, or those of `commitment_ids`), with their follow-up signal."""
    return _run(cur, f"""{REQUESTS_SQL}
                         where r.commitment_id is not null
                           and ($ids is null or r.commitment_id in (select unnest($ids::text[])))
                         order by r.commitment_id, c.resolution_date, r.request_no""",
                {"ids": commitment_ids}, today)


def export_mandates(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """The requests about the commitments in scope, their members or their plans, with the follow-up signal."""
    scope, w = _scope_ids(cur, f)
    sql = f"""with s as {scope}
              {REQUESTS_SQL}
              where r.commitment_id in (select commitment_id from s)
                 or (r.commitment_id is null and r.action_plan_id in (select action_plan_id from s))
                 or (r.commitment_id is null and r.action_plan_id is null
                     and r.member_code in (select member_code from s))
              order by c.resolution_date, r.case_id, r.request_no"""
    return _run(cur, sql, w.params, today)
