"""The tables stage (gipcheck/tables) and the generic table checks over what it reads.

* every check entry over a table (rule × check kind × table × profile) has a failing and a
  passing example, run against that entry alone — so a check stubbed to ``return []`` fails here;
* identities and rows are data: a rule file adds an identity or a local table and it fires;
* row identification survives extraction: a garbled label is placed by its position, and an
  identity with a part that cannot be identified is not checked (GIP408, never GIP404);
* the 2008 statistics table flattened onto one line is read, its 其中 sums checked.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gipcheck import api
from gipcheck.checks import Context
from gipcheck.engine import analyse, check_document
from gipcheck.read import Extracted
from gipcheck.tables import build

FIX = Path(__file__).parent / "fixtures"
RULESET = api.rules()

GOOD21 = next(e.pass_ for e in RULESET.rules["GIP404"].examples if e.pass_ and "申请人情况" in e.pass_)
GOOD08 = next(e.pass_ for e in RULESET.rules["GIP404"].examples if e.pass_ and "附表" in e.pass_)


def _to_2019(text: str) -> str:
    """The good 2021 example in the 2019 format: its table 二 labels and its single （六）其他处理 row."""
    t2 = ("第二十条第（一）项\n信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n规章 | 0 | 0 | 0\n规范性文件 | 2 | 2 | 5\n"
          "第二十条第（五）项\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n行政许可 | 3 | -1 | 3\n其他对外管理服务事项 | 0 | 0 | 0\n"
          "第二十条第（六）项\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n行政处罚 | 0 | 0 | 0\n行政强制 | 0 | 0 | 0\n"
          "第二十条第（八）项\n信息内容 | 上一年项目数量 | 本年增/减\n行政事业性收费 | 0 | 0\n"
          "第二十条第（九）项\n信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 0 | 0\n")
    text = re.sub(r"第二十条第（一）项\n.*?行政事业性收费 \| 0\n", lambda m: t2, text, flags=re.S)
    text = re.sub(r"（六）其他处理 \| 1\..*?\n2\..*?\n3\.其他 \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \| 0\n",
                  "（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n", text, flags=re.S)
    return text.replace("2023年", "2020年").replace("2024年", "2021年")


GOOD19 = _to_2019(GOOD21)
T4ROW = "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0"


def _flatten(block: str) -> str:
    """A table as a crawler flattens it: every cell run together on one line."""
    return re.sub(r"\s*\|\s*|\n", "", block) + "\n"


def _breakdown(good: str) -> tuple[str, str]:
    at = "我局" if "我局" in good else "我"
    return (good.replace(at, "共主动公开政府信息326条，其中政策文件8条、工作动态32条、其他信息300条。" + at, 1),
            good.replace(at, "共主动公开政府信息340条，其中政策文件8条、工作动态32条、其他信息300条。" + at, 1))

FLAT_T4 = ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计"
           "结果维持结果纠正其他结果尚未审结总计000000000000000\n")


def _cut(text: str, start: str, end: str, put: str = "") -> str:
    a, b = text.index(start), text.index(end)
    return text[:a] + put + text[b:]


def _unified(good: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(rule, check, table) → (failing text, passing text) for one unified profile."""
    t2_start, t3_start, t4_start = "第二十条第（一）项", "三、收到和处理", "四、政府信息公开行政复议"
    return {
        ("GIP401", "table_present", "t2"): (_cut(good, t2_start, t3_start), good),
        ("GIP401", "table_present", "t3"): (_cut(good, t3_start, t4_start), good),
        ("GIP401", "table_present", "t4"): (_cut(good, "行政复议 | 行政诉讼", "五、存在"), good),
        ("GIP402", "table_labels", "t2"): (good.replace("行政许可 | 3", "许可事项 | 3"), good),
        ("GIP402", "table_labels", "t3"): (good.replace("2.重复申请 |", "2.重复提交 |"), good),
        ("GIP403", "table_cells", "t2"): (good.replace("行政处罚 | 0", "行政处罚 | -2"), good),
        ("GIP403", "table_cells", "t3"): (good.replace("2.重复申请 | 0", "2.重复申请 | -1"), good),
        ("GIP403", "table_cells", "t4"): (good.replace(T4ROW, T4ROW[:-1] + "-1"), good),
        ("GIP404", "table_identities", "t3"): (good.replace("（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 4", "（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 5"), good),
        ("GIP404", "table_identities", "t4"): (good.replace(T4ROW, "1" + T4ROW[1:]), good),
        ("GIP405", "table_identities", "t3"): (good.replace("二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
                                                            "二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1"), good),
        ("GIP406", "unified_text_figures", "t3"): (good.replace("全面落实《条例》要求。", "全面落实《条例》要求，全年收到政府信息公开申请9件。"),
                                                   good.replace("全面落实《条例》要求。", "全面落实《条例》要求，全年收到政府信息公开申请4件。")),
        ("GIP407", "disposition_breakdown", ""): (
            good.replace("全面落实《条例》要求。", "全面落实《条例》要求。全年共办结政府信息公开申请4件，其中予以公开3件、部分公开0件、不予公开0件、无法提供1件、不予处理0件、其他处理1件。"),
            good.replace("全面落实《条例》要求。", "全面落实《条例》要求。全年共办结政府信息公开申请4件，其中予以公开3件、部分公开0件、不予公开0件、无法提供1件、不予处理0件、其他处理0件。")),
        ("GIP407", "text_breakdown", ""): _breakdown(good),
        ("GIP408", "table_unreadable", "t2"): (_cut(good, t2_start, t3_start, _flatten(good[good.index(t2_start):good.index(t3_start)])), good),
        ("GIP408", "table_unreadable", "t3"): (_cut(good, t3_start, t4_start, RULESET.rules["GIP408"].examples[0].fail), good),
        ("GIP408", "table_unreadable", "t4"): (_cut(good, "行政复议 | 行政诉讼", "五、存在", FLAT_T4), good),
    }


