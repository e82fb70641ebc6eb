-- The status rules, as named SQL a person can query (docs/schema.md). Re-created by `prepare`.
-- Each rule takes the day it speaks for; the views apply it to today.
-- open_due_dates is sorted (marts.sql), so its first date is the earliest: `[1] < today` is "any overdue".

create or replace macro commitment_status_on(today) as table
select *,
       len(list_filter(open_due_dates, lambda d: d < today)) as count_overdue_milestones,
       list_filter(open_due_dates, lambda d: d >= today)[1] as next_due_date,
       datediff('day', last_update_date, today) as days_since_update
from (
    select *,
           case
               when current_status = 'complete' then 'complete'
               when current_status = 'withdrawn' then 'withdrawn'
               when current_status is null then 'unknown'
               when current_status = 'not_started' then 'not_started'
               when (end_date < today) or open_due_dates[1] < today then 'overdue'
               when current_status = 'substantial' then 'on_track'
               else 'in_progress'
           end as rag
    -- due_dates and count_milestones_with_status are staleness and pace's per-commitment figures (queries.py)
    from (select * exclude (due_dates, count_milestones_with_status) from mart_commitment)
);

-- Worst first: the order of the watchlist and of every commitments list.
create or replace macro rag_severity(rag) as
    case rag when 'not_started' then 0 when 'overdue' then 1 when 'in_progress' then 2
             when 'unknown' then 3 when 'on_track' then 4 when 'withdrawn' then 5 else 6 end;

create or replace macro milestone_status_on(today) as table
select *, (not is_closed and due_date < today) as is_overdue, datediff('day', due_date, today) as days_past_due
from mart_milestone_status;

create or replace view commitment_status as select * from commitment_status_on(current_date);
create or replace view milestone_status as select * from milestone_status_on(current_date);
