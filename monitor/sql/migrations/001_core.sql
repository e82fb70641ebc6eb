-- Core tables of the monitor: a public contract, documented in docs/schema.md.
-- Every imported row carries source_id (-> source_file.source_id), source_sheet and source_row.

create table source_file (
    source_id    text primary key,          -- sha256 of the file's bytes
    file_name    text not null,
    kind         text not null,             -- ogp_export, nap_workbook, progress, irm_ratings, events, watchlist, ...
    size_bytes   bigint not null,
    row_count    integer not null,
    loaded_at    timestamp not null,
    loaded_by    text,
    notes        text
);

create table member (
    member_code  text primary key,          -- OGP `Code`: MEX, ALB, ARBA
    name         text not null,
    member_type  text,                      -- national, local, legacy_local, other
    region       text,
    id_prefix    text,                      -- commitment-id prefix: MX, BUE
    source_id    text, source_sheet text, source_row integer
);

create table action_plan (
    action_plan_id  text primary key,       -- OGP `Action Plan ID`: AP_MEX04
    member_code     text not null,
    plan_number     integer,
    title           text,
    submission_year integer,
    end_year        integer,
    duration_years  integer,
    start_date      date,
    end_date        date,
    source_url      text,
    source_id       text, source_sheet text, source_row integer
);

create table commitment (
    commitment_id           text primary key,   -- OGP id: MX0081
    action_plan_id          text not null,
    member_code             text not null,
    commitment_number       text,               -- as printed, float artefacts repaired: 8.2
    commitment_number_raw   text,
    title                   text not null,
    title_es                text,
    short_title             text,
    description             text,
    description_es          text,
    theme                   text,
    lead_institution        text,
    supporting_institutions text,
    start_date              date,
    start_date_raw          text,
    start_date_precision    text,               -- day, month, quarter, year, unknown, none
    end_date                date,
    end_date_raw            text,
    end_date_precision      text,
    ogp_url                 text,
    notes                   text,
    source_url              text,
    source_id               text, source_sheet text, source_row integer
);

create table commitment_tag (
    commitment_id  text not null,
    scheme         text not null,           -- ogp_policy_area, policy_area (free list)
    tag            text not null,
    value          text not null,           -- 1, ND, NA as published (0 = not tagged, not stored)
    source_id      text, source_sheet text, source_row integer,
    primary key (commitment_id, scheme, tag)
);

create table milestone (
    milestone_id         text primary key,
    commitment_id        text not null,
    parent_milestone_id  text,
    level                text not null,     -- milestone, activity, indicator, objective
    seq                  integer,
    title                text not null,
    responsible          text,
    start_date           date,
    start_date_raw       text,
    due_date             date,
    due_date_raw         text,
    due_date_precision   text,
    notes                text,
    source_url           text,
    source_id            text, source_sheet text, source_row integer
);

create table scale_value (
    scale_id        text not null,
    code            text not null,
    ordinal         integer,
    ogp_export_code text,
    band            text,
    label_en        text not null,
    label_es        text,
    definition_en   text,
    definition_es   text,
    source_url      text,
    primary key (scale_id, code)
);

create table scale_synonym (
    scale_id   text not null,
    raw_label  text not null,               -- case-, accent- and space-folded
    code       text not null,
    origin     text,
    primary key (scale_id, raw_label)
);

create table assessment (
    assessment_id   text primary key,       -- stable hash of the natural key below
    subject_type    text not null,          -- commitment, milestone, action_plan
    subject_id      text not null,
    indicator       text not null,          -- completion, early_results, potential_impact, ...
    qualifier       text not null default '', -- midterm, end_of_term, access_to_information, a count's band
    assessor        text not null,          -- irm, government, civil_society, support_unit
    report          text not null default '',
    methodology     text,                   -- irm_legacy, irm_refresh, ogp_web, gov_tracker, cso
    scale_id        text,
    value_raw       text,                   -- the cell text as published
    value_code      text,                   -- canonical code on scale_id
    value_numeric   double,                 -- counts, percentages, export codes
    band            text,                   -- cross-methodology band
    missing_reason  text,                   -- ND, NR, NA, no_evidence, not_yet_coded, not_public
    as_of           date,                   -- the date the rating speaks for
    rationale       text,
    source_url      text,
    source_id       text, source_sheet text, source_row integer, source_column text
);

create table progress_update (
    update_id       text primary key,       -- stable hash of subject, period, assessor
    subject_type    text not null,          -- commitment, milestone
    subject_id      text not null,
    commitment_id   text not null,
    period          text not null,          -- as reported: 2022-03, 2021-S1, 2021
    period_end      date,                   -- the date the update speaks for
    assessor        text not null,          -- government, civil_society, irm, support_unit
    assessor_name   text,
    status_raw      text,
    status_code     text,                   -- code on the completion scale
    percent_complete double,
    narrative       text,
    challenges      text,
    evidence        text,                   -- links and document references, one per line
    language        text,
    source_url      text,
    source_id       text, source_sheet text, source_row integer
);

create table event (
    event_id        text primary key,
    event_date      date,
    date_raw        text not null,
    date_precision  text not null,
    member_code     text,
    commitment_id   text,                   -- set when the event concerns one commitment
    category        text not null,
    title           text not null,
    title_es        text,
    actor           text,
    notes           text,
    source_url      text,
    source_id       text, source_sheet text, source_row integer
);

create table watchlist (
    list_name       text not null default 'priority',
    commitment_id   text not null,
    reason          text not null,
    since           date not null,
    added_by        text not null,
    source_url      text,
    source_id       text, source_sheet text, source_row integer,
    primary key (list_name, commitment_id)
);
