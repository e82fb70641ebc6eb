"""The audit trail: a hash chain that names the first broken row, written with its change or not at all,
and SQL writes that only the writer issues."""
from __future__ import annotations

import ast
import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from people import ADMIN, CSO, PUBLIC, STAFF
from repo import REPO

from monitor import audit, db, work
from monitor.auth import NotAllowed
from monitor.cli import main

ROOT = REPO


@pytest.fixture
def logged(bundled_copy):
    """The bundled database (one audit row per seed file) plus a few in-app changes; closed, path returned."""
    con = db.open_prepared(bundled_copy)
    work.record_progress(STAFF, con, "MX0081", period="2025-06", status="Limited", narrative="Draft law")
    sid = work.submit_progress(CSO, con, "MX0081", organisation="Fundar", period="2025-S1", status="Limited")
    work.approve_submission(STAFF, con, sid)
    rows = con.execute("select count(*) from audit_log").fetchone()[0]
    con.close()
    assert rows >= 10
    return bundled_copy


def tamper(path: Path, *statements: str) -> None:
    con = duckdb.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.close()


def verify(path: Path) -> audit.Verdict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return audit.verify(con)
    finally:
        con.close()


def test_intact_chain_verifies_and_the_cli_exits_0(logged, capsys):
    verdict = verify(logged)
    assert verdict.ok and verdict.rows >= 10 and len(verdict.head) == 64
    assert main(["audit", "verify", "--db", str(logged)]) == 0
    assert f"intact: {verdict.rows:,} rows, head {verdict.head}" in capsys.readouterr().out


def test_every_row_carries_who_what_when_and_the_chain(logged):
    con = duckdb.connect(str(logged), read_only=True)
    rows = audit.entries(con).to_dict("records")
    con.close()
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(b["prev_hash"] == a["row_hash"] for a, b in zip(rows, rows[1:]))
    imports = [r for r in rows if r["action"] == "import"]
    assert imports and all(len(r["source_sha256"]) == 64 and r["source_file"] for r in imports)
    assert all(r["actor"] and r["actor_role"] and r["auth_issuer"] and r["ts_utc"] for r in rows)


# how a row is broken -> the seq verify must name (rows 1-3 are seed imports, always present)
TAMPERING = {
    "changed actor": (["update audit_log set actor = 'someone-else' where seq = 3"], 3),
    "changed reason": (["update audit_log set reason = 'innocent' where seq = 5"], 5),
    "changed after, hash recomputed by hand": (
        ["update audit_log set after_json = '{}' where seq = 4",
         "update audit_log set row_hash = sha256('forged') where seq = 4"], 4),
    "deleted row": (["delete from audit_log where seq = 3"], 4),
    "deleted first row": (["delete from audit_log where seq = 1"], 2),
    "reordered rows": (["update audit_log set seq = -1 where seq = 3", "update audit_log set seq = 3 where seq = 4",
                        "update audit_log set seq = 4 where seq = -1"], 3),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_verify_names_the_first_broken_row(logged, how, capsys):
    statements, broken = TAMPERING[how]
    tamper(logged, *statements)
    verdict = verify(logged)
    assert not verdict.ok and verdict.broken_seq == broken, verdict
    assert main(["audit", "verify", "--db", str(logged)]) == 1
    assert f"BROKEN at seq {broken}" in capsys.readouterr().out


def test_a_recomputed_row_hash_breaks_the_next_link(logged):
    """Re-hashing an edited row correctly still breaks the chain at the next row."""
    tamper(logged, "update audit_log set actor = 'someone-else' where seq = 5",
           f"update audit_log set row_hash = sha256({audit.CONTENT_SQL} || prev_hash) where seq = 5")
    verdict = verify(logged)
    assert verdict.broken_seq == 6 and "prev_hash" in verdict.problem


def test_removing_the_newest_rows_changes_the_published_head(logged):
    """The chain alone cannot see a truncated tail: the head hash (printed by verify) must be kept elsewhere."""
    head = verify(logged).head
    tamper(logged, "delete from audit_log where seq = (select max(seq) from audit_log)")
    after = verify(logged)
    assert after.ok and after.head != head


def test_list_prints_changes_since_a_day_for_one_entity(logged, capsys):
    assert main(["audit", "list", "--since", "2000-01-01", "--entity", "MX0081", "--db", str(logged)]) == 0
    out = capsys.readouterr()
    assert "record_progress progress_update/" in out.out and "[MX0081]" in out.out
    assert "approve_submission" in out.out and "import" not in out.out.split()
    assert main(["audit", "list", "--since", "2999-01-01", "--db", str(logged)]) == 0
    assert "0 changes since 2999-01-01" in capsys.readouterr().err
    assert main(["audit", "list", "--since", "yesterday", "--db", str(logged)]) == 2


# --- crash safety: kill -9 between a write and its audit row ------------------------------------------

WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, "tests")
    from people import STAFF
    from loaders import detect
    from monitor import db, store, work

    path, where, what = sys.argv[1:4]
    con = db.open_prepared(path)
    real = store.append_audits

    def stalled(*args, **kwargs):
        if where == "after":
            real(*args, **kwargs)
        print("stalled", flush=True)
        time.sleep(120)

    store.append_audits = stalled
    if what == "record_progress":
        work.record_progress(STAFF, con, "MX0081", period="2031-06", status="Limited", narrative="KILLED-WRITE")
    else:
        data = b"commitment_id,period,assessor,status,narrative\\nMX0081,2031-06,government,Limited,KILLED-WRITE\\n"
        store.apply_batches(STAFF, con, [detect.load(data, "killed.csv")])
    print("committed", flush=True)
