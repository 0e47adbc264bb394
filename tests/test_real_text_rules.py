"""Real reports for the text rules (GIP302, 406, 407, 502, 505, 602): each class of layout or
defect has a real file that shows it, and real files where the same words are right.

The files are in fixtures/real/; origins-text-rules.md says where each text came from. Synthetic texts below are for the edges of a class, never its truth.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import gipcheck

REAL = Path(__file__).parent / "fixtures" / "real"


def _findings(name: str, rule: str):
    res = gipcheck.check(REAL / name)
    return [f for f in res.findings if f.rule == rule]


def _text_findings(text: str, rule: str, **kw):
    return [f for f in gipcheck.check_text(text, **kw).findings if f.rule == rule]


MINE = ["004_2021_pingtanzonghe.txt", "021_2018_enyangminzheng.txt", "046_2020_pingtanzonghe.txt",
        "052_2012_pingtanzonghe.txt", "055_2014_pingtanzonghe.txt", "pingtan_2012_table_rows.txt",
        "pingtan_2014_table_rows.txt", "pingtan_2015_text_figures.txt", "pingtan_2017_text_figures.txt",
        "pingtan_county_2012_text_figures.txt", "pingtan_ds_2013_text_figures.txt",
        "contact_lishui_2017_opening.txt", "contact_taizhou_2017_opening.txt", "contact_nanping_2012_opening.txt"]


def test_every_real_fixture_says_where_it_came_from():
    origins = (REAL / "origins-text-rules.md").read_text(encoding="utf-8")
    for name in MINE:
        assert (REAL / name).exists(), name
        assert f"| {name} |" in origins, f"{name}: no origin line in origins-text-rules.md"


# ---------------------------------------------------------------- GIP407: totals and parts in prose

@pytest.mark.parametrize("name, total, parts_sum", [
    # "回应解读信息数175次,其中当面申请数89件、…12345热线申请数29件": a template sentence mixing 次 and 件
    ("021_2018_enyangminzheng.txt", 175, 176),
    # "共公布政府信息2602条(其中机构职能类信息82条，…其他应主动公开政府信息1053条)": parts in brackets
    ("046_2020_pingtanzonghe.txt", 2602, 2603),
    # "主动公开政府信息1913条。其中，…1397条，占73%。各乡镇…534条，占27%。": over two sentences
    ("052_2012_pingtanzonghe.txt", 1913, 1931),
    # total under 二(一)…数量 "2543条", its categories under 二(二)…类别 ending with 其他…946条 = 2641
    ("055_2014_pingtanzonghe.txt", 2543, 2641),
])
def test_breakdown_that_does_not_add_up(name, total, parts_sum):
    hits = _findings(name, "GIP407")
    assert [h for h in hits if f"共 {total}" in h.message and f"为 {parts_sum}" in h.message], \
        [h.message for h in hits]


@pytest.mark.parametrize("name", [
    # 2122 = 1509 + 613 (shares 71.11% + 28.89%); 348 = 19+224+20+84+1 ("共发布348条信息，其中…");
    # 467 = 54+43+322+5+8+30+5; the 二(二) categories with 其他 add up to 2122 of 二(一)
    "pingtan_2017_text_figures.txt",
    # 2949 = 2275 + 674, and the 二(二) categories with 其他 add up to 2949
    "pingtan_2015_text_figures.txt",
    # 3978 "总数" with 2026+46+1854 (a list that need not be complete); 21 = 18+3 ending at "；";
    # the 2026 categories of 二(二) with shares of 61.9%: partial, not summed
    "pingtan_county_2012_text_figures.txt",
    # "45条。其中，…32条；…13条" over ";"; "办结171件，办结率100%。其中…91件…7件…19件" belongs to 117
    "pingtan_ds_2013_text_figures.txt",
])
def test_breakdown_that_adds_up_or_may_be_partial_is_silent(name):
    assert not _findings(name, "GIP407")


def test_parts_with_a_comparison_or_channels_are_not_summed():
    comparison = "2017年共受理申请30件，其中当面申请10件，网上申请20件，比上年增加5件。\n"
    channels = "2017年共公开信息100条，其中政府网站公开100条，微信公众号发布60条。\n"
    assert not _text_findings(comparison, "GIP407")
    assert not _text_findings(channels, "GIP407")


def test_a_mixed_unit_part_list_needs_its_own_total():
    # the 件 parts belong to the 5件 of applications, not to the 3条 of information before 其中
    text = "2017年收到申请5件，涉及信息3条，其中当面申请2件、网上申请2件、信函申请1件。\n"
    assert not _text_findings(text, "GIP407")


# ---------------------------------------------------------------- GIP406: text figures vs the 统计表

def test_text_figure_that_the_statistics_table_contradicts():
    # "2012年主动公开政府信息1913条" vs the table's 主动公开信息数 739 (历年累计 4359)
    hits = _findings("pingtan_2012_table_rows.txt", "GIP406")
    assert len(hits) == 1 and "1913" in hits[0].message and "739" in hits[0].message, [h.message for h in hits]


def test_text_figures_that_are_parts_or_other_counts_are_not_compared():
    # 2543 matches; "共受理申请121510件" counts 行政审批 applications, "收到…信函申请1条" one channel
    assert not _findings("pingtan_2014_table_rows.txt", "GIP406")


# ---------------------------------------------------------------- GIP602 / GIP502: words

def test_repeated_word_on_a_real_page():
    hits = _findings("004_2021_pingtanzonghe.txt", "GIP602")
    assert [h.message for h in hits] == ["词语重复：“审核审核”"]


def test_real_pages_without_a_repetition_are_silent():
    for name in ("046_2020_pingtanzonghe.txt",  # 工作作出, 行政法规规章
                 "pingtan_2015_text_figures.txt",     # 适时适地公布各相关单位审计结果
                 "pingtan_ds_2013_text_figures.txt"):  # 一级抓一级, 一个窗口…一条龙…一次性
        assert not _findings(name, "GIP602"), name


@pytest.mark.parametrize("phrase", ["适时适地", "时时处处", "一步一步", "研究研究", "看一看", "信息公开公开栏", "十一十一",
                                    "一个一个", "讨论讨论"])
def test_reduplication_that_is_meant(phrase):
    assert not _text_findings(f"2017年我局{phrase}地推进各项工作。\n", "GIP602")


@pytest.mark.parametrize("phrase, doubled", [("推进信息公开公开。", "公开公开"), ("规范审核审核发布机制。", "审核审核"),
                                            ("加强加强组织领导。", "加强加强")])
def test_repetition_that_is_a_slip(phrase, doubled):
    assert [f.message for f in _text_findings(f"2017年，{phrase}\n", "GIP602")] == [f"词语重复：“{doubled}”"]


def test_the_word_nian_du_is_not_a_blanked_year():
    assert not _text_findings("一、概述\n年度报告通过政府网站发布。\n", "GIP502")
    assert _text_findings("一、概述\n年度,县政府信息公开工作取得进展。\n", "GIP502")


# ---------------------------------------------------------------- GIP505 / GIP504: dates

REPORT = "某县民政局2017年政府信息公开工作年度报告\n一、概述\n2017年，我局认真贯彻《条例》。\n某县民政局\n{date}\n"


def test_impossible_signature_date():
    hits = _text_findings(REPORT.format(date="2018年2月30日"), "GIP505")
    assert len(hits) == 1 and "2018年2月30日" in hits[0].message and "不存在" in hits[0].message
    assert not _text_findings(REPORT.format(date="2018年2月30日"), "GIP503")  # the signature is there


def test_signature_after_the_pages_publication_date():
    text = "发布日期：2018-01-20\n" + REPORT.format(date="2018年1月25日")
    hits = _text_findings(text, "GIP505")
    assert len(hits) == 1 and "2018-01-20" in hits[0].message and hits[0].severity == "warning"
    assert not _text_findings("发布日期：2018-01-25\n" + REPORT.format(date="2018年1月25日"), "GIP505")


def test_deadline_names_the_date_it_judged():
    text = "发布时间: 2018-04-20\n" + REPORT.format(date="二〇一八年一月十五日")
    hits = _text_findings(text, "GIP504")
    assert len(hits) == 1 and "发布时间" in hits[0].message and "2018-04-20" in hits[0].message


def test_real_pages_have_no_impossible_dates():
    for name in MINE:
        assert not _findings(name, "GIP505"), name


# ---------------------------------------------------------------- GIP302: phones

CONTACT = "2017年某县民政局政府信息公开工作年度报告\n如有疑问，请联系我局办公室（地址：某县人民路1号；电话：{phone}）。\n"


@pytest.mark.parametrize("phone", ["0591-23165", "0591-231654"])
def test_area_code_with_too_few_digits(phone):
    hits = _text_findings(CONTACT.format(phone=phone), "GIP302")
    assert len(hits) == 1 and phone in hits[0].message and "不是有效的号码" in hits[0].message


@pytest.mark.parametrize("phone", ["12345", "0591-12345", "12315", "0591-96871", "95598", "0591-23165678"])
def test_public_service_numbers_are_valid(phone):
    assert not _text_findings(CONTACT.format(phone=phone), "GIP302")


def test_real_page_with_a_full_number_is_silent():
    # "0591-23165370": eight digits after the area code (its first five are the short form of the class)
    assert not _findings("046_2020_pingtanzonghe.txt", "GIP302")


def test_a_figure_before_qizhong_after_another_count_is_not_taken_for_the_whole():
    # 其中 may refer to 12 + 20 here: not compared; with 共 the total is stated, and compared
    text = "2017年办理人大代表建议12件、政协委员提案20件，其中已办结30件，正在办理2件。\n"
    assert not _text_findings(text, "GIP407")
    stated = "2017年共办理建议和提案20件，其中已办结30件，正在办理2件。\n"
    assert _text_findings(stated, "GIP407")


@pytest.mark.parametrize("name, phone, odd", [
    ("contact_lishui_2017_opening.txt", "0578-2090823", True),    # "电话:0578—2090823": the dash is odd
    ("contact_taizhou_2017_opening.txt", "0523-86839755", False),
    ("contact_nanping_2012_opening.txt", "0599-8830330", False),
])
def test_real_contact_lines(name, phone, odd):
    res = gipcheck.check(REAL / name)
    assert res.facts["contact"]["phones"] == [phone]
    hits = [f for f in res.findings if f.rule == "GIP302"]
    assert len(hits) == (1 if odd else 0) and (not odd or "分隔符" in hits[0].message)


def test_spaced_out_contact_labels_of_a_flattened_page():
    # "联系地址：…7楼邮 编：350400电 话：0591-23162606传 真：…": the labels are centred with a space
    contact = gipcheck.check(REAL / "pingtan_2017_text_figures.txt").facts["contact"]
    assert contact["phones"] == ["0591-23162606"]
    assert contact["postcode"] == "350400"
    assert contact["address"] == "平潭综合实验区北厝镇金井湾片区管委会大楼东附属楼7楼"


def test_approximate_counts_are_not_summed_exactly():
    approximate_part = "2017年共发布信息500条，其中动态信息200条，通知公告100多条，其他信息150条。\n"
    approximate_total = "2017年发布信息约500条，其中动态信息400条，其他信息150条。\n"
    assert not _text_findings(approximate_part, "GIP407")
    assert not _text_findings(approximate_total, "GIP407")


def test_a_list_mixing_units_is_not_complete():
    text = "2017年共发布信息500条，其中规范性文件200件，动态信息150条，其他信息150条。\n"
    assert not _text_findings(text, "GIP407")


def test_deadline_names_the_date_it_judged_in_english_too():
    text = "发布时间: 2018-04-20\n" + REPORT.format(date="二〇一八年一月十五日")
    hits = _text_findings(text, "GIP504", lang="en")
    assert len(hits) == 1 and "publication date (2018-04-20)" in hits[0].message


@pytest.mark.parametrize("name, signed", [
    ("052_2012_pingtanzonghe.txt", "2013-01-20"),            # 二○一三年一月二十日, page 发布时间 2013-02-25
    ("pingtan_county_2012_text_figures.txt", "2013-01-16"),  # inline signature, page 发布时间 2013-01-17
])
def test_a_signature_before_the_pages_publication_date_is_silent(name, signed):
    res = gipcheck.check(REAL / name)
    assert res.facts["signature"]["date"] == signed
    assert not [f for f in res.findings if f.rule == "GIP505"]
