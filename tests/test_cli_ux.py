"""The command line as users of ruff and Vale expect it (issue 11, points 4–6).

Run in-process through ``cli.main`` (fast), except where the exit code of the real program is
the point. Unknown rules are errors with a "did you mean"; rule names and a province's own
prefixes work wherever ids do; options are never abbreviated; --exit-zero, --quiet,
--statistics in every format, NO_COLOR; one language at a time.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gipcheck import cli

ROOT = Path(__file__).resolve().parent.parent
SEED0 = ROOT / "tests/fixtures/seeds/000_a421f33a1e233292.txt"   # GIP101, GIP401 (warnings), GIP302 (info)
SEED2 = ROOT / "tests/fixtures/seeds/002_871b05a060ee8a47.txt"   # GIP102 (error), GIP106
CLEAN = "推进政府信息公开工作。\n"

PROVINCE = """rules:
  - id: FJ101
    name: fj-contact
    severity: warning
    summary: {zh: 未写明福建省要求的联系方式, en: "No contact as Fujian requires"}
    message: {zh: 未写明福建省要求的联系方式, en: "No contact as Fujian requires"}
    basis: {zh: 福建省政府信息公开年度报告编制要求（示例）, en: "Fujian annual report guidance (example)"}
checks:
  - rule: FJ101
    check: contact_present