FLAT08 = ("附表：\n指标名称 计量单位 2017年度 历年累计 主动公开文件数 条 17 192 其中：1.政府网站公开数 条 17 192 "
          "2.政府公报公开数 条 0 0 受理政府信息公开申请总数 条 0 0 对申请的答复总数 条 0 0 其中：1.同意公开答复数 条 0 0 "
          "2.其他类型答复数 条 0 0 行政复议数 条 0 0 附件下载\n")
EXAMPLES = {
    "gip-2021": _unified(GOOD21),
    "gip-2019": _unified(GOOD19),
    "gip-2008": {
        ("GIP401", "table_present", "stats"): (_cut(GOOD08, "附表：", "某县民政局\n2018"), GOOD08),
        ("GIP408", "table_unreadable", "stats"): (
            _cut(GOOD08, "附表：", "某县民政局\n2018", "附表：\n指标名称 计量单位 2017年度 历年累计 主动公开文件数 条17192 其中：1.政府网站公开数 条17192 受理政府信息公开申请总数 条00\n"),
            GOOD08),
        ("GIP403", "table_cells", "stats"): (GOOD08.replace("受理政府信息公开申请总数 | 条 | 0", "受理政府信息公开申请总数 | 条 | 无"), GOOD08),
        ("GIP404", "table_identities", "stats"): (GOOD08.replace("其中：1.同意公开答复数 | 条 | 0 | 0", "其中：1.同意公开答复数 | 条 | 2 | 2"), GOOD08),
        ("GIP406", "text_table_2008", "stats"): (GOOD08.replace("主动公开政府信息17条", "主动公开政府信息19条"), GOOD08),
        ("GIP407", "text_breakdown", ""): _breakdown(GOOD08),
    },
}
TABLE_KINDS = {"table_present", "table_labels", "table_cells", "table_identities", "table_unreadable",
               "unified_text_figures", "text_table_2008", "disposition_breakdown", "text_breakdown"}


def _entries():
    for c in RULESET.checks:
        if c.entry.check not in TABLE_KINDS:
            continue
        for profile in c.entry.profiles or ["gip-2008", "gip-2019", "gip-2021"]:
            table = getattr(c.params, "table", "") if c.entry.check not in ("disposition_breakdown", "text_breakdown") else ""
            yield pytest.param(c, profile, table, id=f"{profile}-{c.entry.rule}-{c.entry.check}-{table or 'text'}")


def _hits(check, profile: str, text: str) -> list:
    doc, facts = analyse(Extracted(text=text), RULESET)
    facts.tables = build(doc, RULESET.tables_for(profile))
    return list(check.func(Context(doc, facts, profile, RULESET.vocabulary), check.params))


@pytest.mark.parametrize("check,profile,table", list(_entries()))
def test_every_table_check_entry_fails_and_passes(check, profile, table):
    key = (check.entry.rule, check.entry.check, table)
    assert key in EXAMPLES[profile], f"no failing/passing example for {key} in {profile}"
    fail, good = EXAMPLES[profile][key]
    assert _hits(check, profile, fail), f"{key} ({profile}) does not fire on its failing example"
    assert not _hits(check, profile, good), f"{key} ({profile}) fires on its passing example: {_hits(check, profile, good)}"


