"""Personal API tokens and POST /api/v1/imports, through the real ASGI app (app.py) on a copy of the bundled data."""
from __future__ import annotations

import uuid

import pytest

from monitor import auth, db, tokens
from monitor.cli import main
from tests.asgi_client import serving_copy

GOOD = ("commitment_id,period,assessor,status,narrative,source_url\n"
        "MX0081,2024-06,civil_society,Not started,{narrative},https://example.org/a\n")
BAD = ("commitment_id,period,assessor,status\n"
       "MX0081,2024-06,civil_society,Sustancialish\nMX0081,2024-13-45,gobierno,Limited\n")
ADMIN = auth.Principal("os:tests", auth.SUPPORT_UNIT, "os", "tests")


@pytest.fixture(scope="module")
def client(bundled_db_path, tmp_path_factory, app_client):
    with serving_copy(app_client, bundled_db_path, tmp_path_factory.mktemp("tokens")) as c:
        yield c


def make_token(email: str, role: str, revoked: bool = False) -> tuple[str, str]:
    """A token on the app's own connection, as `token create` makes one."""
    from monitor import store
    from webui import data

    with data.WRITE_LOCK, data.cursor() as cur:
        token_id, secret = tokens.create(ADMIN, cur, email, role)
        if revoked:
            store.revoke_token(ADMIN, cur, token_id)
    return token_id, secret


def upload(client, text: str, secret: str | None, name: str = "progress.csv", **fields: str):
    boundary = "b" + uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: text/csv\r\n\r\n".encode() + text.encode() + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", "content-length": str(len(body))}
    if secret is not None:
        headers["authorization"] = f"Bearer {secret}"
    return client.post("/api/v1/imports", body, headers)


def fingerprints() -> dict:
    from webui import data

    with data.cursor() as cur:
        return {t: db.table_fingerprint(cur, t) for t in db.CORE_TABLES}


def last_audit() -> tuple:
    from webui import data

    with data.cursor() as cur:
        return cur.execute("select actor, actor_role, auth_issuer, action, source_file from audit_log "
                           "order by seq desc limit 1").fetchone()


def test_a_support_unit_token_imports_and_the_audit_names_its_person(client):
    _, secret = make_token("Officer@OGP.example", auth.SUPPORT_UNIT)
    r = upload(client, GOOD.format(narrative="Still nothing through the API"), secret)
    assert r.status == 200, r.text
    report = r.json()
    assert report["kind"] and report["file"] == "progress.csv"
    assert report["added"]["progress_update"] == 1 and report["written"] is True
    assert report["imported_by"] == "officer@ogp.example"
    assert last_audit()[:4] == ("officer@ogp.example", "support_unit", "api_token", "import")
    from webui import data

    with data.cursor() as cur:
        found = cur.execute("select count(*) from progress_update where narrative = ?",
                            ["Still nothing through the API"]).fetchone()[0]
        used = cur.execute("select last_used_at from api_token where email = 'officer@ogp.example'").fetchone()[0]
    assert found == 1 and used is not None
    again = upload(client, GOOD.format(narrative="Still nothing through the API"), secret)
    assert again.status == 200 and again.json()["already_imported_at"] and again.json()["written"] is False


def test_a_dry_run_writes_nothing(client):
    _, secret = make_token("dry@ogp.example", auth.SUPPORT_UNIT)
    before = fingerprints()
    r = upload(client, GOOD.format(narrative="dry run only"), secret, dry_run="true")
    assert r.status == 200, r.text
    report = r.json()
    assert report["dry_run"] is True and report["written"] is False
    assert report["added"]["progress_update"] + report["changed"]["progress_update"] == 1
    assert fingerprints() == before


def test_the_report_lists_the_rows_a_corrected_file_withdraws(client):
    from tests.monitor.test_withdrawn import DROPPED, milestones_without

    _, secret = make_token("corrector@ogp.example", auth.SUPPORT_UNIT)
    corrected = milestones_without(DROPPED).decode()
    before = fingerprints()
    dry = upload(client, corrected, secret, name="milestones.csv", dry_run="true")
    assert dry.status == 200, dry.text
    expected = [{"table": "milestone", "key": DROPPED, "commitment_id": "MX0081"}]
    assert [{k: r[k] for k in ("table", "key", "commitment_id")} for r in dry.json()["withdrawn"]] == expected
    assert dry.json()["written"] is False and fingerprints() == before
    done = upload(client, corrected, secret, name="milestones.csv").json()
    assert done["written"] is True and done["withdrawn"][0]["title"].startswith("Roadmap of 4 key actions")
    assert last_audit()[3] == "import"


@pytest.mark.parametrize("case", ["missing", "unknown", "not_bearer", "revoked", "civil_society"])
def test_refused_tokens_write_nothing(client, case):
    secret = {"missing": None, "unknown": "mtk_" + "x" * 43, "not_bearer": None}.get(case)
    if case == "revoked":
        _, secret = make_token("gone@ogp.example", auth.SUPPORT_UNIT, revoked=True)
    if case == "civil_society":
        _, secret = make_token("ngo@civil.example", auth.CIVIL_SOCIETY)
    before = fingerprints()
    if case == "not_bearer":
        r = client.post("/api/v1/imports", b"", {"authorization": "Basic dXNlcjpwYXNz"})
    else:
        r = upload(client, GOOD.format(narrative=f"refused {case}"), secret)
    expected = 403 if case in ("revoked", "civil_society") else 401
    assert r.status == expected, r.text
    assert r.json()["error"]["status"] == expected and r.json()["written"] is False
    if expected == 401:
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert fingerprints() == before


