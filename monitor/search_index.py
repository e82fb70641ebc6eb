"""Free-text search through a token index, so a search need not read every description.

At 100x OGP's history the titles and descriptions are ~1.5 GB of text and reading them takes 0.4-1 s.
The index holds each commitment's id, titles and descriptions, lower-cased and split on spaces and
line breaks. A search is words, and "quoted phrases": a commitment matches when each of them appears,
in any case and also inside a word, in its id, a title or a description. A word lies inside some indexed token of every
commitment that contains it, so the tokens holding it are its exact answer; a phrase is looked up by its
words, then checked against the text of those candidates. A word so common that its tokens list more
commitments than there are (a single letter) is checked against the text instead.
"""
from __future__ import annotations

import re

import duckdb
import pandas as pd

TEXT_FIELDS = ("commitment_id", "title", "title_es", "description", "description_es")
# line breaks and tabs split tokens too: otherwise "end.\n\nStart" joins two paragraphs into one rare token
# (replace() three times: translate() takes 5x as long)
TEXT = ("lower(replace(replace(replace(concat_ws(' ', " + ", ".join(TEXT_FIELDS)
        + "), chr(10), ' '), chr(13), ' '), chr(9), ' '))")
# Postings per commitment above which a word is checked against the text instead: measured at 600,000
# commitments, 40,000 postings take 30 ms, 53 M take 2.7 s, and reading all the text 0.4-0.7 s.
COMMON = 1.0


def terms(q: str) -> list[str]:
    """The words and "quoted phrases" of a search, in order, each once."""
    found = [phrase or word for phrase, word in re.findall(r'"([^"]*)"|(\S+)', q)]
    return list(dict.fromkeys(t for t in (f.strip() for f in found) if t))


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Index every commitment from scratch (after a schema change); the caller holds the transaction."""
    con.execute("delete from search_posting; delete from search_token")
    _index(con, "select commitment_id from commitment")


def update(con: duckdb.DuckDBPyConnection, commitment_ids: pd.Series) -> None:
    """Re-index the commitments an import wrote, inside the writer's transaction."""
    con.register("reindexed", pd.DataFrame({"commitment_id": commitment_ids.astype(str).unique()}))
    try:
        con.execute("""update search_token t set docs = t.docs - d.n
            from (select token_id, count(*) as n from search_posting
                  where commitment_id in (select commitment_id from reindexed) group by token_id) d
            where t.token_id = d.token_id""")
        con.execute("delete from search_posting where commitment_id in (select commitment_id from reindexed)")
        _index(con, "select commitment_id from reindexed")
    finally:
        con.unregister("reindexed")


def _index(con, ids_sql: str) -> None:
    # tokens that no commitment holds any more stay in the vocabulary with docs = 0: harmless
    con.execute(f"""create or replace temp table indexed_tokens as
        select commitment_id, unnest(list_filter(list_distinct(string_split({TEXT}, ' ')), lambda t: t <> '')) as token
        from commitment where commitment_id in ({ids_sql})""")
    con.execute("""insert into search_token
        select (select coalesce(max(token_id), 0) from search_token) + row_number() over (order by token), token, 0
        from (select distinct token from indexed_tokens) new
        where not exists (select 1 from search_token v where v.token = new.token)""")
    # sorted by token, so a lookup reads few row groups
    con.execute("""insert into search_posting
        select v.token_id, i.commitment_id from indexed_tokens i join search_token v using (token) order by 1""")
    con.execute("""update search_token t set docs = t.docs + d.n
        from (select token, count(*) as n from indexed_tokens group by token) d where t.token = d.token""")
    con.execute("drop table indexed_tokens")


def matching(cur, where, q: str) -> str:
    """A SQL condition on commitment_id for the search `q` (see terms); every value is a parameter of `where`."""
    phrases = terms(q)
    words = list(dict.fromkeys(w for t in phrases for w in t.split()))
    common = COMMON * cur.execute("select count(*) from commitment").fetchone()[0]
    tokens = _tokens(cur, words, common)
    if any(postings == 0 for postings, _ in tokens):
        return "false"  # a word no commitment holds: nothing can match
    indexed = {w: ids for w, (postings, ids) in zip(words, tokens) if postings <= common}
    in_text = [t for t in phrases if t not in indexed]
    holders = [f"commitment_id in (select commitment_id from search_posting where token_id in "
               f"(select unnest({where.param(ids)}::integer[])))" for ids in indexed.values()]
    # a literal, case-insensitive regular expression reads text ~2x faster than contains(lower(...))
    checks = [" or ".join(f"regexp_matches(coalesce({c}, ''), regexp_escape({p}), 'i')" for c in TEXT_FIELDS)
              for p in (where.param(t) for t in in_text)]
    if not checks:
        return " and ".join(holders)
    read = " and ".join(f"({c})" for c in checks)
    if not holders:
        return f"commitment_id in (select commitment_id from commitment where {read})"
    # read the text of the candidates only, fetched by row id (joined on commitment_id, DuckDB reads every row)
    return f"""commitment_id in (select commitment_id from commitment where rowid in (
                   select rowid from commitment where {' and '.join(holders)}) and {read})"""


def _tokens(cur, words: list[str], common: float) -> list[tuple[int, list[int]]]:
    """For each word, how many postings its tokens hold (the cost of looking it up; 0: no match), and
    the tokens, unless they hold more than `common` postings and the word will be read in the text instead."""
    rows = cur.execute("""
        select p.i, coalesce(sum(v.docs), 0) as postings,
               case when postings <= $common then list(v.token_id) filter (where v.token_id is not null) end
        from (select unnest($words::text[]) as word, unnest(range(len($words::text[]))) as i) p
        left join search_token v on contains(v.token, lower(p.word))
        group by p.i order by p.i""", {"words": words, "common": common}).fetchall()
    return [(int(n), ids or []) for _, n, ids in rows]
