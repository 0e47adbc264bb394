"""Layouts real reports arrive in that the seeds do not show: Markdown exports (## headings,
|---| separator rows), table 四 as a bare row of figures, titles split over lines."""
from __future__ import annotations

import collections
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

import gipcheck
from gipcheck.api import rules

MARKDOWN_2021 = """宿迁市 2025 年政府信息公开工作年度报告
本报告所列数据的统计期限为2025年1月1日至2025年12月31日。如有疑问请联系市政府办公室（地址：宿迁市人民路1号；邮编：223800；电话：0527-84367890）。
## 一、总体情况
2025 年，我市持续推进政务公开工作。
## 二、主动公开政府信息情况
## 表二：主动公开政府信息情况
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
|---|---|---|---|
| 规章 | 3 | 0 | 15 |
| 行政规范性文件 | 61 | 59 | 422 |
## 三、收到和处理政府信息公开申请情况
| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |
|---|---|
| 一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 三、本年度办理结果 | （一）予以公开 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| （七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
## 四、政府信息公开行政复议、行政诉讼情况
行政复议行政诉讼
| 119 | 25 | 91 | 24 | 259 | 7 | 0 | 15 | 6 | 28 | 21 | 1 | 7 | 9 | 38 |
## 五、存在的主要问题及改进情况
一是政务公开数智化转型有待进一步加强。
## 六、其他需要报告的事项
2025 年有 1 件政府信息公开申请案件收取信息处理费 380 元。
宿迁市人民政府办公室
2026年1月20日
"""


def rules_fired(text: str) -> list[str]:
    return [f.rule for f in gipcheck.check_text(text).findings]


def test_markdown_export_reads_like_plain_text():
    res = gipcheck.check_text(MARKDOWN_2021)
    got = [f.rule for f in res.findings]
    assert res.profile == "gip-2021" and res.facts["title"] == "宿迁市2025年政府信息公开工作年度报告"
    for rid in ("GIP102", "GIP103", "GIP104", "GIP201", "GIP401", "GIP403", "GIP404", "GIP405", "GIP503"):
        assert rid not in got, (rid, [(f.rule, f.line, f.message) for f in res.findings])
    # the separator rows are not data: no '---' cell is reported
    assert not [f for f in res.findings if "---" in f.message]


def test_bare_table_four_row_is_checked():
    bad = MARKDOWN_2021.replace("| 119 | 25 | 91 | 24 | 259 |", "| 119 | 25 | 91 | 24 | 260 |")
    res = gipcheck.check_text(bad)
    msgs = [f.message for f in res.findings if f.rule == "GIP404"]
    assert len(msgs) == 1 and "259" in msgs[0] and "260" in msgs[0]


def test_title_split_over_two_lines_after_a_label():
    text = "正文\n2025 年上海市黄浦区人民政府打浦桥街道政府信息\n公开工作年度报告\n一、总体情况\n"
    res = gipcheck.check_text(text)
    assert res.facts["title"] == "2025年上海市黄浦区人民政府打浦桥街道政府信息公开工作年度报告"
    assert "GIP101" not in [f.rule for f in res.findings]


