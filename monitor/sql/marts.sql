-- Read-side tables, so pages filter one narrow table instead of joining the long fact tables on every rerun.
-- Each mart is a table macro `<mart>_rows(ids)`: its rows for the commitments in the text list `ids`, or
-- for every commitment when `ids` is NULL. The writer builds the table from `<mart>_rows(NULL)` and
-- refreshes the commitments one change touched by deleting their rows and inserting `<mart>_rows(ids)`,
-- so a full and a partial refresh read the same definitions (monitor/db.py MARTS lists them, in order).
-- Every filter on `ids` sits inside each CTE, before the window functions, so a partial refresh reads few rows.

create or replace macro mart_milestone_status_rows(ids) as table
with latest as (
    select subject_id as milestone_id, status_code, period_end, assessor,
           row_number() over (partition by subject_id order by period_end desc nulls last, period desc) as rn
    from progress_update
    where subject_type = 'milestone' and status_code is not null
      and (ids is null or list_contains(ids, commitment_id))
)
select m.milestone_id, m.commitment_id, m.parent_milestone_id, m.level, m.seq, m.title, m.responsible,
       m.start_date, m.due_date, m.due_date_raw, m.due_date_precision, m.source_url,
       l.status_code, l.period_end as status_date, l.assessor as status_assessor,
       coalesce(l.status_code in ('complete', 'withdrawn'), false) as is_closed
from milestone m
left join latest l on l.milestone_id = m.milestone_id and l.rn = 1
where ids is null or list_contains(ids, m.commitment_id);

-- What progress statements say about each commitment: every assessor's latest status, the most recent of
-- them, whether assessors disagree, the last update. The IRM's rating joins in mart_commitment_rows, so an in-app
-- statement refreshes these columns alone (store.refresh_progress_for) and leaves the rest of the row as it is.
create or replace macro mart_commitment_progress_rows(ids) as table
with progress as (
    select commitment_id, assessor, status_code, period_end,
           row_number() over (partition by commitment_id, assessor
                              order by period_end desc nulls last, period desc) as rn
    from progress_update
    where subject_type = 'commitment' and status_code is not null
      and (ids is null or list_contains(ids, commitment_id))
),
by_assessor as (
    select commitment_id,
           max(status_code) filter (where assessor = 'government') as gov_status,
           max(period_end) filter (where assessor = 'government') as gov_status_date,
           max(status_code) filter (where assessor = 'civil_society') as cso_status,
           max(period_end) filter (where assessor = 'civil_society') as cso_status_date,
           max(status_code) filter (where assessor = 'support_unit') as su_status,
           max(period_end) filter (where assessor = 'support_unit') as su_status_date,
           -- the most recent dated status wins; on a tie the more independent assessor
           arg_max(status_code, struct_pack(d := coalesce(period_end, date '0001-01-01'),
                   p := case assessor when 'support_unit' then 2 when 'civil_society' then 1 else 0 end))
               as latest_status,
           max(period_end) as latest_status_date,
           arg_max(assessor, struct_pack(d := coalesce(period_end, date '0001-01-01'),
                   p := case assessor when 'support_unit' then 2 when 'civil_society' then 1 else 0 end))
               as latest_status_assessor
    from progress
    where rn = 1
    group by commitment_id
),
-- assessors disagree when their statements about the same subject (the commitment, or one milestone)
-- and the same period give different statuses; statements about different things never disagree
disagreements as (
    select distinct commitment_id
    from progress_update
    where status_code is not null and (ids is null or list_contains(ids, commitment_id))
    group by commitment_id, subject_type, subject_id, period
    having count(distinct status_code) > 1
),
last_update as (
    select commitment_id, max(period_end) as last_update_date, count(*) as count_updates
    from progress_update
    where ids is null or list_contains(ids, commitment_id)
    group by commitment_id
)
select c.commitment_id, a.gov_status, a.gov_status_date, a.cso_status, a.cso_status_date, a.su_status,
       a.su_status_date, a.latest_status, a.latest_status_date, a.latest_status_assessor,
       d.commitment_id is not null as assessors_disagree,
       u.last_update_date, coalesce(u.count_updates, 0) as count_updates
from commitment c
left join by_assessor a on a.commitment_id = c.commitment_id
left join disagreements d on d.commitment_id = c.commitment_id
left join last_update u on u.commitment_id = c.commitment_id
where ids is null or list_contains(ids, c.commitment_id);

-- The IRM's completion rating is the current status when it is at least as recent as the latest progress
-- statement (on the same date the IRM, the most independent assessor, wins); each of the current status's three
-- columns picks its side with this test, in mart_commitment_rows and in store.refresh_progress_for alike.
create or replace macro irm_is_current(irm_status, irm_date, latest_date) as
    irm_status is not null and coalesce(irm_date, date '0001-01-01') >= coalesce(latest_date, date '0001-01-01');