def test_an_invalid_file_is_422_with_each_problem_and_nothing_written(client):
    _, secret = make_token("careful@ogp.example", auth.SUPPORT_UNIT)
    before = fingerprints()
    r = upload(client, BAD, secret)
    assert r.status == 422, r.text
    problems = r.json()["error"]["problems"]
    assert {p["row"] for p in problems if p["severity"] == "error"} >= {2, 3}
    assert any(p["value"] == "Sustancialish" for p in problems)
    assert all({"file", "sheet", "row", "column", "value", "expected"} <= set(p) for p in problems)
    assert fingerprints() == before


def test_unreadable_and_oversized_uploads_are_refused(client, monkeypatch):
    from webui.api import imports

    _, secret = make_token("big@ogp.example", auth.SUPPORT_UNIT)
    before = fingerprints()
    r = upload(client, "", secret)
    assert r.status == 422 and r.json()["error"]["problems"]
    monkeypatch.setattr(imports, "MAX_BODY", 100)
    r = upload(client, GOOD.format(narrative="x" * 200), secret)
    assert r.status == 413 and r.json()["written"] is False
    assert fingerprints() == before


def test_token_create_prints_the_secret_once_and_list_never_shows_it(bundled_copy, capsys):
    assert main(["token", "create", "Officer@OGP.example", "--role", "support_unit", "--db", str(bundled_copy)]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    assert secret.startswith("mtk_") and len(secret) > 40 and secret not in err
    token_id = err.split()[1]
    assert token_id.startswith("tok_")
    assert main(["token", "list", "--db", str(bundled_copy)]) == 0
    out, err = capsys.readouterr()
    assert token_id in out and "officer@ogp.example" in out and "support_unit" in out and "active" in out
    assert secret not in out + err and tokens.digest(secret) not in out + err
    assert main(["token", "revoke", token_id, "--db", str(bundled_copy)]) == 0
    assert main(["token", "list", "--db", str(bundled_copy)]) == 0
    assert "revoked" in capsys.readouterr().out
    con = db.connect(bundled_copy, read_only=True)
    try:
        rows = con.execute("select * from api_token").fetchall()
        assert rows and all(secret not in str(v) for row in rows for v in row)
        assert con.execute("select count(*) from api_token where secret_sha256 = ?",
                           [tokens.digest(secret)]).fetchone()[0] == 1
        actions = [r[0] for r in con.execute("select action from audit_log where entity_table = 'api_token' "
                                             "order by seq").fetchall()]
        assert actions == ["create_token", "revoke_token"]
    finally:
        con.close()


def test_a_token_cannot_outrank_its_creator(bundled_copy, capsys):
    assert main(["token", "create", "boss@ogp.example", "--role", "admin", "--db", str(bundled_copy)]) == 2
    assert "at most its creator's" in capsys.readouterr().err


@pytest.fixture
def via_client(client, monkeypatch):
    """`import --server` posting into the in-process app instead of over the network."""
    import io
    import urllib.error
    from urllib.parse import urlsplit

    from monitor import remote

    class Answer(io.BytesIO):
        status = 200

    def urlopen(request, timeout=None):
        headers = {k.lower(): v for k, v in request.header_items()}
        r = client.post(urlsplit(request.full_url).path, request.data, headers)
        if r.status >= 400:
            raise urllib.error.HTTPError(request.full_url, r.status, "refused", {}, io.BytesIO(r.body))
        return Answer(r.body)

    monkeypatch.setattr(remote.urllib.request, "urlopen", urlopen)
    return client


def test_import_through_the_server_uses_the_token_and_exit_codes(via_client, tmp_path, monkeypatch, capsys):
    good, bad = tmp_path / "progress.csv", tmp_path / "bad.csv"
    good.write_text(GOOD.format(narrative="sent with --server"), encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    server = ["--server", "http://127.0.0.1:8501"]
    monkeypatch.delenv("MONITOR_TOKEN", raising=False)
    assert main(["import", str(good), *server]) == 2
    assert "MONITOR_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("MONITOR_TOKEN", "mtk_not-a-token")
    assert main(["import", str(good), *server]) == 2
    assert "401" in capsys.readouterr().err
    _, secret = make_token("cli@ogp.example", auth.SUPPORT_UNIT)
    monkeypatch.setenv("MONITOR_TOKEN", secret)
    assert main(["import", str(bad), *server]) == 1
    err = capsys.readouterr().err
    assert "row 2" in err and "Sustancialish" in err and "422" in err
    assert main(["import", str(good), *server]) == 0
    err = capsys.readouterr().err
    assert "imported progress.csv" in err and "cli@ogp.example" in err and secret not in err
    assert last_audit()[0] == "cli@ogp.example"


def test_a_busy_database_points_at_the_server(monkeypatch, tmp_path, capsys):
    from monitor import cli

    def busy(*args, **kwargs):
        raise db.DatabaseBusy("The database is in use by another program, most likely the running dashboard.")

    monkeypatch.setattr(cli.db, "open_prepared", busy)
    path = tmp_path / "progress.csv"
    path.write_text(GOOD.format(narrative="busy"), encoding="utf-8")
    assert main(["import", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "--server http://127.0.0.1:8501" in capsys.readouterr().err
