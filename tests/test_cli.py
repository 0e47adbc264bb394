"""The command line, run as users run it: ``python -m gipcheck`` in a subprocess.

Output format, exit codes (0 clean, 1 findings, 2 usage/configuration error, never a traceback),
batches with unreadable files, every subcommand and output format, and that the checked files
are never modified.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED0 = SEEDS / "000_a421f33a1e233292.txt"   # 2016, fires GIP101/GIP401 (warnings), GIP302 (info)
SEED2 = SEEDS / "002_871b05a060ee8a47.txt"   # fires GIP102 (error)
SEED4 = SEEDS / "004_4d5b83c37e9f0509.txt"   # Traditional script
SEED3 = SEEDS / "003_4c2f8b4fce2606f9.txt"   # the whole body on one line

LINE_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+)  (?P<rule>GIP\d{3})  (?P<sev>\S+)  (?P<msg>.+)$")


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "gipcheck", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def finding_lines(stdout: str) -> list[re.Match[str]]:
    return [m for m in map(LINE_RE.match, stdout.split("\n")) if m]


# -- text output -------------------------------------------------------------------------------

def test_text_output_chinese_default():
    p = run("check", SEED2)
    assert p.returncode == 1
    found = finding_lines(p.stdout)
    assert found, p.stdout
    for m in found:
        assert m["path"] == str(SEED2)
        assert m["sev"] in ("错误", "警告", "提示")
        assert int(m["line"]) >= 1 and int(m["col"]) >= 1
    assert "GIP102" in {m["rule"] for m in found}
    assert "共检查 1 个文件" in p.stdout


def test_text_output_english():
    p = run("check", SEED2, "--lang", "en")
    found = finding_lines(p.stdout)
    assert found and all(m["sev"] in ("error", "warning", "info") for m in found)
    assert "file(s) checked" in p.stdout
    zh = finding_lines(run("check", SEED2).stdout)
    assert [(m["line"], m["col"], m["rule"]) for m in found] == [(m["line"], m["col"], m["rule"]) for m in zh]


def test_text_output_positions_match_json():
    text = finding_lines(run("check", SEED0).stdout)
    data = json.loads(run("check", SEED0, "--format", "json").stdout)
    assert [(int(m["line"]), int(m["col"]), m["rule"]) for m in text] == \
           [(f["line"], f["column"], f["rule"]) for f in data["files"][0]["findings"]]


# -- exit codes --------------------------------------------------------------------------------

def test_exit_0_when_selected_rule_does_not_fire():
    p = run("check", SEED0, "--select", "GIP601")
    assert p.returncode == 0, p.stdout
    assert not finding_lines(p.stdout)


def test_exit_1_on_findings():
    assert run("check", SEED2).returncode == 1


def test_fail_on_warning():
    # seed 000 has warnings but no error
    assert run("check", SEED0).returncode == 0
    assert run("check", SEED0, "--fail-on", "warning").returncode == 1
    assert run("check", SEED0, "--select", "GIP302", "--fail-on", "warning").returncode == 0
    assert run("check", SEED0, "--select", "GIP302", "--fail-on", "info").returncode == 1


@pytest.mark.parametrize("args", [
    ("check", "--bogus", str(SEED0)),
    ("check",),
    ("check", str(SEED0), "--format", "nosuch"),
    ("check", str(SEED0), "--fail-on", "fatal"),
    ("nosuchcommand",),
    ("explain", "GIP999"),
    ("explain", "no-such-rule"),
])
def test_exit_2_on_usage_errors(args):
    p = run(*args)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert p.stderr.strip()


def test_bad_rule_file_yaml_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("checks:\n  - rule: GIP601\n    check: [unclosed\n", encoding="utf-8")
    p = run("check", SEED0, "--rules", bad)
    assert p.returncode == 2
    err = p.stderr.strip()
    assert "\n" not in err
    assert re.match(rf"gipcheck: {re.escape(str(bad))}:\d+: ", err), err
    assert not p.stdout


def test_bad_rule_file_unknown_check(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("# a province's rules\nchecks:\n  - {rule: GIP601, check: nosuch}\n", encoding="utf-8")
    p = run("check", SEED0, "--rules", bad)
    assert p.returncode == 2
    err = p.stderr.strip()
    assert "\n" not in err
    assert err.startswith(f"gipcheck: {bad}:3: ") and "nosuch" in err, err


def test_bad_rule_file_unknown_rule_and_bad_params(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("checks:\n  - {rule: GIP999, check: pattern_absent, params: {patterns: [x]}}\n", encoding="utf-8")
    p = run("check", SEED0, "--rules", bad)
    assert p.returncode == 2 and p.stderr.startswith(f"gipcheck: {bad}:2: ") and "GIP999" in p.stderr
    bad.write_text("checks:\n  - rule: GIP601\n    check: pattern_absent\n    params: {nosuch: 1}\n", encoding="utf-8")
    p = run("check", SEED0, "--rules", bad)
    assert p.returncode == 2 and p.stderr.startswith(f"gipcheck: {bad}:") and p.stderr.count("\n") == 1


def test_good_rule_file_adds_a_rule(tmp_path):
    extra = tmp_path / "province.yaml"
    extra.write_text("checks:\n  - rule: GIP601\n    check: pattern_absent\n    params:\n"
                     "      patterns: ['衢州市三衢路']\n", encoding="utf-8")
    assert run("check", SEED0, "--select", "GIP601").returncode == 0
    p = run("check", SEED0, "--select", "GIP601", "--rules", extra)
    assert p.returncode == 1 and "GIP601" in p.stdout


# -- batches, directories, encodings -------------------------------------------------------------

@pytest.fixture
def batch(tmp_path):
    text = SEED0.read_text(encoding="utf-8")
    (tmp_path / "a_gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "b_utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "c_bad.txt").write_bytes(bytes.fromhex("ffd8ffe0813089 38ff"))
    (tmp_path / "d_utf8.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "e_sig.txt").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "notes.yaml").write_text("not a report", encoding="utf-8")
    return tmp_path


def _by_name(stdout: str) -> dict[str, dict]:
    data = json.loads(stdout)
    assert data["schema"] == "gipcheck/1"
    return {Path(f["path"]).name: f for f in data["files"]}


def test_batch_with_bad_files(batch):
    files = [batch / n for n in ("a_gbk.txt", "b_utf16.txt", "c_bad.txt", "missing.txt", "d_utf8.txt")]
    p = run("check", "--format", "json", *files)
    assert p.returncode == 1
    got = _by_name(p.stdout)
    assert list(got) == ["a_gbk.txt", "b_utf16.txt", "c_bad.txt", "missing.txt", "d_utf8.txt"]
    for bad in ("c_bad.txt", "missing.txt"):
        f = got[bad]
        assert f["profile"] is None and f["facts"] is None
        assert [x["rule"] for x in f["findings"]] == ["GIP001"]
        assert f["findings"][0]["line"] == 1 and bad in f["findings"][0]["message"]
    ref = got["d_utf8.txt"]
    for good in ("a_gbk.txt", "b_utf16.txt"):
        assert got[good]["profile"] == "gip-2008"
        assert got[good]["facts"] == ref["facts"]
        assert [(x["rule"], x["line"], x["column"]) for x in got[good]["findings"]] == \
               [(x["rule"], x["line"], x["column"]) for x in ref["findings"]]
    assert json.loads(p.stdout)["summary"]["files"] == 5


def test_directory_argument(batch):
    p = run("check", "--format", "json", batch)
    got = _by_name(p.stdout)
    assert sorted(got) == ["a_gbk.txt", "b_utf16.txt", "c_bad.txt", "d_utf8.txt", "e_sig.txt"]  # not notes.yaml
    assert got["e_sig.txt"]["facts"] == got["d_utf8.txt"]["facts"]
    assert [x["rule"] for x in got["c_bad.txt"]["findings"]] == ["GIP001"]


def test_empty_directory_is_a_usage_error(tmp_path):
    p = run("check", tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("gipcheck: ")


def test_missing_file_text_output(tmp_path):
    p = run("check", tmp_path / "nope.txt")
    assert p.returncode == 1
    [m] = finding_lines(p.stdout)
    assert m["rule"] == "GIP001" and (m["line"], m["col"]) == ("1", "1")


def test_files_are_never_modified(batch):
    files = sorted(p for p in batch.iterdir())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    for args in (("check", batch), ("check", "--format", "json", batch), ("check", "--format", "html", batch),
                 ("parse", batch / "d_utf8.txt"), ("text", "--raw", batch / "a_gbk.txt"),
                 ("text", "--normalized", batch / "b_utf16.txt")):
        run(*args)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert before == after
    assert sorted(batch.iterdir()) == files  # nothing written next to them


# -- rules, explain, parse, text ---------------------------------------------------------------

def test_rules_lists_every_rule():
    p = run("rules")
    assert p.returncode == 0
    ids = re.findall(r"^(GIP\d{3})\s", p.stdout, re.M)
    assert "GIP001" in ids and "GIP603" in ids and len(ids) == len(set(ids)) >= 30
    j = json.loads(run("rules", "--format", "json", "--lang", "en").stdout)
    assert [r["id"] for r in j] == ids
    assert all(r["summary"].isascii() or r["id"] for r in j)


@pytest.mark.parametrize("lang,words", [("zh", ("默认级别", "提示信息")), ("en", ("Default severity", "Message"))])
def test_explain(lang, words):
    p = run("explain", "GIP201", "--lang", lang)
    assert p.returncode == 0
    assert p.stdout.startswith("GIP201 statistics-period-missing")
    for w in words:
        assert w in p.stdout
    by_name = run("explain", "statistics-period-missing", "--lang", lang)
    assert by_name.stdout == p.stdout
    assert run("explain", "gip201", "--lang", lang).stdout == p.stdout


def test_parse_tree_and_json():
    p = run("parse", SEED2)
    assert p.returncode == 0
    assert "title: 三元区民政局2017年政府信息公开工作年度报告" in p.stdout
    assert "document number: 元民〔2018〕 2 号" in p.stdout
    assert re.search(r"^\s+\d+:1  一、 概述", p.stdout, re.M)
    j = json.loads(run("parse", SEED2, "--format", "json").stdout)
    assert j["title"] == "三元区民政局2017年政府信息公开工作年度报告"
    assert j["signature"] == {"agency": "三元区民政局", "date": "2018-01-30"}
    assert [s["marker"] for s in j["sections"]][:2] == ["一、", "二、"]
    assert any(t["layout"] == "cell-per-line" for t in j["tables"])


def test_parse_missing_file_is_exit_2(tmp_path):
    p = run("parse", tmp_path / "nope.txt")
    assert p.returncode == 2 and p.stderr.startswith("gipcheck: ") and p.stderr.count("\n") == 1


def test_text_raw_prints_the_text_as_read():
    p = run("text", "--raw", SEED4)
    assert p.returncode == 0
    lines = p.stdout.rstrip("\n").split("\n")
    orig = SEED4.read_text(encoding="utf-8").split("\n")
    assert lines[0] == f"{1:5}  {orig[0]}"
    assert len(lines) == len(orig) or len(lines) == len(orig) - 1  # a final newline adds no line
    assert "廳" in p.stdout  # as read: Traditional


def test_text_normalized_prints_the_view_with_original_positions():
    p = run("text", "--normalized", SEED4)
    assert p.returncode == 0
    first = p.stdout.split("\n")[0]
    assert first.startswith("    1  [1:1]  2013年,我厅")  # Simplified, half-width comma
    assert "廳" not in p.stdout
    assert run("text", SEED4).stdout == p.stdout  # the view is the default


def test_text_normalized_positions_point_into_the_original():
    orig = SEED3.read_text(encoding="utf-8").split("\n")
    p = run("text", "--normalized", SEED3)  # one long original line, split at its headings
    rows = [re.match(r"^\s*(\d+)  \[(\d+):(\d+)\]  (.*)$", x) for x in p.stdout.rstrip("\n").split("\n")]
    assert all(rows) and len(rows) > len(orig)
    checked = 0
    for m in rows:
        line, col, shown = int(m[2]), int(m[3]), m[4]
        if shown and "\u4e00" <= shown[0] <= "\u9fff":  # seed 003 is Simplified: CJK is unchanged in the view
            assert orig[line - 1][col - 1] == shown[0], (line, col, shown[:10])
            checked += 1
    assert checked >= 5


def test_text_of_a_crlf_file(tmp_path):
    f = tmp_path / "crlf.txt"
    f.write_bytes(SEED2.read_bytes().replace(b"\n", b"\r\n"))
    lines = run("text", "--raw", f).stdout.split("\n")
    assert all("\r" not in ln for ln in lines)
    assert lines == run("text", "--raw", SEED2).stdout.split("\n")
    assert run("text", f).stdout == run("text", SEED2).stdout


def test_text_missing_file_is_exit_2(tmp_path):
    for args in (("text", tmp_path / "nope.txt"), ("text", "--raw", tmp_path / "nope.txt")):
        p = run(*args)
        assert p.returncode == 2 and p.stderr.startswith("gipcheck: ")


# -- selection ---------------------------------------------------------------------------------

def _rules_of(*args) -> set[str]:
    data = json.loads(run("check", "--format", "json", *args).stdout)
    return {f["rule"] for fr in data["files"] for f in fr["findings"]}


def test_select_and_ignore_prefixes():
    all_rules = _rules_of(SEED2)
    assert {"GIP102", "GIP106", "GIP003"} <= all_rules
    assert _rules_of(SEED2, "--select", "GIP1") == {r for r in all_rules if r.startswith("GIP1")}
    assert _rules_of(SEED2, "--select", "GIP10,GIP003") == {r for r in all_rules if r.startswith(("GIP10", "GIP003"))}
    assert _rules_of(SEED2, "--ignore", "GIP1") == {r for r in all_rules if not r.startswith("GIP1")}
    assert _rules_of(SEED2, "--select", "gip1", "--ignore", "GIP106") == \
        {r for r in all_rules if r.startswith("GIP1") and r != "GIP106"}
    assert _rules_of(SEED2, "--select", "GIP106", "--extend-select", "GIP003") == {"GIP106", "GIP003"}


# -- output files and formats ------------------------------------------------------------------

def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    p = run("check", SEED2, "--format", "json", "--output", out)
    assert p.returncode == 1 and p.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["files"][0]["path"] == str(SEED2)


def test_statistics():
    p = run("check", SEED2, "--statistics")
    assert p.returncode == 1 and "GIP102" in p.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif", "junit", "github", "gitlab", "html", "text"])
def test_format_smoke(fmt, tmp_path):
    files = [SEED0, SEED2, tmp_path / "missing.txt"]
    p = run("check", "--format", fmt, *files)
    assert p.returncode == 1, p.stderr
    assert p.stdout.strip()
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(p.stdout)
    if fmt == "jsonl":
        rows = [json.loads(x) for x in p.stdout.strip().split("\n")]
        assert len(rows) >= 3
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(p.stdout)
    if fmt == "html":
        assert "<html" in p.stdout.lower()
    if fmt == "github":
        assert "::error" in p.stdout


def test_version():
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("gipcheck ")


def test_entry_point_if_installed():
    exe = shutil.which("gipcheck", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("console script not installed")
    p = subprocess.run([exe, "rules"], capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 0 and "GIP001" in p.stdout