""")


@pytest.mark.parametrize("where, what", [("before", "record_progress"), ("after", "record_progress"),
                                         ("before", "apply_batches")])
def test_kill_9_mid_write_leaves_neither_the_write_nor_its_audit_row(bundled_copy, where, what):
    con = db.open_prepared(bundled_copy)
    before = {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES}
    con.close()
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(bundled_copy), where, what], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().strip()
        assert line == "stalled", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    con = db.open_prepared(bundled_copy)
    try:
        assert {t: db.table_fingerprint(con, t) for t in db.CORE_TABLES} == before
        assert con.execute("select count(*) from progress_update where narrative = 'KILLED-WRITE'").fetchone()[0] == 0
        assert audit.verify(con).ok
    finally:
        con.close()


# --- static rules ---------------------------------------------------------------------------------------

WRITE = re.compile(r"\b(insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|truncate(?:\s+table)?)\s+([\w{}.]+)"
                   r"(\s+(?:\w+\s+)?set\b)?", re.I)
# Maintenance writes that cannot move into monitor/store.py without the storage layer importing the writer
# (db.prepare runs them, and everything that opens the file calls db.open_prepared):
MAINTENANCE = {
    "monitor/db.py": {"schema_migration", "mart_version", "scale_value", "scale_synonym"},  # bookkeeping
    "monitor/search_index.py": {"search_token", "search_posting"},        # the derived search index
}
SOURCES = [p for folder in ("monitor", "loaders", "vocabulary", "webui", "app_pages", "views", "bench", "scripts")
           for p in (ROOT / folder).rglob("*.py")] + [ROOT / "dashboard.py"]


def sql_writes(path: Path) -> list[tuple[str, str]]:
    """(statement, table) for every SQL write in the file's string literals (f-string holes read as {})."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        for verb, table, set_clause in WRITE.findall(text):
            if verb.lower() == "update" and not set_clause:
                continue  # English, not SQL: "update the marts"
            found.append((" ".join(verb.lower().split()), table.lower()))
    return found


def test_sql_writes_happen_only_in_the_writer():
    wrong = []
    for path in SOURCES:
        name = path.relative_to(ROOT).as_posix()
        for verb, table in sql_writes(path):
            if name == "monitor/store.py" or table in MAINTENANCE.get(name, ()):
                continue
            wrong.append(f"{name}: {verb} {table}")
    assert not wrong, "SQL writes outside monitor/store.py:\n" + "\n".join(wrong)


def test_the_writer_is_found_writing():
    """The rule above is not vacuous: it sees the writer's statements, f-strings included."""
    writes = set(sql_writes(ROOT / "monitor" / "store.py"))
    assert {("insert into", "audit_log"), ("insert into", "progress_submission"), ("update", "{}"),
            ("delete from", "watchlist")} <= writes


def test_no_code_updates_or_deletes_the_audit_log():
    for path in [*SOURCES, *(ROOT / "monitor" / "sql").rglob("*.sql")]:
        if path.suffix == ".py":
            writes = sql_writes(path)
        else:
            writes = [(v.lower(), t.lower()) for v, t, s in WRITE.findall(path.read_text()) if v.lower() != "update"
                      or s]
        assert not [w for w in writes if w[1] == "audit_log" and w[0] != "insert into"], path
        text = path.read_text(encoding="utf-8").lower()
        assert not re.search(r"(drop|alter)\s+table\s+(if\s+exists\s+)?audit_log", text), path


