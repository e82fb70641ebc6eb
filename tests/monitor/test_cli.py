"""The command line, as a newcomer uses it: help, init, check, import, template, exit codes."""
from __future__ import annotations

import subprocess
import sys

import pytest
from repo import REPO

from monitor.cli import main

GOOD = ("commitment_id,period,assessor,status,narrative,source_url\n"
        "MX0081,2024-06,civil_society,Not started,Still nothing,https://example.org/a\n")
BAD = ("commitment_id,period,assessor,status\n"
       "MX0081,2024-06,civil_society,Sustancialish\nMX0081,2024-13-45,gobierno,Limited\n")


def run(*args: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, timeout=300,
                            cwd=REPO)
    return result.returncode, result.stdout + result.stderr


def test_help_explains_the_commands():
    code, out = run("--help")
    assert code == 0
    for word in ("init", "import", "check", "template", "export", "MONITOR_DB", "Exit codes"):
        assert word in out


def test_check_lists_every_problem_and_exits_1(tmp_path):
    path = tmp_path / "progress.csv"
    path.write_text(BAD, encoding="utf-8")
    code, out = run("check", str(path))
    assert code == 1
    assert "row 2" in out and "Sustancialish" in out and "row 3" in out


def test_import_then_reimport_adds_nothing(bundled_copy, tmp_path, capsys):
    path = tmp_path / "progress.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import", str(path), "--db", str(bundled_copy)]) == 0
    assert "1 rows added" in capsys.readouterr().err
    assert main(["import", str(path), "--db", str(bundled_copy)]) == 0
    assert "already imported" in capsys.readouterr().err


def test_dry_run_writes_nothing(bundled_copy, tmp_path, capsys):
    path = tmp_path / "progress.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import", "--dry-run", str(path), "--db", str(bundled_copy)]) == 0
    assert "would add 1 rows" in capsys.readouterr().err
    assert main(["import", str(path), "--db", str(bundled_copy)]) == 0
    assert "1 rows added" in capsys.readouterr().err


def test_invalid_file_writes_nothing_and_exits_1(bundled_copy, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    assert main(["import", str(good), str(bad), "--db", str(bundled_copy)]) == 1
    assert "Nothing was written" in capsys.readouterr().err
    assert main(["import", str(good), "--db", str(bundled_copy)]) == 0  # the good file was not half-imported
    assert "1 rows added" in capsys.readouterr().err


def test_missing_file_is_a_usage_error(tmp_path):
    assert main(["check", str(tmp_path / "nope.csv")]) == 2


def test_busy_database_is_explained_and_exits_2(bundled_copy, tmp_path, hold):
    path = tmp_path / "progress.csv"
    path.write_text(GOOD, encoding="utf-8")
    with hold(bundled_copy):
        code, out = run("import", str(path), "--db", str(bundled_copy))
    assert code == 2 and "dashboard" in out and "Nothing was written" in out


def test_template_round_trip(tmp_path):
    out = tmp_path / "nap.xlsx"
    assert main(["template", "--out", str(out)]) == 0
    code, text = run("check", str(out))
    assert code == 1 and "no data rows" in text


@pytest.mark.parametrize("args", [["import"], ["frobnicate"]])
def test_usage_errors_exit_2(args):
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "Start here" in capsys.readouterr().out