create or replace macro mart_commitment_rows(ids) as table
with irm as (
    select subject_id as commitment_id, indicator, value_code, band, scale_id, as_of, report, qualifier,
           row_number() over (
               partition by subject_id, indicator
               order by (value_code is null), as_of desc nulls last,
                        case qualifier when 'results_report' then 0 when 'end_of_term' then 1
                                       when 'midterm' then 2 else 3 end,
                        report desc) as rn
    from assessment
    where subject_type = 'commitment' and assessor = 'irm' and (ids is null or list_contains(ids, subject_id))
),
irm_best as (
    select commitment_id,
           max(value_code) filter (where indicator = 'completion' and rn = 1) as irm_completion,
           max(as_of) filter (where indicator = 'completion' and rn = 1) as irm_completion_date,
           max(band) filter (where indicator in ('early_results', 'did_it_open_government')
                             and qualifier in ('', 'overall') and rn = 1) as results_band,
           max(band) filter (where indicator in ('potential_for_results', 'potential_impact', 'web_ambition')
                             and rn = 1) as ambition_band,
           bool_or(indicator = 'starred' and value_code = 'yes') as is_starred,
           count(*) filter (where indicator in ('early_results', 'did_it_open_government', 'completion')
                            and value_code is not null) as count_irm_results
    from irm
    group by commitment_id
),
milestones as (
    select commitment_id, count(*) as count_milestones,
           count(*) filter (where is_closed) as count_milestones_closed,
           count(status_code) as count_milestones_with_status,
           list_sort(list(due_date) filter (where not is_closed and due_date is not null)) as open_due_dates,
           list_sort(list(due_date) filter (where due_date is not null)) as due_dates
    from mart_milestone_status
    where ids is null or list_contains(ids, commitment_id)
    group by commitment_id
),
tags as (
    select commitment_id, list_sort(list(distinct tag)) as policy_areas
    from commitment_tag
    where value = '1' and (ids is null or list_contains(ids, commitment_id))
    group by commitment_id
)
select c.commitment_id, c.member_code, mb.name as member_name, mb.region, mb.member_type,
       c.action_plan_id, p.plan_number, p.submission_year, p.end_year, p.title as plan_title,
       c.commitment_number, c.title, c.title_es, c.short_title,
       c.theme, c.lead_institution, c.supporting_institutions,
       c.start_date, c.end_date, c.end_date_raw, c.ogp_url,
       coalesce(t.policy_areas, []::text[]) as policy_areas,
       w.list_name is not null as is_watched, w.reason as watch_reason, w.reason_es as watch_reason_es,
       w.since as watched_since,
       i.irm_completion, i.irm_completion_date, i.results_band, i.ambition_band,
       coalesce(i.is_starred, false) as is_starred, coalesce(i.count_irm_results, 0) as count_irm_results,
       pr.gov_status, pr.gov_status_date, pr.cso_status, pr.cso_status_date, pr.su_status, pr.su_status_date,
       pr.last_update_date, pr.count_updates,
       coalesce(ms.count_milestones, 0) as count_milestones,
       coalesce(ms.count_milestones_closed, 0) as count_milestones_closed,
       coalesce(ms.count_milestones_with_status, 0) as count_milestones_with_status,
       coalesce(ms.open_due_dates, []::date[]) as open_due_dates,
       coalesce(ms.due_dates, []::date[]) as due_dates,
       case when irm_is_current(i.irm_completion, i.irm_completion_date, pr.latest_status_date)
            then i.irm_completion else pr.latest_status end as current_status,
       case when irm_is_current(i.irm_completion, i.irm_completion_date, pr.latest_status_date)
            then i.irm_completion_date else pr.latest_status_date end as current_status_date,
       case when irm_is_current(i.irm_completion, i.irm_completion_date, pr.latest_status_date)
            then 'irm' else pr.latest_status_assessor end as current_status_assessor,
       pr.assessors_disagree
from commitment c
left join member mb on mb.member_code = c.member_code
left join action_plan p on p.action_plan_id = c.action_plan_id
left join (select * from watchlist where list_name = 'priority' and (ids is null or list_contains(ids, commitment_id))) w
       on w.commitment_id = c.commitment_id
left join irm_best i on i.commitment_id = c.commitment_id
left join mart_commitment_progress_rows(ids) pr on pr.commitment_id = c.commitment_id
left join milestones ms on ms.commitment_id = c.commitment_id
left join tags t on t.commitment_id = c.commitment_id
where ids is null or list_contains(ids, c.commitment_id);
