-- What was said about progress, in Spanish too, beside the narrative in the row's own language.
alter table progress_update add column narrative_es text;