def test_good_examples_are_clean_of_table_findings():
    for profile, good in (("gip-2021", GOOD21), ("gip-2019", GOOD19), ("gip-2008", GOOD08)):
        _, _, _, _, findings = check_document(Extracted(text=good), RULESET, profile=profile)
        assert not [f for f in findings if f.rule.startswith("GIP40")], (profile, [(f.rule, f.message) for f in findings])


# -- identities and rows as data ------------------------------------------------------------------

PROVINCE = """
rules:
  - id: FJ401
    name: fj-carry-over-bound
    severity: warning
    summary: {zh: 结转下年度不应多于本年新收, en: "Carried over exceeds new requests"}
    message: {zh: "{what}", en: "{what}"}
    examples:
      - {profile: gip-2021, fail: "x", pass: "y"}
tables:
  - extends: t3
    profiles: [gip-2021]
    identities:
      - {expr: "carry_out <= new", group: fj}
  - id: fj_local
    profiles: [gip-2021]
    name: {zh: 福建省补充表（政务公开专栏）, en: the Fujian supplementary table}
    reader: rows
    min_rows: 2
    columns:
      - {key: web, label: 网站}
      - {key: app, label: 客户端}
      - {key: total, label: 合计, required: true}
    rows:
      - {key: policy, label: 政策文件}
      - {key: news, label: 工作动态}
      - {key: sum, label: 合计}
    identities:
      - {expr: "total = sum(web..app)"}
      - {expr: "sum = sum(policy..news)"}
checks:
  - {rule: FJ401, check: table_identities, profiles: [gip-2021], params: {table: t3, group: fj}}
  - {rule: GIP404, check: table_identities, profiles: [gip-2021], params: {table: fj_local}}
"""


def test_a_province_adds_an_identity_and_a_local_table_in_yaml(tmp_path):
    rules_file = tmp_path / "fj.yaml"
    rules_file.write_text(PROVINCE, encoding="utf-8")
    opts = api.Options(profile="gip-2021", extra_rules=(str(rules_file),))
    clean = api.check_extracted(Extracted(text=GOOD21), "<x>", opts)
    assert not [f for f in clean.findings if f.rule in ("FJ401", "GIP404")]
    over = GOOD21.replace("四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0", "四、结转下年度继续办理 | 5 | 0 | 0 | 0 | 0 | 0 | 5")
    fired = [f for f in api.check_extracted(Extracted(text=over), "<x>", opts).findings if f.rule == "FJ401"]
    assert fired and "结转下年度" in fired[0].message and "本年新收" in fired[0].message
    local = GOOD21.replace("六、其他需要报告的事项\n", "六、其他需要报告的事项\n栏目 | 网站 | 客户端 | 合计\n"
                           "政策文件 | 2 | 1 | 3\n工作动态 | 5 | 0 | 5\n合计 | 7 | 1 | 9\n")
    found = [f.message for f in api.check_extracted(Extracted(text=local), "<x>", opts).findings if f.rule == "GIP404"]
    assert any("合计" in m and "8" in m for m in found), found
    assert api.check_extracted(Extracted(text=local), "<x>", opts).facts["tables"]["fj_local"]["news"]["web"] == 5