@pytest.mark.parametrize("profile", ["gip-2008", "gip-2019", "gip-2021"])
def test_no_check_runs_twice_in_a_profile(profile):
    counts = collections.Counter((c.entry.rule, c.entry.check, repr(c.entry.params)) for c in rules().checks_for(profile))
    assert [k for k, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("path", sorted((Path(__file__).parent / "fixtures").glob("*/*.txt")), ids=lambda p: p.name)
def test_no_finding_is_reported_twice(path):
    res = gipcheck.check(path)
    keys = [(f.rule, f.line, f.column, f.message) for f in res.findings]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("sentence, start, end", [
    ("本报告中所列数据的统计期限自2014年1月1日始至2014年12月31日止。", "2014-01-01", "2014-12-31"),
    ("本报告中所列数据统计期限为2011年度。", "2011-01-01", "2011-12-31"),
    ("统计时间为2011年1月1日－2011年12月31日。", "2011-01-01", "2011-12-31"),
    ("本年度报告中所列数据统计期限从2019年1月1日到12月31日止。", "2019-01-01", "2019-12-31"),
    ("本报告所列数据的统计期限为2024年1月1日至2024年12月31日。", "2024-01-01", "2024-12-31"),
    ("本报告内容涵盖2016年1月1日至12月31日期间的政府信息公开工作。", "2016-01-01", "2016-12-31"),
    ("本报告中所列数据的统计期限自2017 年 1 月 1 日起至 2017 年 12 月 31 日止。", "2017-01-01", "2017-12-31"),
    ("本报告中所列数据的统计期限自二〇一七年一月一日起至二〇一七年十二月三十一日止。", "2017-01-01", "2017-12-31"),
])
def test_statistics_period_phrasings(sentence, start, end):
    res = gipcheck.check_text(sentence + "\n")
    assert res.facts["statistics_period"] == {"start": start, "end": end}
    assert "GIP201" not in [f.rule for f in res.findings]


def test_a_period_with_only_an_end_date_is_not_a_guessed_start():
    res = gipcheck.check_text("本报告所列数据统计截至2017年12月31日。\n")
    assert res.facts["statistics_period"] == {"start": None, "end": "2017-12-31"}


def test_phone_list_shares_the_area_code():
    res = gipcheck.check_text("如有疑问请联系（地址：某县人民路1号；电话：0591-87654321、87654322）。\n")
    assert res.facts["contact"]["phones"] == ["0591-87654321", "0591-87654322"]
    assert "GIP302" not in [f.rule for f in res.findings]


def test_odd_separator_and_missing_area_code_are_info_only():
    res = gipcheck.check_text("如有疑问请联系（地址：某县人民路1号；电话：0598—8328341；咨询电话30771798）。\n")
    found = [f for f in res.findings if f.rule == "GIP302"]
    assert len(found) == 2 and {f.severity for f in found} == {"info"}


def test_title_of_a_notice_wrapping_the_report():
    res = gipcheck.check_text("关于印发某县民政局2017年政府信息公开工作年度报告的通知\n一、概述\n")
    assert res.facts["agency"] == "某县民政局" and res.facts["report_year"] == 2017
    assert "GIP101" not in [f.rule for f in res.findings]


def test_a_sub_units_figure_in_a_combined_report_is_not_compared_with_the_total():
    base = (FIXTURES / "reports" / "2023_pingtan.txt").read_text(encoding="utf-8")
    text = base.replace("办结依申请公开81件", "办结依申请公开81件。其中，区教育局收到政府信息公开申请12件、办结12件", 1)
    assert "GIP406" not in [f.rule for f in gipcheck.check_text(text).findings]
    wrong = base.replace("不予公开5件", "不予公开6件", 1)  # a category figure inside 其中: still compared
    assert [f.message for f in gipcheck.check_text(wrong).findings if f.rule == "GIP406"]


def test_a_missing_prescribed_section_points_where_it_belongs():
    text = (FIXTURES / "reports" / "2023_pingtan.txt").read_text(encoding="utf-8")
    text = text.replace("三、收到和处理政府信息公开申请情况\n", "", 1)
    lines = text.split("\n")
    found = [f for f in gipcheck.check_text(text).findings if f.rule == "GIP102"]
    assert len(found) == 1 and lines[found[0].line - 1].startswith("四、政府信息公开行政复议")


def test_profile_from_the_sections_when_no_year_is_found():
    unified = ("一、总体情况\n本单位认真落实。\n二、主动公开政府信息情况\n无。\n三、收到和处理政府信息公开申请情况\n无。\n"
               "四、政府信息公开行政复议、行政诉讼情况\n无。\n")
    res = gipcheck.check_text(unified)
    assert res.profile == "gip-2021" and "sections" in res.profile_evidence[0]
    era_2008 = ("一、概述\n无。\n二、主动公开政府信息情况\n无。\n三、依申请公开政府信息情况\n无。\n"
                "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n无。\n五、其他需要报告的事项\n无。\n")
    assert gipcheck.check_text(era_2008).profile == "gip-2008"
