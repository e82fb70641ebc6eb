"""Free-text search through a token index, so a search need not scan every description.

At 100x OGP's history the titles and descriptions are ~1.5 GB of text and a scan takes 0.4-1 s.
The index holds the lower-cased text split on spaces. A query's space-free pieces each lie inside
some indexed token of every commitment that contains the query, so the index yields an exact
superset of the matches: a one-piece query is answered by the index alone, and a longer one is
checked against the text of those candidates only. Matching stays a case-insensitive substring
match, as it was with the scan (docs/schema.md).
"""
from __future__ import annotations

import duckdb
import pandas as pd

TEXT = "lower(concat_ws(' ', title, title_es, description, description_es))"
TEXT_FIELDS = ("title", "title_es", "description", "description_es")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Index every commitment from scratch (after a schema change); the caller holds the transaction."""
    con.execute("delete from search_posting; delete from search_token")
    _index(con, "select commitment_id from commitment")


def update(con: duckdb.DuckDBPyConnection, commitment_ids: pd.Series) -> None:
    """Re-index the commitments an import wrote, inside the writer's transaction."""
    con.register("reindexed", pd.DataFrame({"commitment_id": commitment_ids.astype(str).unique()}))
    try:
        con.execute("delete from search_posting where commitment_id in (select commitment_id from reindexed)")
        _index(con, "select commitment_id from reindexed")
    finally:
        con.unregister("reindexed")


def _index(con, ids_sql: str) -> None:
    # tokens that no commitment holds any more stay in the vocabulary: harmless, a search only widens
    con.execute(f"""create or replace temp table indexed_tokens as
        select commitment_id, unnest(list_filter(list_distinct(string_split({TEXT}, ' ')), lambda t: t <> '')) as token
        from commitment where commitment_id in ({ids_sql})""")
    con.execute("""insert into search_token
        select (select coalesce(max(token_id), 0) from search_token) + row_number() over (order by token), token
        from (select distinct token from indexed_tokens) new
        where not exists (select 1 from search_token v where v.token = new.token)""")
    # sorted by token, so a lookup reads few row groups
    con.execute("""insert into search_posting
        select v.token_id, i.commitment_id from indexed_tokens i join search_token v using (token) order by 1, 2""")
    con.execute("drop table indexed_tokens")


def matching(where, q: str) -> str:
    """A SQL condition on commitment_id: the commitment's titles or descriptions contain `q`, any case.

    `where` is a monitor.filters.Where; `q` travels as a parameter, never as SQL text.
    """
    pieces = [p for p in q.split(" ") if p]  # the same pieces as string_split(lower(q), ' ') below
    if not pieces:
        raise ValueError("a search needs some text besides spaces")
    name = where.param(q)
    piece = f"list_filter(string_split(lower({name}), ' '), lambda p: p <> '')"
    holders = [f"""commitment_id in (select commitment_id from search_posting where token_id in (
                       select token_id from search_token where contains(token, {piece}[{i + 1}])))"""
               for i in range(len(pieces))]
    if pieces == [q]:
        return holders[0]
    found = " or ".join(f"contains(lower(coalesce({c}, '')), lower({name}))" for c in TEXT_FIELDS)
    # fetch the text of the candidates only, by row id (a join on commitment_id would read every row)
    return f"""commitment_id in (select commitment_id from commitment where rowid in (
                   select rowid from commitment where {' and '.join(holders)}) and ({found}))"""
