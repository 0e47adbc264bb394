"""Segmenting and parsing: headings, the section tree, title, tables, signature, front matter."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import gipcheck
from gipcheck.parse import lex_lines

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED0 = SEEDS / "000_a421f33a1e233292.txt"
SEED1 = SEEDS / "001_aa4571093e99987a.txt"
SEED2 = SEEDS / "002_871b05a060ee8a47.txt"
SEED3 = SEEDS / "003_4c2f8b4fce2606f9.txt"


def kinds(text: str) -> list[str]:
    """Line kinds of the normalized text (the grammar types lines of the view)."""
    return [ln.kind for ln in gipcheck.parse(text).lines]


def test_lex_lines_on_a_view():
    assert [ln.kind for ln in lex_lines("一、概述\n(一)甲\n索引号: 1\na | b\n正文\n")] == \
        ["h1", "h2", "meta", "row", "para"]


def where(doc, span) -> tuple[int, int]:
    line, col, _, _ = doc.locate(span)
    return line, col


# -- headings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("line,level,number", [
    ("一、概述", 1, 1), ("十二、其他", 1, 12), ("三.问题", 1, 3), ("第二部分 主动公开", 1, 2),
    ("（一）全角括号", 2, 1), ("(二)半角括号", 2, 2), ("（ 三 ）有空格", 2, 3),
    ("1.半角点", 3, 1), ("2、顿号", 3, 2), ("１．全角数字和点", 3, 1), ("12.两位", 3, 12), ("3．全角点", 3, 3),
    ("（1）全角括号", 4, 1), ("(2)半角括号", 4, 2), ("（１２）全角数字", 4, 12),
    ("①圆圈", 5, 1), ("⑩十", 5, 10), ("  二、缩进", 1, 2), ("\t（四）制表符", 2, 4),
])
def test_heading_levels_both_widths(line, level, number):
    doc = gipcheck.parse(line + "\n正文。\n")
    assert len(doc.headings) == 1, [ln.kind for ln in doc.lines]
    h = doc.headings[0]
    assert (h.level, h.number) == (level, number)
    assert where(doc, h.marker_span) == (1, len(line) - len(line.lstrip()) + 1)


def test_marker_style_keeps_the_width_as_written():
    doc = gipcheck.parse("一、甲\n（一）乙\n(二)丙\n1.丁\n2、戊\n")
    assert [h.style for h in doc.headings] == ["一、", "（一）", "(一)", "1.", "1、"]
    assert [h.marker for h in doc.headings] == ["一、", "（一）", "(二)", "1.", "2、"]


@pytest.mark.parametrize("line", [
    "1.5亿元用于建设", "1.5亿元", "2.0版本", "3.14", "1..2", "2017年1月1日", "12345", "一是加强领导", "十分重视",
    "（一是）", "第一季度", "1.2.3 小节",
])
def test_not_headings(line):
    assert kinds(line) in (["para"], ["row"]), kinds(line)


def test_other_line_kinds():
    assert kinds("索引号: 113308") == ["meta"]
    assert kinds("发布机构：市民政局") == ["meta"]
    assert kinds("元民〔2018〕 2 号") == ["docnum"]
    assert kinds("a | b | c") == ["row"]
    assert kinds("\n\n正文\n") == ["para"]


def test_headings_with_body_on_the_same_line():
    doc = gipcheck.parse("（一）领导机制进一步加强。我县政府成立了领导小组。\n")
    h = doc.headings[0]
    assert h.title == "领导机制进一步加强" and h.text.startswith("领导机制进一步加强。我县")


# -- the section tree -----------------------------------------------------------------------------

def test_section_tree_from_a_skipped_level():
    doc = gipcheck.parse("标题\n一、概述\n1.直接到第三级\n（1）第四级\n二、主动公开\n①直接到第五级\n（一）回到第二级\n三、其他\n")
    top = doc.sections
    assert [s.heading.title for s in top] == ["概述", "主动公开", "其他"]
    assert [c.heading.level for c in top[0].children] == [3]
    assert [c.heading.level for c in top[0].children[0].children] == [4]
    assert [c.heading.level for c in top[1].children] == [5, 2]  # ② closes ①: siblings under 二、
    assert top[1].children[0].parent is top[1]
    assert top[0].end == top[1].heading.span.start
    assert top[-1].end == doc.body_end


def test_section_tree_when_the_first_heading_is_not_level_1():
    doc = gipcheck.parse("（一）先出现二级\n正文\n一、概述\n正文二\n")
    assert [s.heading.level for s in doc.sections] == [2, 1]
    assert doc.sections[0].paragraphs[0].text == "正文"


def test_skipped_top_level_is_a_finding_not_a_parse_error():
    result = gipcheck.check_text("某县民政局2017年政府信息公开工作年度报告\n二、主动公开\n三、依申请公开\n")
    assert "GIP104" in [f.rule for f in result.findings]


def test_seed_002_tree():
    doc = gipcheck.parse(SEED2)
    assert [s.heading.marker for s in doc.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    first = doc.sections[0]
    assert [c.heading.marker for c in first.children] == ["（一）", "（二）", "（三）", "（四）"]
    assert first.children[1].children[0].children[0].heading.marker == "（1）"


def test_flattened_body_is_split_at_inline_headings():
    doc = gipcheck.parse(SEED3)
    assert len(doc.source.original.split("\n")) <= 3  # the whole body is on one line
    assert len([h for h in doc.headings if h.level == 1]) >= 4
    line, col = where(doc, doc.headings[0].span)
    assert line == 2 and col > 1  # positions are still in the original long line


# -- title ---------------------------------------------------------------------------------------

def test_title_joined_over_two_lines():
    doc = gipcheck.parse(SEED2)
    assert doc.title.text == "三元区民政局2017年政府信息公开工作年度报告"
    line, col, end_line, end_col = doc.locate(doc.title.span)
    assert (line, col, end_line) == (11, 1, 12)
    assert gipcheck.check(SEED2).facts["title"] == doc.title.text


def test_title_joined_synthetic():
    doc = gipcheck.parse("某市财政局2018年政府信息\n  公开工作年度报告\n一、概述\n")
    assert doc.title.text == "某市财政局2018年政府信息公开工作年度报告"


def test_no_title_when_none_is_given():
    assert gipcheck.parse(SEED0).title is None


# -- tables --------------------------------------------------------------------------------------

def test_pipe_table_trailing_pipes_on_every_row_are_trimmed():
    doc = gipcheck.parse("一、附表\n| 指标 | 单位 | 数 |\n| 公开数 | 条 | 17 |\n| 申请数 | 条 | 0 |\n")
    [t] = doc.tables
    assert t.layout == "pipe"
    assert [r.texts() for r in t.rows] == [["指标", "单位", "数"], ["公开数", "条", "17"], ["申请数", "条", "0"]]
    assert t.rows[1].cells[2].value == 17
    assert where(doc, t.rows[1].cells[2].span) == (3, 13)


def test_pipe_table_trailing_pipe_on_some_rows_is_a_blank_cell():
    doc = gipcheck.parse("指标 | 单位 | 数\n公开数 | 条 | 17 |\n申请数 | 条 | 0\n")
    [t] = doc.tables
    assert [r.texts() for r in t.rows] == [["指标", "单位", "数"], ["公开数", "条", "17", ""], ["申请数", "条", "0"]]
    assert t.rows[1].cells[3].blank


def test_pipe_table_in_a_section():
    doc = gipcheck.parse("一、概述\n正文\n二、附表\n指标 | 数\n公开数 | 17\n")
    [t] = doc.tables
    assert t.section is doc.sections[1] and doc.sections[1].tables == [t]
    assert t.caption == "二、附表"


def test_one_cell_per_line_pipe_table_regrouped():
    doc = gipcheck.parse(SEED1)
    t = next(t for t in doc.tables if t.layout == "cell-per-line")
    assert t.rows[0].texts() == ["指标名称", "单位", "2017", "历年累计"]
    assert t.rows[1].texts() == ["主动公开文件数", "条", "19", "39"]
    assert all(len(r.cells) == 4 for r in t.rows)


def test_tab_indented_table_regrouped():
    doc = gipcheck.parse(SEED2)
    t = next(t for t in doc.tables if t.layout == "cell-per-line")
    assert t.rows[1].texts() == ["主动公开文件数", "条", "17", "192"]
    assert len(t.rows) >= 10
    assert where(doc, t.rows[1].cells[2].span)[1] == 2  # the cell text, after the tab


def test_tab_indented_synthetic():
    text = "一、附表\n\n\t指标\n\t单位\n\t数\n\n\t公开数\n\t条\n\t17\n\n\t申请数\n\t条\n\t0\n"
    [t] = gipcheck.parse(text).tables
    assert [r.texts() for r in t.rows] == [["指标", "单位", "数"], ["公开数", "条", "17"], ["申请数", "条", "0"]]


def test_aligned_columns_table():
    text = "一、附表\n指标名称    单位    数量\n主动公开数    条    17\n申请数    条    0\n"
    [t] = gipcheck.parse(text).tables
    assert t.layout == "columns"
    assert t.rows[1].texts() == ["主动公开数", "条", "17"]


# -- signature and front matter ------------------------------------------------------------------

def test_signature_with_chinese_numeral_date():
    doc = gipcheck.parse("一、概述\n正文。\n\n某县人民政府办公室\n二○一二年二月二十日\n")
    sig = doc.signature
    assert sig.agency == "某县人民政府办公室"
    assert sig.date == dt.date(2012, 2, 20) and sig.date_text == "二○一二年二月二十日"
    assert where(doc, sig.span) == (4, 1)
    assert doc.sections[0].paragraphs[-1].text == "正文。"  # the signature is not body text


@pytest.mark.parametrize("date_line,expect", [
    ("二〇一八年一月三十日", dt.date(2018, 1, 30)), ("2018年1月9日", dt.date(2018, 1, 9)),
    ("2018-01-30", dt.date(2018, 1, 30)), ("某县民政局 2018年1月9日", dt.date(2018, 1, 9)),
])
def test_signature_dates(date_line, expect):
    doc = gipcheck.parse(f"一、概述\n正文。\n某县民政局\n{date_line}\n".replace("某县民政局\n某县民政局 ", "某县民政局 "))
    assert doc.signature is not None and doc.signature.date == expect
    assert doc.signature.agency == "某县民政局"


def test_seed_002_signature_then_appendix_table():
    doc = gipcheck.parse(SEED2)
    assert doc.signature.agency == "三元区民政局" and doc.signature.date == dt.date(2018, 1, 30)
    assert any(t.span.start > doc.signature.span.end for t in doc.tables)


def test_front_matter_from_a_pipe_table():
    doc = gipcheck.parse(SEED0)
    fm = {k: v for k, (v, _span) in doc.front_matter.items()}
    assert fm["索引号"] == "113308000026181032/2017-102202"
    assert fm["成文日期"] == "2017-03-20" and fm["组配分类"] == "2016年度" and fm["发布机构"] == "市民政局"
    assert doc.tables == [] or all(t.kind != "metadata" for t in doc.tables)
    assert where(doc, doc.front_matter["索引号"][1]) == (1, 8)


def test_front_matter_lines_and_document_number():
    doc = gipcheck.parse("索引号：000-2018-001\n发布日期：2018-01-30\n元民〔2018〕 2 号\n某县2017年政府信息公开工作年度报告\n一、概述\n")
    assert doc.front_matter["索引号"][0] == "000-2018-001"
    assert doc.front_matter["发布日期"][0] == "2018-01-30"
    assert doc.doc_number[0] == "元民〔2018〕 2 号"
    assert doc.title.text == "某县2017年政府信息公开工作年度报告"


def test_empty_and_whitespace_documents():
    for text in ("", "\n", "   \n\t\n", "\ufeff"):
        doc = gipcheck.parse(text)
        assert doc.sections == [] and doc.tables == [] and doc.signature is None


def test_grammar_is_conflict_free_under_lark_strict_mode():
    """The design's bar: LALR with no shift/reduce conflicts and no ambiguous terminal
    collisions (lark strict=True, which uses interegular for the collision check)."""
    from lark import Lark

    from gipcheck.data import data_dir

    grammar = (data_dir("grammars") / "report.lark").read_text(encoding="utf-8")
    Lark(grammar, parser="lalr", lexer="contextual", strict=True)


def test_headings_after_the_signature_belong_to_the_attachment():
    import gipcheck

    text = ("某县民政局2017年政府信息公开工作年度报告\n一、概述\n正文。\n二、主动公开政府信息情况\n正文。\n"
            "某县民政局\n2018年1月20日\n附件：\n一、统计说明\n三、口径\n")
    doc = gipcheck.parse(text)
    assert [h.title for h in doc.headings] == ["概述", "主动公开政府信息情况"]
    assert [p.text for p in doc.attachments][-2:] == ["一、统计说明", "三、口径"]
    assert "GIP104" not in [f.rule for f in gipcheck.check_text(text).findings]


@pytest.mark.parametrize("tail", [
    "某县民政局（盖章）\n2018年1月30日\n",
    "某县民政局\n日期：2018年1月30日\n",
    "某县民政局 2018年1月30日\n",
    "某 县 民 政 局\n二〇一八年一月三十日\n",
    "某县民政局\n2018-01-30\n",
    "某县民政局\n2018年1月30日\n（此件公开发布）\n",
])
def test_signature_forms(tail):
    import gipcheck

    assert gipcheck.check_text("一、概述\n正文。\n" + tail).facts["signature"] == {"agency": "某县民政局", "date": "2018-01-30"}