def test_a_bad_identity_in_a_rule_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tables:\n  - extends: t3\n    profiles: [gip-2021]\n    identities:\n      - {expr: \"r7 = sum(r1..nope)\"}\n",
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "--rules", str(bad), str(FIX / "reports" / "2023_pingtan.txt")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "bad.yaml:" in proc.stderr and "nope" in proc.stderr and "Traceback" not in proc.stderr


# -- row identification ---------------------------------------------------------------------------

def _t3_rows(text: str, profile: str = "gip-2021"):
    doc, _ = analyse(Extracted(text=text), RULESET)
    return build(doc, RULESET.tables_for(profile)).get("t3")


def _findings(text: str, profile: str = "gip-2021"):
    return check_document(Extracted(text=text), RULESET, profile=profile)[4]


def test_a_garbled_label_is_placed_by_position():
    garbled = GOOD21.replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形） |", "本年度（计二其）他部情分形公）开 |")
    t3 = _t3_rows(garbled)
    assert t3.low_confidence == {"r2": "本年度(计二其)他部情分形公)开"}  # the view folds full-width forms and t3.value("r2", "total") == 0
    assert not [f for f in _findings(garbled) if f.rule in ("GIP402", "GIP404", "GIP408")]


def test_a_clean_label_that_differs_is_renamed_not_missing():
    renamed = GOOD21.replace("2.重复申请 |", "2.重复提交 |")
    msgs = [f.message for f in _findings(renamed) if f.rule == "GIP402"]
    assert msgs == ["表三（收到和处理政府信息公开申请情况）中规定的行“（五）不予处理 2.重复申请”被改写为“2.重复提交”"]
    gone = "\n".join(ln for ln in GOOD21.splitlines() if not ln.startswith("2.重复申请")) + "\n"
    assert [f.message for f in _findings(gone) if f.rule == "GIP402"] == \
        ["表三（收到和处理政府信息公开申请情况）中规定的行“（五）不予处理 2.重复申请”缺失"]


def test_an_unidentified_part_means_the_sum_is_not_checked():
    # two rows garbled between the same neighbours, one of them lost: which is which cannot be told
    lines = GOOD21.splitlines()
    out = []
    for ln in lines:
        if ln.startswith("2.重复申请"):
            continue
        if ln.startswith("3.要求提供公开出版物"):
            ln = "要求公提开供出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0".replace("要求公提开供出版物", "求提要公供开")
        out.append(ln)
    text = "\n".join(out).replace("（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 4", "（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 9") + "\n"
    found = _findings(text)
    rules = [f.rule for f in found]
    gip408 = [f.message for f in found if f.rule == "GIP408"]
    assert "GIP404" in rules  # the row total of （七）总计 (3+1 ≠ 9) still holds: it needs no row
    assert not [f for f in found if f.rule == "GIP404" and "列）" in f.message]  # r7 = sum(r1..): not checked
    assert len(gip408) == 1 and "求提要公供开" in gip408[0]
    assert "GIP402" not in rules  # the unplaced row may be either missing one: neither is evidence


@pytest.mark.parametrize("name", ["t3_merged_cell_interleaved.pdf", "t3_merged_cell_split_label.pdf"])
def test_pdf_with_a_merged_vertical_cell_in_table_three(name):
    pytest.importorskip("pypdfium2")
    result = api.check(FIX / "tables" / name, profile="gip-2021")
    rules = [f.rule for f in result.findings]
    assert "GIP404" not in rules and "GIP402" not in rules, [(f.rule, f.message) for f in result.findings]
    t3 = result.facts["tables"]["t3"]
    assert t3["r2"]["total"] == 9 and t3["r1"]["total"] == 71 and t3["carry_in"]["total"] == 5
    every = [t for t in RULESET.tables_for("gip-2021") if t.id == "t3"][0].row_keys()
    assert t3["r7"]["total"] == 84 and sorted(t3) == sorted(every)  # every prescribed row, none lost


# -- the 2008 statistics table flattened onto one line ------------------------------------------

def test_flat_statistics_line_is_read_and_its_parts_checked():
    good = _cut(GOOD08, "附表：", "某县民政局\n2018", FLAT08)
    result = api.check_extracted(Extracted(text=good), "<x>", api.Options(profile="gip-2008"))
    assert result.facts["tables"]["stats"]["主动公开文件数"] == {"2017年度": 17, "历年累计": 192}
    assert not [f for f in result.findings if f.rule in ("GIP401", "GIP404", "GIP406", "GIP408")]
    bad = good.replace("2.其他类型答复数 条 0 0", "2.其他类型答复数 条 3 0")
    found = [f for f in api.check_extracted(Extracted(text=bad), "<x>", api.Options(profile="gip-2008")).findings]
    # the part exceeds its total, the parts do not add up to it, and 历年累计 is below the year
    assert [f.rule for f in found if f.rule.startswith("GIP40")] == ["GIP404", "GIP404", "GIP404"]
    text = good.replace("主动公开政府信息17条", "主动公开政府信息19条")
    assert "GIP406" in [f.rule for f in api.check_extracted(Extracted(text=text), "<x>", api.Options(profile="gip-2008")).findings]


def test_digits_run_together_in_a_flat_line_are_unreadable_not_missing():
    text = _cut(GOOD08, "附表：", "某县民政局\n2018",
                "附表：\n指标名称 计量单位 2017年度 历年累计 主动公开文件数 条31284415 受理政府信息公开申请总数 条00\n")
    rules = [f.rule for f in api.check_extracted(Extracted(text=text), "<x>", api.Options(profile="gip-2008")).findings]
    assert "GIP408" in rules and "GIP401" not in rules


# -- real reports (tests/fixtures/real/README.md says where each came from) ---------------------

REAL = FIX / "real"


def _real(name: str):
    r = api.check(REAL / name)
    return r, [f.rule for f in r.findings]


@pytest.mark.parametrize("name,year_figures", [
    ("050_2011_pingtanzonghe.txt", {"2011年度": 425, "历年累计": 1516}),
    ("052_2012_pingtanzonghe.txt", {"2012年度": 739, "历年累计": 4359}),
    ("055_2014_pingtanzonghe.txt", {"2014年度": 2543, "历年累计": 78967}),
])
def test_real_flat_statistics_line_is_a_table(name, year_figures):
    r, rules = _real(name)
    assert r.profile == "gip-2008"
    assert "GIP401" not in rules and "GIP404" not in rules and "GIP408" not in rules
    stats = r.facts["tables"]["stats"]
    first = next(iter(stats.values()))
    assert first == year_figures and len(stats) >= 12
    # the same figures for the text checks, from the tables stage
    doc, _ = analyse(Extracted(text=(REAL / name).read_text(encoding="utf-8")), RULESET)
    pt = build(doc, RULESET.tables_for("gip-2008")).get("stats")
    assert pt.figures(pt.row_like("^主动公开")) == year_figures


def test_real_text_figures_against_the_flat_table():
    r, _ = _real("052_2012_pingtanzonghe.txt")
    assert [f.message for f in r.findings if f.rule == "GIP406"] == ["正文中的“主动公开信息数”为 1913，与表格中的相应数字（739、4359）都不一致"]
    for name in ("050_2011_pingtanzonghe.txt", "055_2014_pingtanzonghe.txt"):
        assert "GIP406" not in _real(name)[1], name


def test_real_unified_tables_with_digits_run_together_are_present():
    r, rules = _real("004_2021_pingtanzonghe.txt")
    assert "GIP401" not in rules
    assert sorted(f.message[:3] for f in r.findings if f.rule == "GIP408") == ["表三（", "表二（", "表四（"]


def test_real_statistics_line_with_digits_run_together_is_unreadable():
    _, rules = _real("2015_pingtanzonghe_stats_run_together.txt")
    assert "GIP408" in rules and "GIP401" not in rules


def test_a_bug_in_the_tables_stage_is_one_gip005_and_the_checks_still_run(monkeypatch):
    import gipcheck.engine as engine

    def boom(doc, defs):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(engine, "build_tables", boom)
    findings = check_document(Extracted(text=GOOD21.replace("0591-87654321", "87654321")), RULESET, profile="gip-2021")[4]
    gip005 = [f.message for f in findings if f.rule == "GIP005"]
    assert len(gip005) == 1 and "tables" in gip005[0] and "reader bug" in gip005[0]
    assert "GIP302" in [f.rule for f in findings]  # the other checks ran
    assert "GIP401" not in [f.rule for f in findings]  # nothing is known about the tables: not "missing"


def test_unified_tables_flattened_into_one_line_with_spaces_are_read():
    a, b = GOOD21.index("三、收到和处理"), GOOD21.index("五、存在")
    flat = GOOD21[:a] + re.sub(r"\s*\|\s*|\n", " ", GOOD21[a:b]) + "\n" + GOOD21[b:]
    result = api.check_extracted(Extracted(text=flat), "<x>", api.Options(profile="gip-2021"))
    assert not [f for f in result.findings if f.rule.startswith("GIP40")]
    assert result.facts["tables"]["t3"]["r4_1"]["total"] == 1 and result.facts["tables"]["t4"]["rev"]["total"] == 0
    wrong = flat.replace(" ".join(["0"] * 15), "1 " + " ".join(["0"] * 14))
    found = [f.message for f in api.check_extracted(Extracted(text=wrong), "<x>", api.Options(profile="gip-2021")).findings
             if f.rule == "GIP404"]
    assert found == ["“行政复议”的总计应为 1（1+0+0+0），实为 0"]
    t2 = GOOD21.index("第二十条第（一）项")
    flat2 = GOOD21[:t2] + re.sub(r"\s*\|\s*|\n", " ", GOOD21[t2:a]) + "\n" + GOOD21[a:]
    rules = [(f.rule, f.message) for f in api.check_extracted(Extracted(text=flat2), "<x>", api.Options(profile="gip-2021")).findings]
    assert ("GIP401", "缺少统计表：表二（主动公开政府信息情况）") not in rules
    assert any(r == "GIP408" and "压成了一行" in m for r, m in rules)


# -- table 三 in pieces: a PDF converted to Markdown (real: 沭阳县 2025) -------------------------

SHUYANG = FIX / "real" / "shuyang_2025_markdown_pieces.md"


def test_table_three_in_pieces_is_read_as_one_table():
    result = api.check(SHUYANG)
    rules = [f.rule for f in result.findings]
    assert "GIP402" not in rules and "GIP104" not in rules and "GIP404" not in rules, \
        [(f.rule, f.message) for f in result.findings]
    t3 = result.facts["tables"]["t3"]
    every = [t for t in RULESET.tables_for("gip-2021") if t.id == "t3"][0].row_keys()
    assert sorted(t3) == sorted(every)
    assert (t3["new"]["total"], t3["carry_in"]["total"], t3["r7"]["total"], t3["carry_out"]["total"]) == (713, 36, 718, 31)


def test_a_wrong_sum_in_a_piece_is_found():
    text = SHUYANG.read_text(encoding="utf-8").replace("| （七）总计 | 710 | 3 | 0 | 0 | 5 | 0 | 718 |",
                                                       "| （七）总计 | 710 | 3 | 0 | 0 | 5 | 0 | 719 |")
    found = api.check_extracted(Extracted(text=text), "<x>", api.Options()).findings
    assert "GIP404" in [f.rule for f in found]
    assert "GIP402" not in [f.rule for f in found]


def test_pieces_join_only_across_a_heading_not_across_a_paragraph():
    lines = SHUYANG.read_text(encoding="utf-8").split("\n")
    k = lines.index("### (四) 无法提供")
    paragraph = "这一段是正文，不是标题。" * 12  # more than a heading between two tables
    text = "\n".join(lines[:k] + [paragraph] + lines[k:])
    t3 = api.check_extracted(Extracted(text=text), "<x>", api.Options()).facts["tables"]["t3"]
    assert ("r4_1" in t3) != ("r3_1" in t3)  # the run is cut at the paragraph: one side is read, not both


# -- a real PDF's text, as a PDF parser gave it (上海市人民政府办公厅 2025) -----------------------

SHANGHAI25 = FIX / "real" / "shanghai_office_2025_pdf_converted.md"


def test_a_real_pdfs_garbled_table_three_is_read_whole_and_nothing_false_is_said():
    result = api.check(SHANGHAI25)
    rules = [f.rule for f in result.findings]
    for rule in ("GIP401", "GIP402", "GIP404", "GIP405", "GIP406"):
        assert rule not in rules, [(f.rule, f.message) for f in result.findings if f.rule == rule]
    t3 = result.facts["tables"]["t3"]
    every = [t for t in RULESET.tables_for("gip-2021") if t.id == "t3"][0].row_keys()
    assert sorted(t3) == sorted(every)
    # the figures the text states: 无法提供 564, 不予处理 80, 其他处理 319 — and the table's own sums
    assert sum(t3[k]["total"] for k in ("r4_1", "r4_2", "r4_3")) == 564
    assert sum(t3[k]["total"] for k in ("r5_1", "r5_2", "r5_3", "r5_4", "r5_5")) == 80
    assert sum(t3[k]["total"] for k in ("r6_1", "r6_2", "r6_3")) == 319
    assert t3["r2"]["total"] == 2  # its label left above the piece, placed by position
    # table 四 is there with its figures but its header broken into columns: not checked, not missing
    assert [f.rule for f in result.findings if f.rule == "GIP408"] == ["GIP408"]


def test_a_partial_group_is_never_summed_against_the_text():
    from gipcheck.checks.prescribed import _row_total
    from gipcheck.tables import build
    pt = build(api.parse(SHANGHAI25), RULESET.tables_for("gip-2021")).get("t3")  # the real table, read whole
    defined = [t for t in RULESET.tables_for("gip-2021") if t.id == "t3"][0].row_keys()
    assert _row_total(pt, "r4", defined) == 564
    del pt.rows["r4_1"]  # a group row that could not be read: 无法提供 is then not known
    assert _row_total(pt, "r4", defined) is None
    assert _row_total(pt, "r7", defined) == 1191


def test_a_label_piece_is_not_a_rename():
    from gipcheck.checks.tables import _is_garbled
    full = "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert _is_garbled("行政机关不再处理其政府信息公", full)
    assert not _is_garbled("申请人撤回申请", full)