PRIVATE = ("audit_log", "progress_submission", "submission_review", "submitted_by")


def test_public_reads_never_name_the_private_tables():
    """queries, metrics, exports, marts, status views and search never read pending work or the log."""
    readers = [ROOT / "monitor" / "queries.py", ROOT / "monitor" / "metrics.py", ROOT / "monitor" / "search_index.py",
               *(ROOT / "monitor" / "export").rglob("*.py"), ROOT / "monitor" / "sql" / "marts.sql",
               ROOT / "monitor" / "sql" / "status_views.sql"]
    for path in readers:
        text = path.read_text(encoding="utf-8")
        assert not [name for name in PRIVATE if name in text], path


# --- the dashboard's role-checked reads ------------------------------------------------------------

def test_a_commitments_history_is_for_staff_field_by_field(logged):
    con = duckdb.connect(str(logged), read_only=True)
    try:
        for refused in (PUBLIC, CSO):
            with pytest.raises(NotAllowed, match="change history"):
                audit.commitment_history(refused, con, "MX0081")
        history = audit.commitment_history(STAFF, con, "MX0081")
        assert audit.commitment_history(ADMIN, con, "MX0081").equals(history)
    finally:
        con.close()
    assert list(history["seq"]) == sorted(history["seq"], reverse=True)          # newest first
    recorded = history[(history["action"] == "record_progress") & (history["field"] == "narrative")]
    assert recorded[["actor", "before", "after"]].values.tolist() == [[STAFF.email, "", "Draft law"]]
    assert {"submit_progress", "approve_submission"} <= set(history["action"])
    assert set(history["actor"]) == {STAFF.email, CSO.email}                      # nothing about other commitments


def test_the_whole_trail_and_its_check_are_for_admins(logged):
    con = duckdb.connect(str(logged), read_only=True)
    try:
        for refused in (PUBLIC, CSO, STAFF):
            with pytest.raises(NotAllowed, match="audit trail"):
                audit.trail(refused, con)
            with pytest.raises(NotAllowed, match="audit trail"):
                audit.check_chain(refused, con)
        assert audit.check_chain(ADMIN, con).ok
        everything = audit.trail(ADMIN, con)
        by_cso = audit.trail(ADMIN, con, actor=CSO.email.upper())
    finally:
        con.close()
    assert len(everything) >= 10 and list(everything["seq"]) == sorted(everything["seq"])
    assert set(by_cso["actor"]) == {CSO.email} and list(by_cso["action"]) == ["submit_progress"]


# --- the roles file -----------------------------------------------------------------------------------------

def test_a_roles_file_reload_is_audited_with_what_changed(bundled_con, tmp_path):
    from monitor import auth, store

    path = tmp_path / "roles.toml"
    path.write_text('[roles]\n"officer@ogp.example" = "support_unit"\n"@civil.example" = "civil_society"\n')
    reader = auth.system("roles-file")
    first = store.record_roles_reload(reader, bundled_con, auth.load_roles(path))
    assert store.record_roles_reload(reader, bundled_con, auth.load_roles(path)) is None  # same file: no row
    path.write_text('[roles]\n"officer@ogp.example" = "civil_society"\n"lead@ogp.example" = "admin"\n')
    second = store.record_roles_reload(reader, bundled_con, auth.load_roles(path))
    rows = bundled_con.execute("select seq, actor, entity_id, before_json, after_json, source_sha256 from audit_log "
                               "where action = 'roles_reload' order by seq").fetchall()
    assert [r[0] for r in rows] == [first, second]
    assert rows[0][3:5] == ("{}", '{"@civil.example":"civil_society","officer@ogp.example":"support_unit"}')
    # the officer's role changed, the domain went, the lead came: only those, old values before, new after
    assert rows[1][3:5] == ('{"@civil.example":"civil_society","officer@ogp.example":"support_unit"}',
                            '{"lead@ogp.example":"admin","officer@ogp.example":"civil_society"}')
    assert rows[1][1] == "system:roles-file" and rows[1][2] == str(path)
    assert rows[1][5] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert audit.verify(bundled_con).ok
    with pytest.raises(NotAllowed):
        store.record_roles_reload(auth.ANONYMOUS, bundled_con, auth.load_roles(path))
