"""Real reports, by class of layout: titles over two lines, pages flattened to one line,
signatures inline, page chrome. Where each text came from: tests/fixtures/real/origins-structure.md.

Each case is what a clerk reading the text sees (the evidence is in the comment); the rules
named are the ones these layouts used to get wrong. Nothing here names a file in the code.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import gipcheck

REAL = Path(__file__).parent / "fixtures" / "real"


@lru_cache(maxsize=None)
def _check(name: str):
    return gipcheck.check(REAL / name)


def _rules(name: str) -> list[str]:
    return [f.rule for f in _check(name).findings]


# (file, rules that must fire, rules that must not fire, facts)
CASES = [
    # -- pages flattened to one line (crawled archive text) ---------------------------------
    # 一 … 六 all there, glued to the text before them ("…10203120001200000五、存在的…（一）存在的"),
    # intro declares 六个部分; chrome before and 附件下载 after
    ("004_2021_pingtanzonghe.txt", ["GIP003", "GIP503"], ["GIP101", "GIP102", "GIP104", "GIP106"],
     {"report_year": 2021, "title": "平潭综合实验区2021年度政府信息公开工作年度报告"}),
    # "…常规化、日常化。 二○一二年二月二十日 附件1：…统计表": dated, no agency line
    # (the page's "时间：2012-04-11" is chrome, not a date after the signature: no GIP505)
    ("050_2011_pingtanzonghe.txt", ["GIP003"], ["GIP101", "GIP104", "GIP503", "GIP505"],
     {"signature": {"agency": None, "date": "2012-02-20"}}),
    # "共五个部分组成" (概述, 主动公开, 依申请, 问题及改进, 统计表) but the body adds 二、重点领域: six
    ("052_2012_pingtanzonghe.txt", ["GIP003", "GIP106"], ["GIP101", "GIP104", "GIP503", "GIP505"],
     {"signature": {"agency": None, "date": "2013-01-20"}}),
    # "共六个部分" and 一 … 六 follow (六 is the 统计表, its figures run on in the same line)
    ("055_2014_pingtanzonghe.txt", ["GIP003", "GIP503"], ["GIP101", "GIP104", "GIP106"],
     {"report_year": 2014}),
    # 二、主动公开政府信息情况（一）主动公开政府信息的数量… — a sub-heading straight after a heading;
    # 五个部分 = 一 … 四 + 附件1 统计表
    ("pt_80754_2013_pingtanxian.txt", [], ["GIP101", "GIP104", "GIP106"],
     {"report_year": 2013, "title": "平潭县人民政府2013年政府信息公开工作年度报告"}),
    # 2019 format, six sections; 三、… and 四、… follow table figures with no space
    ("pt_80576_2019_pingtanzonghe.txt", [], ["GIP101", "GIP102", "GIP103", "GIP104", "GIP106"],
     {"report_year": 2019}),
    # chrome, then "二○一四年一月十日 平潭综合实验区政府信息公开情况统计表 …" inline
    ("pt_80759_2013_pingtanzonghe.txt", ["GIP003"], ["GIP101", "GIP104", "GIP106", "GIP503"],
     {"signature": {"agency": None, "date": "2014-01-10"}, "report_year": 2013}),
    # 七个部分; glued sub-headings "一、 概述2015年…（一）加强组织领导…", "六、主要问题和改进措施(一)存在问题"
    ("pt_80445_2015_pingtanzonghe.txt", [], ["GIP101", "GIP104", "GIP106"], {"report_year": 2015}),
    # "…常规化、日常化。 平潭县人民政府 2013年1月16日 附件1：…统计表 …" on the one line
    ("pt_80725_2012_pingtanxian.txt", [], ["GIP101", "GIP104", "GIP106", "GIP503"],
     {"signature": {"agency": "平潭县人民政府", "date": "2013-01-16"}, "report_year": 2012}),
    # -- page chrome in page text with its line breaks ----------------------------------------
    # "作者:本站原创 | 来源:本站原创 | 时间:2019-01-18 点击数:- 分享到:" under the title; signed at the end
    ("suixi_2018_jianxinzhen.txt", ["GIP003"], ["GIP101", "GIP104", "GIP503"],
     {"signature": {"agency": "遂溪县建新镇人民政府", "date": "2018-12-31"}, "report_year": 2018}),
    # -- titles ---------------------------------------------------------------------------------
    # 高平市人民政府办公室 / 2023年政府信息公开工作年度报告: one title over two lines
    ("gaoping_2023_title2lines.txt", [], ["GIP101"],
     {"title": "高平市人民政府办公室2023年政府信息公开工作年度报告", "report_year": 2023}),
    # no year in the title; the body opens "2020年度我街办未接到…"
    ("025_2020_tuofenglu.txt", [], [], {"report_year": 2020}),
    # -- numbering ------------------------------------------------------------------------------
    # "1.…", "2.2020年，街道…", "3.…": item 2 is there
    # (and "更新日期:2021-01-20 信息来源:双塔区政务公开办 浏览:" under the title is the page's, GIP003)
    ("lnst_2020_qianjin.txt", ["GIP003"], ["GIP101", "GIP104"], {"report_year": 2020}),
    # -- a PDF's text, as a PDF parser gave it --------------------------------------------------
    # "统计周期\n为 2024 年 1 月 1 日至 12 月 31 日": stated; 四、结转下年度 has figures and a blank 总计
    # (GIP403, and the balance is not checked on a blank); "（一）主要问题 （二）改进情况" close 三 before
    # "五、其他需要报告的事项": the item is there, its heading is not (GIP104 names the gap);
    # "科技计划资金资金分配" is a real repeated word
    ("shanghai_kewei_2024_pdf_converted.md", ["GIP403", "GIP104", "GIP602"], ["GIP102", "GIP201", "GIP405", "GIP404"],
     {"report_year": 2024}),
]


def _case_id(case) -> str:
    return case[0].rsplit(".", 1)[0]


@pytest.mark.parametrize("name, fire, silent, facts", CASES, ids=[_case_id(c) for c in CASES])
def test_real_report(name, fire, silent, facts):
    rules = _rules(name)
    for rid in fire:
        assert rid in rules, f"{rid} should fire on {name}"
    for rid in silent:
        assert rid not in rules, f"{rid} fires on {name}: {[f.message for f in _check(name).findings if f.rule == rid]}"
    got = _check(name).facts
    for key, want in facts.items():
        assert got[key] == want, (key, got[key])


def test_table_header_words_broken_into_lines_are_no_repeated_words():
    # "结果结果其他尚未", "总计总计": table 四's column headers a PDF read line by line
    kewei = [f.message for f in _check("shanghai_kewei_2024_pdf_converted.md").findings if f.rule == "GIP602"]
    assert len(kewei) == 1 and "资金资金" in kewei[0]  # the report's own slip is still found
    assert not [f for f in _check("shanghai_office_2025_pdf_converted.md").findings if f.rule == "GIP602"]


def test_a_renamed_block_row_is_called_renamed():
    found = [f.message for f in _check("shanghai_kewei_2024_pdf_converted.md").findings if f.rule == "GIP402"]
    assert found == ["表二（主动公开政府信息情况）中规定的标签“行政规范性文件”被改写为“规范性文件”"]


def test_an_incomplete_title_is_named_not_called_missing():
    # "东大街街道办事处2020年政府信息公开工作报告": a title without 年度, below the site's menu bar
    residue = [f.message for f in _check("htq_2020_dongdajie.txt").findings if f.rule == "GIP003"]
    assert len(residue) == 1 and "走进汉台" in residue[0]
    msgs = [f.message for f in _check("htq_2020_dongdajie.txt").findings if f.rule == "GIP101"]
    assert len(msgs) == 1
    assert "年度" in msgs[0] and "没有标题" not in msgs[0]
    assert _check("htq_2020_dongdajie.txt").facts["title"] == "东大街街道办事处2020年政府信息公开工作报告"


@pytest.mark.parametrize("name", ["004_2021_pingtanzonghe.txt", "050_2011_pingtanzonghe.txt",
                                  "pt_80759_2013_pingtanzonghe.txt"])
def test_page_chrome_is_one_finding_per_kind_and_feeds_nothing(name):
    result = _check(name)
    residue = [f for f in result.findings if f.rule == "GIP003"]
    texts = [f.message for f in residue]
    assert any("当前位置" in t for t in texts) and any("微信 微博 QQ空间" in t for t in texts)
    # 相关链接： --> and 附件下载: two pieces of one kind, one finding that counts them
    assert any("共 2 处" in t for t in texts), texts
    assert len(residue) == len(set(texts)) <= 4
    # the chrome is out of the text the rules see
    assert not [f for f in result.findings if f.rule in ("GIP602", "GIP603") and ("微博" in f.message or "-->" in f.message)]


def test_numbered_siblings_run_into_one_paragraph_are_headings():
    # "(一)主动公开2020年我处…144条。(二)依申请公开。…(三)政府信息管理。…" in one paragraph
    doc = gipcheck.parse(REAL / "htq_2020_dongdajie.txt")
    subs = [h.marker.strip() + h.title for h in doc.headings if h.level == 2]
    assert subs[:3] == ["(一)主动公开2020年我处主动公开政务信息主要包括机构职能、政策法规、规划计划、部门文件、业务工作、财务预决算及三公经费六大类",
                        "(二)依申请公开", "(三)政府信息管理"]
