"""Property tests (hypothesis): the pipeline never crashes and every position it gives is real.

(a) parsing any text never raises; (b) every finding lies inside the document as read;
(c) the normalize map is a monotone map into the original, and a view character that was only
width-folded or converted to Simplified comes from the original character the map names;
(d) random edits of a real report never crash ``check_text``.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gipcheck
from gipcheck import api
from gipcheck.engine import analyse
from gipcheck.normalize import _WIDTH_TABLE, _t2s, normalize
from gipcheck.read import Extracted

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((FIXTURES / "reports").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FRAGMENTS = [
    "一、", "二、", "四.", "十一、", "（一）", "(二)", "（ 三 ）", "1.", "1、", "１．", "12.", "1.5亿元", "（1）", "(2)",
    "①", "②", "⑳", "第一部分", "第二部分:", "|", " | ", "||", "| 1 | 2 |", "合计 | 3 | 4", "索引号:", "索引号：",
    "成文日期:", "发布机构：", "2017年1月1日", "2017年12月31日", "二○一二年二月二十日", "2018-01-30", "年", "自 年1月1日",
    "\t", "\t\t", "\n", "\n\n", "\r", "\r\n", "\u2028", "\u2029", "\x00", "\x0b", "\x0c", "\x85", "\ufeff", "\u200b",
    "\u202e", "\ud800", "\udfff", "\U0001F600", "　", "，，", "公开公开", "XX", "××", "【此处填写】", "第 3 页",
    "[bookmark: _GoBack]", "扫一扫在手机上查看当前页面", "打印本页", "关闭窗口",
    "本报告中所列数据的统计期限自2017年1月1日起至2017年12月31日止。", "电话：0598-8328341", "邮编：350000",
    "某县民政局2017年政府信息公开工作年度报告", "政府信息", "公开", "條例", "資訊", "廳", "元民〔2018〕2号",
    "四、政府信息公开的收费及减免情况\n", "本报告由概述等七个部分组成。", "其中：", "共326条，其中8条、32条",
]

report_text = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from(FRAGMENTS), st.sampled_from(FRAGMENTS)),
    max_size=60,
).map("".join)

_NEWLINE = re.compile(r"\r\n|\r|\n")


def original_lines(text: str) -> list[str]:
    return _NEWLINE.split(text)


def assert_positions(text: str, findings) -> None:
    lines = original_lines(text)
    for f in findings:
        where = f"{f.rule} at {f.line}:{f.column}-{f.end_line}:{f.end_column}"
        assert 1 <= f.line <= len(lines), where
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, where
        assert 1 <= f.end_line <= len(lines), where
        assert 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1, where
        assert (f.end_line, f.end_column) >= (f.line, f.column), where


# -- (a) ------------------------------------------------------------------------------------

@settings(max_examples=300, **SETTINGS)
@given(report_text)
def test_parse_never_raises(text):
    doc = gipcheck.parse(text)
    assert doc.view.endswith("\n") or text == ""
    for h in doc.headings:
        assert 1 <= h.level <= 5
    for sec in doc.all_sections():
        assert sec.heading.span.start <= sec.end or sec.end == doc.body_end


@settings(max_examples=150, **SETTINGS)
@given(st.text(max_size=200))
def test_parse_plain_unicode_never_raises(text):
    gipcheck.parse_text(text)  # (gipcheck.parse("/0.0") reads a file: a path-like string names one)


# -- (b) ------------------------------------------------------------------------------------

@settings(max_examples=250, **SETTINGS)
@given(report_text)
def test_findings_lie_inside_the_document(text):
    result = gipcheck.check_text(text)
    assert_positions(text, result.findings)
    assert "GIP005" not in [f.rule for f in result.findings], [f.message for f in result.findings]
    assert result.lines == original_lines(text)


# -- (c) ------------------------------------------------------------------------------------

def _assert_monotone_map(src) -> None:
    m = list(src.to_orig)
    assert len(m) == len(src.view) + 1
    assert all(0 <= x <= len(src.original) for x in m)
    assert all(a <= b for a, b in zip(m, m[1:]))


def _is_han(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo"


@settings(max_examples=300, **SETTINGS)
@given(report_text)
def test_normalize_map(text):
    src = normalize(text)
    _assert_monotone_map(src)
    assert not src.residue
    cc = _t2s()
    for i, v in enumerate(src.view):
        j = src.to_orig[i]
        assert j < len(text), (i, j)
        o = text[j]
        if v == "\n":
            assert o in "\r\n", (i, j, o)
            continue
        folded = o.translate(_WIDTH_TABLE)
        ok = v in (o, folded) or (not ("\ud800" <= folded <= "\udfff") and v == cc.convert(folded))
        # a phrase converted as a whole may pick another character for the same position
        assert ok or (_is_han(o) and _is_han(v)), (i, j, o, v)


@settings(max_examples=200, **SETTINGS)
@given(report_text)
def test_normalize_and_segment_map_with_residue(text):
    """The whole front end (normalize with the rule set's residue patterns, then segment)."""
    src = analyse(Extracted(text=text), api.rules())[0].source
    _assert_monotone_map(src)
    for r in src.residue:
        assert 0 <= r.start < r.end <= len(text)
        assert r.text == text[r.start:r.end]
    assert src.view.endswith("\n")


# -- (d) ------------------------------------------------------------------------------------

@st.composite
def edited_seed(draw):
    text = draw(st.sampled_from(SEED_TEXTS))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "chars", "swap"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))))
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "swap" and len(lines) > 1:
            k = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif lines:
            line = lines[i]
            p = draw(st.integers(0, len(line)))
            lines[i] = line[:p] + draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5))) + line[p:]
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join(lines)


@settings(max_examples=150, **SETTINGS)
@given(edited_seed())
def test_edited_seed_never_crashes(text):
    result = gipcheck.check_text(text)
    assert_positions(text, result.findings)
    assert "GIP005" not in [f.rule for f in result.findings], [f.message for f in result.findings]
    en = gipcheck.check_text(text, lang="en")
    assert [f.rule for f in en.findings] == [f.rule for f in result.findings]


def test_seed_positions_are_inside_each_seed():
    for text in SEED_TEXTS:
        for sep in ("\n", "\r\n"):
            t = text.replace("\n", sep)
            assert_positions(t, gipcheck.check_text(t).findings)
