-- Why a commitment is watched, in Spanish too: Spanish readers follow the same priority list.
alter table watchlist add column reason_es text;
