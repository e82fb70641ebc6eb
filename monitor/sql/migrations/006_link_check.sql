-- The latest check of each cited link (evidence and source addresses): `python -m monitor links check`.
-- outcome: ok, dead (the server said 404 or 410), server_error (5xx), timeout, unreachable (no answer
-- from the network: says nothing about the page), not_checked (not an http(s) address).
create table link_check (
    url           text primary key,
    outcome       text not null,
    status_code   integer,                  -- the first answer (301 for a page that moved)
    final_url     text,                     -- where redirects led
    final_status  integer,
    bytes_read    bigint not null,          -- capped: the checker never reads a whole large file
    elapsed_ms    integer not null,
    checked_at    timestamp not null,
    detail        text
);
