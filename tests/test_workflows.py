"""Issue 6: configuration found upward (closest wins), suppressions (and unused ones), baseline,
`gipcheck test` and `gipcheck config`, through the real command line."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_001 = FIXTURES / "seeds" / "001_aa4571093e99987a.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gipcheck", *args], capture_output=True, text=True, cwd=cwd)


def rules_of(proc: subprocess.CompletedProcess[str], name: str | None = None) -> list[str]:
    data = json.loads(proc.stdout)
    files = data["files"] if name is None else [f for f in data["files"] if Path(f["path"]).name == name]
    return [f["rule"] for fr in files for f in fr["findings"]]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    shutil.copy(SEED_001, tmp_path / "a" / "top.txt")
    shutil.copy(SEED_001, tmp_path / "a" / "b" / "nested.txt")
    return tmp_path


def test_config_in_a_parent_folder_changes_what_a_nested_file_gets(tree: Path):
    before = rules_of(run("check", "--format", "json", str(tree / "a" / "b" / "nested.txt")))
    assert "GIP602" in before
    (tree / "a" / ".gipcheck.yaml").write_text("ignore: [GIP6]\nseverity: {GIP102: info}\n", encoding="utf-8")
    proc = run("check", "--format", "json", str(tree / "a" / "b" / "nested.txt"))
    data = json.loads(proc.stdout)
    got = [f["rule"] for f in data["files"][0]["findings"]]
    assert "GIP602" not in got and "GIP603" not in got
    assert {f["severity"] for f in data["files"][0]["findings"] if f["rule"] == "GIP102"} == {"info"}
    assert proc.returncode == 0  # GIP102 was the only error and is now info


def test_the_closest_config_wins(tree: Path):
    (tree / "a" / ".gipcheck.yaml").write_text("ignore: [GIP6]\n", encoding="utf-8")
    (tree / "a" / "b" / "pyproject.toml").write_text("[tool.gipcheck]\nignore = [\"GIP003\"]\n", encoding="utf-8")
    proc = run("check", "--format", "json", str(tree / "a"))
    assert "GIP602" not in rules_of(proc, "top.txt") and "GIP003" in rules_of(proc, "top.txt")
    assert "GIP602" in rules_of(proc, "nested.txt") and "GIP003" not in rules_of(proc, "nested.txt")
    # --isolated ignores both; --config uses one for all
    iso = run("check", "--format", "json", "--isolated", str(tree / "a"))
    assert "GIP602" in rules_of(iso, "top.txt") and "GIP003" in rules_of(iso, "nested.txt")


def test_per_file_ignores_use_globs_relative_to_the_config(tree: Path):
    (tree / ".gipcheck.yaml").write_text('per-file-ignores:\n  "a/b/*.txt": [GIP1]\n', encoding="utf-8")
    proc = run("check", "--format", "json", str(tree / "a"))
    assert not [r for r in rules_of(proc, "nested.txt") if r.startswith("GIP1")]
    assert [r for r in rules_of(proc, "top.txt") if r.startswith("GIP1")]


@pytest.mark.parametrize("content, line, what, what_zh", [
    ("ignroe: [GIP6]\n", 1, "unknown key 'ignroe'", "未知的配置项“ignroe”，是否想写“ignore”"),
    ("select: [GIP6]\nseverity: {GIP602: fatal}\n", 2, "severity.GIP602", "severity.GIP602：应为"),
    ("ignore: [XYZ]\n", 1, "unknown rule 'XYZ'", "未知的规则“XYZ”"),
    ("ignore: [GIP6, 'a b']\n", 1, "not a rule id", "不是规则编号"),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_configuration_is_one_line_with_file_and_line(tree: Path, content: str, line: int, what: str,
                                                          what_zh: str, lang: str):
    cfg = tree / "a" / ".gipcheck.yaml"
    cfg.write_text(content, encoding="utf-8")
    proc = run("check", str(tree / "a" / "top.txt"), "--lang", lang)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith(f"gipcheck: {cfg.resolve()}:{line}:")
    assert (what if lang == "en" else what_zh) in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().split("\n")) == 1


def test_bad_toml_config_names_the_line(tree: Path):
    (tree / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.gipcheck]\nfail-on = "sometimes"\n', encoding="utf-8")
    proc = run("check", str(tree / "a" / "top.txt"))
    assert proc.returncode == 2 and ":5: fail-on" in proc.stderr


def test_config_command_prints_the_effective_configuration(tree: Path):
    (tree / "a" / ".gipcheck.yaml").write_text("extend: ../base.yaml\nignore: [GIP105]\n", encoding="utf-8")
    (tree / "base.yaml").write_text("ignore: [GIP6]\nfail-on: warning\n", encoding="utf-8")
    proc = run("config", str(tree / "a" / "top.txt"))
    data = json.loads(proc.stdout)
    assert data["effective"]["ignore"] == ["GIP6", "GIP105"]
    assert data["effective"]["fail-on"] == "warning"


def test_suppressions_and_unused_ones(tmp_path: Path):
    text = SEED_001.read_text(encoding="utf-8")
    text = text.replace("降低要素成本信息公开公开", "降低要素成本信息公开公开 <!-- gipcheck: disable-line=GIP602 -->")
    text = "<!-- gipcheck: disable-file=GIP003 -->\n<!-- gipcheck: disable-next-line=GIP505 -->\n" + text
    f = tmp_path / "r.txt"
    f.write_text(text, encoding="utf-8")
    data = json.loads(run("check", "--format", "json", str(f)).stdout)["files"][0]
    got = [(x["rule"], x["line"]) for x in data["findings"]]
    assert "GIP602" not in [r for r, _ in got] and "GIP003" not in [r for r, _ in got]
    assert ("GIP006", 2) in got  # nothing to suppress on the next line: reported as unused
    assert data["suppressed"] >= 2


def test_range_suppression_and_enable(tmp_path: Path):
    f = tmp_path / "r.txt"
    f.write_text("<!-- gipcheck: disable=GIP603 -->\n事项,,进一步。\n<!-- gipcheck: enable=GIP603 -->\n事项,,进一步。\n",
                 encoding="utf-8")
    got = [(x["rule"], x["line"]) for x in json.loads(run("check", "--format", "json", str(f)).stdout)["files"][0]["findings"]]
    assert ("GIP603", 4) in got and ("GIP603", 2) not in got


def test_baseline_hides_old_findings_and_shows_a_new_one(tmp_path: Path):
    f = tmp_path / "r.txt"
    shutil.copy(SEED_001, f)
    base = tmp_path / "baseline.json"
    proc = run("check", str(f), "--write-baseline", str(base))
    assert proc.returncode == 0 and base.exists()
    again = run("check", "--format", "json", str(f), "--baseline", str(base))
    assert json.loads(again.stdout)["files"][0]["findings"] == [] and again.returncode == 0
    # edit above every finding (lines shift) and add one new problem
    f.write_text("\n\n" + SEED_001.read_text(encoding="utf-8").replace("一、概述", "一、概述\n新增的句子。。", 1), encoding="utf-8")
    after = json.loads(run("check", "--format", "json", str(f), "--baseline", str(base)).stdout)["files"][0]
    assert [x["rule"] for x in after["findings"]] == ["GIP603"]


def test_bad_baseline_is_a_usage_error(tmp_path: Path):
    base = tmp_path / "b.json"
    base.write_text("{not json", encoding="utf-8")
    proc = run("check", str(SEED_001), "--baseline", str(base))
    assert proc.returncode == 2 and "b.json:1:" in proc.stderr


def test_rule_test_command_runs_fixtures_and_examples(tmp_path: Path):
    ok = run("test", str(Path(__file__).parent / "rules"), "--examples", "--lang", "en")
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.strip().split("\n")[-1].endswith(" failed") and " 0 failed" in ok.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("<!-- ruleid: GIP602 -->\n这一行没有重复。\n<!-- ok: GIP603 -->\n事项,,进一步。\n", encoding="utf-8")
    proc = run("test", str(bad), "--lang", "en")
    assert proc.returncode == 1
    assert f"{bad}:2: GIP602 should fire here" in proc.stdout
    assert f"{bad}:4: GIP603 fires here but the line is marked ok" in proc.stdout
    assert proc.stdout.strip().split("\n")[-1] == "0 passed, 2 failed"


def test_a_province_rule_file_adds_a_required_item_as_data(tmp_path: Path):
    extra = tmp_path / "province.yaml"
    extra.write_text(
        "checks:\n"
        "  - rule: GIP102\n"
        "    check: section_present\n"
        "    profiles: [gip-2008]\n"
        "    params:\n"
        "      key: interpretation\n"
        "      label: 政策解读情况\n"
        "      label_en: policy interpretation\n"
        "      headings: ['政策解读']\n", encoding="utf-8")
    seed_000 = FIXTURES / "seeds" / "000_a421f33a1e233292.txt"
    proc = run("check", "--format", "json", "--rules", str(extra), str(seed_000))
    msgs = [x["message"] for x in json.loads(proc.stdout)["files"][0]["findings"] if x["rule"] == "GIP102"]
    assert msgs == []  # seed 000 has 开展政策解读工作落实情况
    proc = run("check", "--format", "json", "--rules", str(extra), str(SEED_001))
    msgs = [x["message"] for x in json.loads(proc.stdout)["files"][0]["findings"] if x["rule"] == "GIP102"]
    assert not any("政策解读" in m for m in msgs)  # seed 001 has （四）开展政策解读工作情况
    empty = tmp_path / "empty.txt"
    empty.write_text("某县民政局2017年政府信息公开工作年度报告\n一、概述\n", encoding="utf-8")
    proc = run("check", "--format", "json", "--profile", "gip-2008", "--rules", str(extra), str(empty))
    msgs = [x["message"] for x in json.loads(proc.stdout)["files"][0]["findings"] if x["rule"] == "GIP102"]
    assert any("政策解读" in m for m in msgs)


def test_pre_commit_manifest_is_valid_and_covers_drafts():
    clientlib = pytest.importorskip("pre_commit.clientlib")
    import re

    hooks = clientlib.load_manifest(str(Path(__file__).parent.parent / ".pre-commit-hooks.yaml"))
    hook = next(h for h in hooks if h["id"] == "gipcheck")
    assert hook["entry"] == "gipcheck check" and hook["language"] == "python"
    for name in ("年报.txt", "draft.MD", "报告.docx", "page.html", "scan.pdf"):
        assert re.search(hook["files"], name), name
    assert not re.search(hook["files"], "setup.py")
    deps = " ".join(hook["additional_dependencies"])
    assert "python-docx" in deps and "selectolax" in deps and "pypdfium2" in deps


def test_word_comment_suppresses_its_paragraph(tmp_path: Path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("某县民政局2017年政府信息公开工作年度报告")
    p = d.add_paragraph("推进减税、降费、降低要素成本信息公开公开。")
    d.add_comment(p.runs, text="gipcheck: disable=GIP602", author="审核人")
    d.add_paragraph("全面梳理事项,,进一步。")
    q = d.add_paragraph("一、概述")
    d.add_comment(q.runs, text="gipcheck: disable=GIP603", author="审核人")  # nothing to suppress there
    path = tmp_path / "draft.docx"
    d.save(str(path))
    data = json.loads(run("check", "--format", "json", str(path)).stdout)["files"][0]
    got = {(f["rule"], f["line"]) for f in data["findings"]}
    assert ("GIP602", 2) not in got and ("GIP603", 3) in got
    assert ("GIP006", 4) in got  # the unused one is reported at its paragraph
    assert data["suppressed"] == 1
    unused = next(f for f in data["findings"] if f["rule"] == "GIP006")
    assert unused["source"] == {"paragraph": 4}


def test_stdin_with_a_file_name_for_config_and_messages(tmp_path: Path):
    (tmp_path / ".gipcheck.yaml").write_text("ignore: [GIP6]\n", encoding="utf-8")
    data = SEED_001.read_text(encoding="utf-8").encode("gb18030")  # encoding detected as for a file
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "-", "--format", "json",
                           "--stdin-filename", str(tmp_path / "draft.txt")], input=data, capture_output=True)
    f = json.loads(proc.stdout)["files"][0]
    assert f["path"] == str(tmp_path / "draft.txt") and f["facts"]["report_year"] == 2017
    assert not [x for x in f["findings"] if x["rule"].startswith("GIP6")]  # the config next to the name applied
    bad = subprocess.run([sys.executable, "-m", "gipcheck", "check", "-", "--format", "json"], input=b"\xff\xfe\x00\xd8",
                         capture_output=True)
    assert json.loads(bad.stdout)["files"][0]["findings"][0]["rule"] == "GIP001"
