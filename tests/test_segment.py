"""The segmenter's repairs (titles over two lines, flattened headings, inline signatures) and
the one lexicon every stage shares. Real reports of each class: tests/test_real_structure.py."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

import gipcheck
from gipcheck import lexicon
from gipcheck.normalize import normalize
from gipcheck.parse import grammar_text
from gipcheck.profile import profile_for_year
from gipcheck.rules import PROFILES, load_rules
from gipcheck.segment import segment

BODY = "一、总体情况\n2019年，我县认真贯彻《条例》，主动公开政府信息120条。\n"


def _doc(text: str):
    return gipcheck.check_text(text)


def _title(text: str) -> str | None:
    return _doc(text).facts["title"]


@pytest.mark.parametrize("head", [
    "某县人民政府\n2019年政府信息公开工作年度报告\n",       # agency / year and name
    "某县人民政府2019年\n政府信息公开工作年度报告\n",       # split after the year
    "某县人民政府2019年政府信息\n公开工作年度报告\n",       # split inside the name
    "政府信息公开年报\n某县人民政府2019年政府信息公开工作年度报告\n",  # a column label above
])
def test_a_title_over_two_lines_is_one_title(head):
    result = _doc(head + BODY)
    assert result.facts["title"] == "某县人民政府2019年政府信息公开工作年度报告"
    assert "GIP101" not in [f.rule for f in result.findings]


def test_two_titles_are_not_joined():
    # the second line names an agency of its own: not half of the first
    text = "某县人民政府\n某县民政局2019年政府信息公开工作年度报告\n" + BODY
    assert _title(text) == "某县民政局2019年政府信息公开工作年度报告"


def test_a_column_label_alone_is_still_a_title():
    result = _doc("政府信息公开年报\n" + BODY)
    msgs = [f.message for f in result.findings if f.rule == "GIP101"]
    assert msgs and "没有标题" not in msgs[0] and "年度" in msgs[0]


def _flat(*parts: str) -> str:
    return "某县人民政府2019年政府信息公开工作年度报告\n" + "".join(parts) + "\n"


FILL = "我县认真贯彻落实《条例》，持续深化政务公开，不断拓展公开的广度和深度，" * 6


def test_a_sub_heading_straight_after_a_heading_is_split():
    text = _flat("一、总体情况", FILL, "。二、主动公开政府信息情况（一）主动公开信息数量", FILL, "。（二）主动公开的形式", FILL,
                 "。三、存在的主要问题及改进情况", FILL, "。")
    src = normalize(text)
    segment(src)
    assert src.line_cuts >= 4
    lines = [ln for ln in src.view.split("\n") if ln]
    assert "二、主动公开政府信息情况" in lines
    assert any(ln.startswith("(一)主动公开信息数量") for ln in lines)


def test_a_glued_marker_splits_only_with_the_expected_number():
    # 三、 glued to figures is the next section; the row labels 一、 二、 inside a table are not
    text = _flat("一、总体情况", FILL, "。二、主动公开政府信息情况", FILL, "规章000行政规范性文件693665",
                 "三、收到和处理政府信息公开申请情况申请人情况一、本年新收政府信息公开申请数量640020470",
                 "二、上年结转政府信息公开申请数量0000000", "四、结转下年度继续办理1000001 四、政府信息公开行政复议、行政诉讼情况",
                 FILL, "。")
    src = normalize(text)
    segment(src)
    starts = [ln[:2] for ln in src.view.split("\n") if re.match(r"^[一二三四五六]、", ln)]
    assert starts == ["一、", "二、", "三、", "四、"]
    assert "四、政府信息公开行政复议、行政诉讼情况" in src.view.split("\n")[-2][:20]


def test_an_inline_signature_before_an_attachment_is_found():
    text = ("一、总体情况\n2019年，我县认真贯彻《条例》。\n二、存在的主要问题及改进情况\n"
            "公开工作还有不足，下一步将推进公开常态化。 某县人民政府 2013年1月18日 附件1：某县2012年政府信息公开情况统计表 "
            "指标名称 计量单位 2012年度 历年累计 主动公开信息数 条 356 1208\n")
    result = _doc(text)
    assert result.facts["signature"] == {"agency": "某县人民政府", "date": "2013-01-18"}
    assert "GIP503" not in [f.rule for f in result.findings]


def test_a_signature_written_out_after_a_closing_table_is_found():
    text = ("一、总体情况\n2012年，我县认真贯彻《条例》。\n二、统计表\n指标名称 计量单位 2012年度 历年累计 主动公开信息数 条 356 1208 "
            "行政复议数 件 0 0 行政诉讼数 件 0 0 某县人民政府 二○一三年一月十八日\n")
    result = _doc(text)
    assert result.facts["signature"] == {"agency": "某县人民政府", "date": "2013-01-18"}


def test_a_date_inside_a_sentence_is_no_signature():
    text = "一、总体情况\n我县于2013年1月18日召开会议，部署政府信息公开工作，会后各单位认真落实。\n"
    src = normalize(text)
    view = src.view
    segment(src)
    assert src.view == view and src.line_cuts == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["一、总体情况", "（一）", "主动公开", "2019年", "。", " ", "附件1：", "某县人民政府",
                                 "2013年1月18日", "三、", "100", "\n"]), max_size=80))
def test_segmenting_keeps_every_character_and_position(parts):
    text = "".join(parts) * 3
    src = normalize(text)
    before = src.view
    segment(src)
    # only line breaks are added or taken (a title join), and every character maps back
    assert src.view.replace("\n", "").replace(" ", "") == before.replace("\n", "").replace(" ", "")
    assert len(src.to_orig) == len(src.view) + 1
    for i, ch in enumerate(src.view):
        if ch not in "\n ":
            assert src.original[src.to_orig[i]] in (ch, chr(ord(ch) + 0xFEE0)) or ch == src.view[i]


# -- one source of truth -----------------------------------------------------------------------

def test_the_grammar_takes_its_keys_and_markers_from_the_lexicon():
    grammar = grammar_text()
    assert "@" not in re.sub(r"//.*", "", grammar)
    meta = next(line for line in grammar.splitlines() if line.startswith("META"))
    for key in lexicon.FRONT_MATTER_KEYS:
        assert re.escape(key) in meta
    for i in range(1, 6):
        assert getattr(lexicon, f"H{i}_MARKER") in grammar


def test_a_front_matter_key_of_the_lexicon_is_front_matter():
    result = gipcheck.check_text("栏目: 政府信息公开年报\n标题: 某县2019年政府信息公开工作年度报告\n" + BODY)
    assert result.facts["title"] == "某县2019年政府信息公开工作年度报告"


def test_profile_years_come_from_the_rule_files():
    profiles = load_rules().profiles
    assert tuple(sorted(profiles)) == tuple(sorted(PROFILES))
    for pid, info in profiles.items():
        lo, hi = info.years
        assert profile_for_year(lo, profiles) == pid and profile_for_year(hi, profiles) == pid
    # a changed range changes the choice: nothing else decides
    moved = {pid: info.model_copy(update={"years": (2008, 2019) if pid == "gip-2008" else
                                          ((2020, 2020) if pid == "gip-2019" else info.years)})
             for pid, info in profiles.items()}
    assert profile_for_year(2019, moved) == "gip-2008"
    assert profile_for_year(2019, profiles) == "gip-2019"


def test_no_stage_keeps_its_own_copy():
    from pathlib import Path

    pkg = Path(gipcheck.__file__).parent
    parse_src = (pkg / "parse.py").read_text(encoding="utf-8")
    assert "from .read" not in parse_src and "normalize import _" not in parse_src
    assert "_Builder" not in (pkg / "segment.py").read_text(encoding="utf-8")
    for name in ("parse.py", "segment.py", "facts.py", "read/html.py", "checks/structure.py"):
        assert "信息公开工作年度报告|政务公开" not in (pkg / name).read_text(encoding="utf-8"), name


# -- page chrome ---------------------------------------------------------------------------------

def test_page_chrome_is_cut_and_counted_once_per_kind():
    text = ("打印本页 关闭窗口 【字体：大 中 小】 浏览次数：123\n<!--[if !supportLists]-->一、总体情况<!--[endif]-->\n"
            "2019年，我县认真贯彻《条例》。扫一扫在手机打开当前页\n<!--[if !supportLists]-->二、存在的问题<!--[endif]-->\n"
            "下一步将推进公开常态化。\n")
    result = gipcheck.check_text(text)
    residue = [f for f in result.findings if f.rule == "GIP003"]
    kinds = [f.message for f in residue]
    assert len(residue) == 3, kinds  # page chrome, view counter, Word comments
    word = next(m for m in kinds if "supportLists" in m)
    assert "共 4 处" in word
    heads = [f for f in result.findings if f.rule in ("GIP104", "GIP602", "GIP603")]
    assert not heads, heads


def test_a_column_label_in_the_page_does_not_hide_the_h1_title(tmp_path):
    page = ('<html><head><meta charset="utf-8"><title>某县人民政府2019年政府信息公开工作年度报告_某县人民政府</title></head>'
            '<body><h1 class="article-title">某县人民政府2019年政府信息公开工作年度报告</h1>'
            '<div id="zoom"><p>政府信息公开年报</p><p>一、总体情况</p><p>2019年，我县认真贯彻《条例》，主动公开政府信息120条。</p>'
            '</div></body></html>')
    path = tmp_path / "r.html"
    path.write_text(page, encoding="utf-8")
    result = gipcheck.check(path)
    assert result.facts["title"] == "某县人民政府2019年政府信息公开工作年度报告"
    assert "GIP101" not in [f.rule for f in result.findings]


@pytest.mark.parametrize("title, missing", [
    ("某县地方税务局2013年信息公开年度报告", ["工作"]),
    ("某街道办事处2020年政府信息公开工作报告", ["年度"]),
    ("山西省人民政府2009年度信息公开工作年度报告", []),
    ("某县2019年政务公开工作年度报告", []),
])
def test_a_title_missing_words_says_which(title, missing):
    msgs = [f.message for f in gipcheck.check_text(title + "\n" + BODY).findings if f.rule == "GIP101"]
    if not missing:
        assert not msgs
    else:
        assert len(msgs) == 1 and all(f"“{w}”" in msgs[0] for w in missing) and "没有标题" not in msgs[0]


@pytest.mark.parametrize("para, cuts", [
    ("(一)主动公开。" + FILL + "。(二)依申请公开。" + FILL, 1),          # siblings continue: split
    ("(一)主动公开。" + FILL + "。(三)依申请公开。" + FILL, 0),          # not the next number
    ("(一)主动公开。" + FILL + "(二)依申请公开。" + FILL, 0),            # not after a sentence end
    ("我县" + FILL + "。(一)主动公开。" + FILL + "。(二)依申请公开。", 0),  # a paragraph, not a heading line
])
def test_siblings_in_one_paragraph_split_only_when_they_continue(para, cuts):
    src = normalize("一、总体情况\n" + para + "\n")
    segment(src)
    assert src.line_cuts == cuts
