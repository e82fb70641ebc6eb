"""Free-text search: every word or "quoted phrase" of a search must appear, in any case and also inside
a word, in a commitment's id, titles or descriptions; an import keeps the index in step with the text."""
from __future__ import annotations

import random

import pandas as pd
import pytest
from people import STAFF

from loaders.batch import Batch, SourceInfo
from monitor import db, queries, search_index, store
from monitor.filters import Filters


def found(con, q: str) -> set[str]:
    return set(queries.commitments(con.cursor(), Filters(q=q))["commitment_id"])


def scanned(con, q: str) -> set[str]:
    """The answer by brute force: read every text and look for each term of the query in it."""
    rows = con.execute("select commitment_id, title, title_es, description, description_es from commitment").fetchall()
    return {r[0] for r in rows
            if all(any(term.lower() in (t or "").lower() for t in r) for term in search_index.terms(q))}


def plan(sha: str, titles: list[str], descriptions: list[str | None]) -> Batch:
    n = len(titles)
    batch = Batch(SourceInfo("plan.xlsx", sha, 100, "nap_workbook"))
    batch.tables["member"] = pd.DataFrame({"member_code": ["XXX"], "name": ["Testland"], "source_row": [2]})
    batch.tables["action_plan"] = pd.DataFrame({"action_plan_id": ["AP_XXX01"], "member_code": ["XXX"]})
    batch.tables["commitment"] = pd.DataFrame({
        "commitment_id": [f"XX{i + 1:04d}" for i in range(n)], "action_plan_id": ["AP_XXX01"] * n,
        "member_code": ["XXX"] * n, "title": titles, "description": descriptions, "source_row": range(2, n + 2)})
    return batch


@pytest.fixture
def con(tmp_path):
    con = db.open_prepared(tmp_path / "m.duckdb")
    store.apply_batch(STAFF, con, plan("a" * 64, ["Beneficial ownership register", "Participación ciudadana"],
                                ["A public register of who owns companies.\n\nDecision-making in the open.",
                                 "Mesas de trabajo con la sociedad civil."]))
    yield con
    con.close()


@pytest.mark.parametrize("q, expected", [
    ("ownership", {"XX0001"}),               # a word
    ("OWNERSHIP REG", {"XX0001"}),           # any case, part of a word
    ("wners", {"XX0001"}),                   # inside a word
    ("owns ownership", {"XX0001"}),          # words from the title and the description
    ("companies sociedad", set()),           # every word must appear
    ('"register of who"', {"XX0001"}),       # a phrase
    ('"who of register"', set()),            # a phrase keeps its order
    ('"making in" public', {"XX0001"}),      # a phrase across punctuation, and a word
    ('"ownership register of"', set()),      # title and description are separate texts
    ('"companies. decision"', set()),        # a paragraph break is not a space
    ("PARTICIPACIÓN", {"XX0002"}),           # accented capitals
    ("participacion", set()),                # accents count (the search box's help says so)
    ("xx0002", {"XX0002"}),                  # the id
    ("xx000", {"XX0001", "XX0002"}),         # part of an id
    ("e", {"XX0001", "XX0002"}),             # a letter found nearly everywhere
    ("zzz ownership", set()),
])
def test_search_finds_every_term_anywhere_in_the_text(con, q, expected):
    assert found(con, q) == expected


def test_search_agrees_with_reading_every_text(bundled_con):
    """Random pieces of the bundled texts, including spaces and punctuation, against brute force."""
    texts = [t for row in bundled_con.execute(
        "select title, title_es, description, description_es from commitment").fetchall() for t in row if t]
    rnd = random.Random(7)
    queries_tried = ["a", "de la", " de ", "vigilancia", "Open Parliament", "zzz", '"de la"', 'mx "open gov"']
    for _ in range(60):
        text = rnd.choice(texts)
        start = rnd.randrange(len(text))
        piece = text[start:start + rnd.randint(1, 25)].replace('"', "")
        queries_tried += [piece, f'"{piece}"']
    for q in queries_tried:
        if not q.strip():
            continue  # spaces alone filter nothing (below)
        assert found(bundled_con, q) == scanned(bundled_con, q), q


def test_spaces_alone_filter_nothing(con):
    assert found(con, "   ") == found(con, '""') == {"XX0001", "XX0002"}


def test_a_corrected_text_is_found_by_its_new_words_only(con):
    store.apply_batch(STAFF, con, plan("b" * 64, ["Open contracting", "Participación ciudadana"],
                                ["Contracts published as open data.", "Mesas de trabajo con la sociedad civil."]))
    assert found(con, "ownership") == set()
    assert found(con, '"contracts published"') == {"XX0001"}
    postings = con.execute("select count(*) from search_posting").fetchone()[0]
    store.apply_batch(STAFF, con, plan("c" * 64, ["Open contracting", "Participación ciudadana"],
                                ["Contracts published as open data.", "Mesas de trabajo con la sociedad civil. "]))
    assert con.execute("select count(*) from search_posting").fetchone()[0] == postings  # re-indexed, not added


def test_a_dry_run_leaves_the_index_as_it_was(con):
    store.apply_batch(STAFF, con, plan("b" * 64, ["Open contracting", "Other"], [None, None]), dry_run=True)
    assert found(con, "ownership") == {"XX0001"}
    assert found(con, "contracting") == set()


def test_a_database_from_before_the_index_is_indexed_when_opened(tmp_path):
    path = tmp_path / "m.duckdb"
    con = db.open_prepared(path)
    store.apply_batch(STAFF, con, plan("a" * 64, ["Beneficial ownership register"], [None]))
    con.execute("delete from search_posting; delete from search_token; "
                "delete from schema_migration where name = '004_search_index.sql'; "
                "drop table search_posting; drop table search_token")
    con.close()
    con = db.open_prepared(path)
    try:
        assert found(con, "ownership") == {"XX0001"}
    finally:
        con.close()
