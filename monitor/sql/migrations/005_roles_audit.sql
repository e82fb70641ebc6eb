-- Accountability and private review (docs/schema.md, "Audit and review").
-- audit_log: append-only, one row per change, written in the same transaction as the change, each row
-- hash-chained to the one before (monitor/audit.py verifies). No code path updates or deletes it.
create table audit_log (
    seq            bigint primary key,      -- 1, 2, 3, ... in the order the changes committed
    ts_utc         timestamp not null,
    actor          text not null,           -- email, os:<user>, local:<user>, system:<name>
    actor_name     text,
    actor_role     text not null,           -- public, civil_society, support_unit, admin (as at that time)
    auth_issuer    text not null,           -- who vouched for the identity: the OIDC issuer, proxy, os, local, system
    action         text not null,           -- import, clear, watch, unwatch, edit_watch_reason, record_progress, ...
    entity_table   text,
    entity_id      text,
    commitment_id  text,                    -- the commitment the change concerns, when there is one
    before_json    text,                    -- canonical JSON of the changed fields before (null: created)
    after_json     text,                    -- and after (null: removed)
    reason         text,
    source_file    text,                    -- the imported file's name, or the in-app record's name
    source_sha256  text,                    -- its sha256 (source_file.source_id)
    submission_id  text,                    -- the civil-society submission the change comes from
    prev_hash      text not null,           -- row_hash of seq - 1; 64 zeros for seq 1
    row_hash       text not null            -- sha256 of the canonical JSON of every field above
);

-- Civil-society progress submissions: private until a Support Unit reviewer approves one, which then
-- becomes a progress_update row. Read only by the role-checked functions of monitor/work.py.
create table progress_submission (
    submission_id    text primary key,
    commitment_id    text not null,
    period           text not null,
    period_end       date,
    status_raw       text not null,
    status_code      text not null,
    percent_complete double,
    narrative        text,
    narrative_es     text,
    challenges       text,
    evidence         text,                  -- http(s) links, one per line
    organisation     text not null,
    submitted_by     text not null,         -- the submitter's email
    submitted_issuer text not null,
    submitted_at     timestamp not null,
    state            text not null,         -- pending, approved, rejected, withdrawn
    decided_by       text,
    decided_at       timestamp,
    update_id        text                   -- the progress_update an approval created
);

-- What reviewers said: an approval's note stays with reviewers; a rejection's reason is shown to the submitter.
create table submission_review (
    submission_id  text not null,
    decision       text not null,           -- approved, rejected
    reviewer       text not null,
    note           text,
    decided_at     timestamp not null
);

-- An approved submission's progress row points at it (an opaque id: the submitter stays private).
alter table progress_update add column submission_id text;
