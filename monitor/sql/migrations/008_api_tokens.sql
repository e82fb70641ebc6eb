-- Personal API tokens for the write API (POST /api/v1/imports): the sha256 of the secret, never the secret.
-- A token acts as its person (email) with the role it was given; revoked tokens stay, for the audit trail.

create table api_token (
    token_id      text primary key,             -- tok_ + 12 hex characters: printed, listed, named in the log
    secret_sha256 text not null unique,         -- hex sha256 of the secret (mtk_...); the secret is shown once
    email         text not null,                -- who the token acts as
    role          text not null,                -- public, civil_society, support_unit, admin
    created_at    timestamp not null,           -- UTC
    created_by    text not null,                -- the actor who created it (os:<user> from the CLI)
    revoked_at    timestamp,                    -- UTC; NULL while the token works
    last_used_at  timestamp                     -- UTC of the last accepted request
);