"""


def main(capsys, *args, env=None):
    old = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse errors
            code = exc.code
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def province(tmp_path):
    p = tmp_path / "fj.yaml"
    p.write_text(PROVINCE, encoding="utf-8")
    report = tmp_path / "r.txt"
    report.write_text("一、概述\n2017年，我局认真贯彻《条例》。\n", encoding="utf-8")
    return p, report


# -- point 5: unknown rules, names, province prefixes, options ----------------------------------

def test_select_unknown_rule_exits_2_naming_it():
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "examples/", "--select", "GIP999"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 2, proc.stdout[-300:]
    assert "GIP999" in proc.stderr and "Traceback" not in proc.stderr
    assert "未知的规则" in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_rule_in_any_selector_is_an_error_with_a_suggestion(capsys, option):
    code, out, err = main(capsys, "check", SEED0, option, "titel-missing")
    assert code == 2 and "titel-missing" in err and "title-missing" in err and option in err


def test_rule_names_work_wherever_ids_do(capsys):
    code, out, _ = main(capsys, "check", SEED0, "--select", "title-missing", "--no-source")
    assert "GIP101" in out and "GIP401" not in out
    code, out, _ = main(capsys, "check", SEED0, "--ignore", "title-missing,GIP4", "--no-source")
    assert "GIP101" not in out and "GIP401" not in out and "GIP302" in out


@pytest.mark.parametrize("body,key", [("ignore: [GIP999]\n", "ignore"), ("severity:\n  GIP999: info\n", "severity"),
                                      ("per-file-ignores:\n  '*.txt': [GIP999]\n", "per-file-ignores"),
                                      ("select: [GIP999]\n", "select")])
def test_unknown_rule_in_a_config_names_file_and_line(capsys, tmp_path, body, key):
    d = tmp_path / key
    d.mkdir()
    (d / ".gipcheck.yaml").write_text("lang: zh\n" + body, encoding="utf-8")
    (d / "r.txt").write_text(CLEAN, encoding="utf-8")
    code, out, err = main(capsys, "check", d / "r.txt")
    assert code == 2 and f".gipcheck.yaml:{2 if key != 'severity' and key != 'per-file-ignores' else 3}:" in err, err
    assert "GIP999" in err and "未知的规则" in err


def test_province_prefix_works_in_select_ignore_severity_and_per_file_ignores(capsys, province, tmp_path):
    rules, report = province
    code, out, _ = main(capsys, "check", report, "--rules", rules, "--select", "FJ101", "--no-source")
    assert "FJ101" in out and "GIP503" not in out
    code, out, _ = main(capsys, "check", report, "--rules", rules, "--ignore", "FJ", "--no-source")
    assert "FJ101" not in out and "GIP503" in out
    for name, config, expect in (("sev", "severity:\n  FJ: info\n", "FJ101  提示"),
                                 ("pfi", "per-file-ignores:\n  'r.txt': [FJ1]\n", None)):
        d = tmp_path / name  # a folder each: configurations are looked up once per folder and process
        d.mkdir()
        (d / "fj.yaml").write_text(PROVINCE, encoding="utf-8")
        (d / "r.txt").write_bytes(report.read_bytes())
        (d / ".gipcheck.yaml").write_text("extend-rules: [fj.yaml]\n" + config, encoding="utf-8")
        code, out, err = main(capsys, "check", d / "r.txt", "--no-source")
        assert "GIP503" in out, err
        assert (expect in out) if expect else ("FJ101" not in out)
    code, out, err = main(capsys, "check", report, "--isolated", "--select", "FJ101")  # without the rule file
    assert code == 2 and "FJ101" in err


def test_rules_lists_a_province_file_and_json_has_the_basis(capsys, province):
    rules, _ = province
    code, out, _ = main(capsys, "rules", "--rules", rules)
    assert code == 0 and "FJ101" in out and "GIP101" in out
    code, out, _ = main(capsys, "rules", "--format", "json")
    listed = json.loads(out)
    assert len(listed) >= 34 and all(r["basis"] for r in listed)
    assert next(r for r in listed if r["id"] == "GIP503")["basis"].startswith("《党政机关公文格式》")
    code, out, _ = main(capsys, "rules", "--format", "json", "--lang", "en")
    assert next(r for r in json.loads(out) if r["id"] == "GIP503")["basis"].startswith("Layout key")


@pytest.mark.parametrize("typo,meant", [("--formt", "--format"), ("--form", "--format"), ("--selct", "--select")])
def test_a_misspelt_or_abbreviated_option_says_which_was_meant(capsys, typo, meant):
    code, out, err = main(capsys, "check", SEED0, typo, "json")
    assert code == 2 and typo in err and meant in err and out == ""


# -- point 6: --exit-zero, --quiet, --statistics, NO_COLOR, baseline, test --------------------

def test_exit_zero_and_quiet(capsys, tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    code, out, _ = main(capsys, "check", SEED0, clean, "--select", "GIP302", "--fail-on", "info")
    assert code == 1 and "未发现问题" in out and "共检查" in out
    code, out, _ = main(capsys, "check", SEED0, clean, "--select", "GIP302", "--fail-on", "info", "--exit-zero", "-q")
    assert code == 0 and "GIP302" in out and "未发现问题" not in out and "共检查" not in out


@pytest.mark.parametrize("fmt", ["json", "jsonl", "html", "github", "text"])
def test_statistics_in_the_chosen_format(capsys, fmt):
    code, out, _ = main(capsys, "check", SEED0, SEED2, "--statistics", "--format", fmt)
    if fmt == "json":
        data = json.loads(out)
        assert {r["rule"]: r["count"] for r in data["statistics"]}["GIP102"] >= 1
    elif fmt == "jsonl":
        assert all(json.loads(line)["count"] >= 1 for line in out.splitlines())
    elif fmt == "html":
        assert out.startswith("<!doctype html>") and "GIP102" in out and "各规则问题数" in out
    elif fmt == "github":
        assert out.startswith("::notice") and "GIP102" in out
    else:
        assert out.startswith("各规则问题数")


def test_statistics_with_a_format_that_cannot_hold_it_is_a_usage_error(capsys):
    code, out, err = main(capsys, "check", SEED0, "--statistics", "--format", "sarif")
    assert code == 2 and "sarif" in err and out == ""


def test_no_color_leaves_no_escape_codes(monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli.use_color("auto", None) is False
    monkeypatch.delenv("NO_COLOR")
    assert cli.use_color("auto", None) is True
    assert cli.use_color("never", None) is False


def test_no_color_in_a_terminal(tmp_path):
    """Run under a pseudo-terminal: with NO_COLOR there is no escape code at all (bold included)."""
    pty = pytest.importorskip("pty")
    out = tmp_path / "out.bin"
    code = (f"import os,sys,pty; os.environ['NO_COLOR']='1'; fd=os.open({str(out)!r}, os.O_WRONLY|os.O_CREAT);"
            f"pid,m=pty.fork()\nif pid==0: os.execv(sys.executable,[sys.executable,'-m','gipcheck','check',{str(SEED0)!r}])\n"
            "buf=b''\nwhile True:\n  try: d=os.read(m,65536)\n  except OSError: break\n  if not d: break\n  buf+=d\n"
            "os.write(fd,buf)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120, check=True)
    data = out.read_bytes()
    assert b"GIP101" in data and b"\x1b[" not in data


def test_baseline_summary_counts_the_hidden_findings(capsys, tmp_path):
    base = tmp_path / "base.json"
    main(capsys, "check", SEED0, "--write-baseline", base)
    code, out, _ = main(capsys, "check", SEED0, "--baseline", base)
    assert code == 0 and "GIP101" not in out
    assert "另有 3 个问题被屏蔽指令或基线隐藏" in out
    code, out, err = main(capsys, "check", SEED0, "--write-baseline", base)
    assert "已将 1 个文件的 3 个问题写入基线" in err


def test_test_warns_when_no_annotation_is_found(capsys, tmp_path):
    (tmp_path / "plain.txt").write_text(CLEAN, encoding="utf-8")
    code, out, err = main(capsys, "test", tmp_path)
    assert code == 1 and "没有找到任何测试注释" in err
    (tmp_path / "plain.txt").write_text("<!-- ruleid: GIP602 -->\n推进信息公开公开。\n", encoding="utf-8")
    code, out, err = main(capsys, "test", tmp_path)
    assert code == 0 and "1 项通过" in out and err == ""


# -- point 4: one language at a time --------------------------------------------------------

def test_argparse_speaks_chinese_in_the_chinese_ui(capsys):
    code, out, _ = main(capsys, "check", "--help")
    assert code == 0 and out.startswith("用法：") and "选项" in out and "usage:" not in out and "options:" not in out
    code, out, err = main(capsys, "check")
    assert code == 2 and "缺少必需的参数" in err and "required" not in err
    code, out, err = main(capsys, "check", SEED0, "--fail-on", "bad")
    assert "无效的选项值" in err and "invalid choice" not in err


def test_argparse_speaks_english_with_lang_en_and_is_restored(capsys):
    import argparse

    code, out, _ = main(capsys, "check", "--lang", "en", "--help")
    assert "usage:" in out and "用法" not in out
    main(capsys, "check", "--help")
    assert argparse._("usage: ") == "usage: "  # main() leaves argparse as it found it


def test_os_errors_in_chinese(capsys, tmp_path):
    code, out, err = main(capsys, "text", tmp_path / "missing.txt", "--raw")
    assert code == 2 and "不存在" in err and "No such file" not in err


def test_config_errors_in_chinese_with_file_and_line(capsys, tmp_path):
    (tmp_path / ".gipcheck.yaml").write_text("lang: zh\nfail-on: fatal\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text(CLEAN, encoding="utf-8")
    code, out, err = main(capsys, "check", tmp_path / "r.txt")
    assert code == 2 and ".gipcheck.yaml:2:" in err and "应为" in err and "Input should" not in err
    code, out, err = main(capsys, "check", tmp_path / "r.txt", "--lang", "en")
    assert code == 2 and "Input should" in err


def test_explain_speaks_one_language_and_shows_no_placeholder(capsys):
    code, out, _ = main(capsys, "explain", "GIP404")
    assert code == 0 and "{" not in out and "依据" in out and "默认级别: 错误" in out
    code, out, err = main(capsys, "explain", "titel-missing")
    assert code == 2 and "title-missing" in err


def test_rule_names_work_in_inline_suppressions_and_hidden_findings_are_counted():
    import gipcheck

    r = gipcheck.check_text("推进信息公开公开。 <!-- gipcheck: disable-line=repeated-word -->\n", select=["GIP602"])
    assert r.findings == [] and r.suppressed == 1
    r = gipcheck.check_text("推进信息公开公开。 <!-- gipcheck: disable-line=repeated-wrd -->\n", select=["GIP602", "GIP006"])
    assert sorted(f.rule for f in r.findings) == ["GIP006", "GIP602"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_subcommand_alone_parses_helps_and_errs_as_in_the_whole_parser(lang, capsys):
    """main() builds only the subcommand it runs (a cold start): its help, its parse and its
    errors must be those of the parser with every subcommand."""
    import argparse

    def sub_of(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return action.choices[name]

    whole = cli.build_parser(lang)
    try:
        for name in cli._SUBPARSERS:
            alone = cli.build_parser(lang, only=name)
            assert sub_of(alone, name).format_help() == sub_of(whole, name).format_help(), name
            assert list(sub_of(alone, name)._option_string_actions) == list(sub_of(whole, name)._option_string_actions)
        argv = ["check", str(SEED0), "--format", "json", "--select", "GIP1,GIP4", "-j", "2"]
        assert vars(cli.build_parser(lang, only="check").parse_args(argv)) == vars(whole.parse_args(argv))
        errors = []
        for parser in (whole, cli.build_parser(lang, only="check")):
            with pytest.raises(SystemExit):
                parser.parse_args(["check", str(SEED0), "--formt", "json"])
            errors.append(capsys.readouterr().err)
        assert errors[0] == errors[1] and "--format" in errors[0]
    finally:
        from gipcheck.i18n import restore

        restore()


def test_main_in_process_leaves_the_hosts_collector_alone(capsys):
    """Only the program's own entry (``cli.run``) freezes the import-time objects; ``main``
    called by a host program must not put the host's objects out of the collector's reach."""
    import gc

    before = gc.get_freeze_count()
    code, _, _ = main(capsys, "check", SEED0, "--format", "json")
    assert code in (0, 1) and gc.get_freeze_count() == before


def test_the_program_entry_gives_what_main_gives(tmp_path):
    """``python -m gipcheck`` (``cli.run``: gc.freeze, then main) prints what main prints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIPCHECK_")}
    env["GIPCHECK_CACHE_DIR"] = str(tmp_path)
    args = ["check", str(SEED0), "--format", "json", "--isolated"]
    entry = subprocess.run([sys.executable, "-m", "gipcheck", *args], capture_output=True, text=True, env=env,
                           timeout=300)
    direct = subprocess.run([sys.executable, "-c", "import sys, gipcheck.cli as c; sys.exit(c.main(sys.argv[1:]))",
                             *args], capture_output=True, text=True, env=env, timeout=300)
    assert entry.returncode == direct.returncode and entry.stderr == direct.stderr == ""
    assert json.loads(entry.stdout) == json.loads(direct.stdout) and json.loads(entry.stdout)["files"][0]["findings"]
