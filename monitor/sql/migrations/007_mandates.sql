-- Mandates: a decision that puts commitments under watch (an OGP Response Policy case and its resolution),
-- what its resolution asks and of whom, and the Support Unit's follow-up against each request.

create table mandate_case (
    case_id          text primary key,          -- MX-RP-2018
    member_code      text not null,
    case_kind        text not null,             -- response_policy, other
    title            text not null,
    title_es         text,
    filed_date       date,
    filed_by         text,                      -- the filers, '; '-separated as published
    review_dates     text,                      -- review steps, ISO dates '; '-separated
    resolution_date  date,
    resolution_body  text,
    resolution_url   text,
    summary_en       text,                      -- the project's own short summary of the resolution
    summary_es       text,
    status           text not null,             -- open, closed_with_follow_up, closed
    source_url       text not null,
    notes            text,
    source_id        text, source_sheet text, source_row integer
);

create table mandate_request (
    request_id           text primary key,      -- MX-RP-2018/1
    case_id              text not null,
    request_no           integer not null,
    request_kind         text not null,         -- monitor, prioritise_support, outreach, assess, other
    asked_of             text not null,
    summary_en           text not null,
    summary_es           text,
    commitment_id        text,                  -- what it concerns: a commitment, a member, a plan
    member_code          text,
    action_plan_id       text,
    review_cadence_days  integer,               -- NULL: the resolution set none
    source_url           text not null,
    notes                text,
    source_id            text, source_sheet text, source_row integer
);

create table follow_up (
    follow_up_id     text primary key,
    request_id       text not null,
    follow_up_date   date,
    date_raw         text not null,
    date_precision   text,
    kind             text not null,             -- meeting, letter, call, support, statement, other
    actor            text not null,
    action_en        text not null,
    action_es        text,
    outcome          text,
    links            text,
    source_url       text,
    notes            text,
    source_id        text, source_sheet text, source_row integer
);
