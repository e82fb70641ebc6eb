-- The word index behind free-text search (monitor/search_index.py): the space-separated tokens of
-- each commitment's lower-cased titles and descriptions, how many commitments hold each token, and which.
-- No keys or indexes: the writer keeps both tables consistent, and appends stay cheap.
create table search_token (token_id integer not null, token text not null, docs integer not null);
create table search_posting (token_id integer not null, commitment_id text not null);
