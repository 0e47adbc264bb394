"""Excerpts that fit a screen (issue 11, point 3): the line under a finding and its marker are
clipped to about 80 columns around the span, wide characters counting two."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

import gipcheck
from gipcheck.report import ReportContext
from gipcheck.report.text import EXCERPT_WIDTH, _width, clip, render

CHARS = st.sampled_from(list("政府信息公开年报，。abc 123（）"))


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, min_size=1, max_size=400).map("".join), st.data())
def test_the_excerpt_fits_and_the_marker_sits_under_the_span(line, data):
    start = data.draw(st.integers(0, len(line) - 1))
    end = data.draw(st.integers(start + 1, len(line)))
    shown, pad, mark = clip(line, start, end)
    assert _width(shown) <= max(EXCERPT_WIDTH, _width(line) if _width(line) <= EXCERPT_WIDTH else 0)
    assert pad + mark <= _width(shown)
    # the marker starts exactly under the first character of the span
    cols, i = 0, 0
    while cols < pad:
        cols += _width(shown[i])
        i += 1
    assert cols == pad and shown[i] == line[start]
    if _width(line) > EXCERPT_WIDTH:
        assert "⋯" in shown


def test_a_long_paragraph_prints_one_screen_line_not_nine_hundred_carets():
    para = "我局认真贯彻落实《条例》，" * 70 + "推进信息公开公开。" + "进一步加强政府信息公开工作。" * 10
    result = gipcheck.check_text(para + "\n", select=["GIP602"])
    assert [f.rule for f in result.findings] == ["GIP602"]
    text = render(gipcheck.RunResult([result]), ReportContext())
    excerpt = [ln for ln in text.split("\n") if ln.startswith("    | ")]
    assert len(excerpt) == 2
    assert all(_width(ln) <= 80 for ln in excerpt)
    assert "公开公开" in excerpt[0] and excerpt[1].count("^") == 8  # four wide characters


def test_a_span_wider_than_the_screen_is_marked_as_far_as_it_is_shown():
    line = "甲" * 300
    shown, pad, mark = clip(line, 5, 295)
    assert _width(shown) <= EXCERPT_WIDTH and pad + mark <= _width(shown) and mark > 40


def test_gip106_names_the_part_that_gip102_reports():
    seed2 = open("tests/fixtures/seeds/002_871b05a060ee8a47.txt", encoding="utf-8").read()
    result = gipcheck.check_text(seed2)
    missing = [f.message for f in result.findings if f.rule == "GIP102"]
    declared = [f.message for f in result.findings if f.rule == "GIP106"]
    assert missing == ["缺少法定内容：政府信息公开的收费及减免情况"]
    assert declared and "缺少的是“政府信息公开的收费及减免情况”" in declared[0]
