-- Rows a corrected file no longer holds: withdrawn by their source (docs/schema.md, "Withdrawn by source").
-- The writer moves such a row here whole, out of its table (so no query, mart, export or search sees it),
-- and an import that holds the same key again puts it back and fills restored_at. Rows here are never deleted.
create table withdrawn_row (
    entity_table     text not null,         -- milestone, progress_update, commitment, ...
    entity_key       text not null,         -- JSON list of the key's values as text: ["MX0081-1"]
    commitment_id    text,                  -- the commitment the row belongs to, when there is one
    row_json         text not null,         -- the row as it was, every column (to_json)
    withdrawn_at     timestamp not null,
    withdrawn_source text not null,         -- source_file.source_id of the import that no longer held it
    restored_at      timestamp,             -- NULL while withdrawn
    restored_source  text                   -- the import that held it again
);
