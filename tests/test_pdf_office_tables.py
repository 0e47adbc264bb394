"""Table 三 of a real report, laid out in Word as agencies do and exported by LibreOffice
(tests/fixtures/make_office_pdf.py; text: 平潭综合实验区 2023, tests/fixtures/real/office/README.md).

The merged cell 三、本年度办理结果 is turned (btLr), written upright in columns (tbRl), one
character wide, or in a table without rules; the table breaks across pages inside the merged
cell, once also cutting the row （二）部分公开 in two. Each
PDF must give what the report's own text gives: the same findings, every row of table 三 with
its figures, and no GIP402/GIP404 for rows that are on the page."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from gipcheck import api

FIX = Path(__file__).parent / "fixtures"
OFFICE = FIX / "real" / "office"
LAYOUTS = ["rotated", "stacked", "narrow", "unruled"]


@pytest.fixture(scope="module")
def from_text():
    return api.check(FIX / "reports" / "2023_pingtan.txt")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_office_pdf_table_three_reads_as_the_text_does(layout, from_text):
    pytest.importorskip("pypdfium2")
    result = api.check(OFFICE / f"2023_pingtan_t3_{layout}.pdf")
    rules = sorted(f.rule for f in result.findings)
    assert "GIP402" not in rules and "GIP404" not in rules and "GIP408" not in rules, \
        [(f.rule, f.message) for f in result.findings]
    assert rules == sorted(f.rule for f in from_text.findings)
    assert result.facts["tables"]["t3"] == from_text.facts["tables"]["t3"]
    assert result.facts["tables"]["t3"]["r2"]["total"] == 20  # （二）部分公开, the row the break cut


@pytest.mark.parametrize("name", sorted(p.name for p in OFFICE.glob("*.docx")))
def test_the_word_files_the_pdfs_came_from_read_as_the_text_does(name):
    pytest.importorskip("docx")
    stem = name.split("_t3_")[0]
    text = api.check(FIX / "reports" / f"{stem}.txt")
    result = api.check(OFFICE / name)
    assert sorted(f.rule for f in result.findings) == sorted(f.rule for f in text.findings)
    assert result.facts["tables"]["t3"] == text.facts["tables"]["t3"]


@pytest.mark.parametrize("layout", LAYOUTS[:3])
def test_cells_and_rows_cut_by_a_page_break_are_joined_back(layout):
    pytest.importorskip("pypdfium2")
    from gipcheck.read import read_path
    lines = read_path(OFFICE / f"2023_pingtan_t3_{layout}.pdf").text.splitlines()
    assert "三、本年度办理结果 | （一）予以公开 |  | 22 | 0 | 0 | 0 | 0 | 0 | 22" in lines  # the merged cell, whole
    assert " | （二）部分公开（区分处理的，只计这一情形，不计其他情形） |  | 19 | 1 | 0 | 0 | 0 | 0 | 20" in lines
    assert " |  | 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines
    assert not [l for l in lines if "办理结果" in l and not l.startswith("三、本年度办理结果 | （一）")]
    assert not [l for l in lines if l.startswith(" | 只计") or l.startswith(" | 情形")]


def test_office_pdf_of_a_2019_format_report_reads_as_its_text():
    """上海市人民政府办公厅 2019 (2019 format, blanks for zeros): the same findings as the text,
    among them GIP407 from a sentence the PDF breaks after 回落 (before 12.3%；) and after 258
    (before 件，): lines the layout broke for want of room for what may not be split."""
    pytest.importorskip("pypdfium2")
    text = api.check(FIX / "reports" / "2019_shanghai_bangongting.txt")
    result = api.check(OFFICE / "2019_shanghai_bangongting_t3_rotated.pdf")
    assert sorted(f.rule for f in result.findings) == sorted(f.rule for f in text.findings)
    assert result.facts["tables"]["t3"] == text.facts["tables"]["t3"]
    assert "GIP407" in [f.rule for f in result.findings]


def test_what_a_line_break_cannot_split_is_measured_with_its_punctuation():
    from gipcheck.read.pdf.layout import _carried_width
    assert _carried_width("12.3%；答复") == pytest.approx(4.0)  # five ASCII, one full-width
    assert _carried_width("件，占33.9%") == 2.0
    assert _carried_width("答复政府") == 1.0


# -- the pieces: cell text in reading order, and stitching a table cut by a page break ---------

def _chars(grid: list[str], *, dx: float, dy: float, turn: int = 0, size: float = 9.0):
    """Characters laid out on a grid: grid[i][j] at column i (x = i*dx), position j down."""
    from gipcheck.read.pdf.chars import _Char
    out = []
    for i, col in enumerate(grid):
        for j, ch in enumerate(col):
            x, y = 100 + i * dx, 500 - j * dy
            out.append(_Char(ch, x, x + size, y, y + size, turn))
    return out


def test_cell_text_turned_upright_and_narrow():
    from gipcheck.read.pdf.chars import _cell_text
    # turned a quarter clockwise (btLr): columns left to right, each read bottom to top
    assert _cell_text(_chars(["本、三", "办度年", "果结理"], dx=10, dy=9, turn=3), 1) == "三、本年度办理结果"
    # upright in columns (tbRl): columns right to left, top to bottom, characters an em apart
    assert _cell_text(_chars(["理结果", "年度办", "三、本"], dx=11, dy=9), 1) == "三、本年度办理结果"
    # horizontal text wrapped in a narrow cell: lines further apart than the characters
    narrow = _chars(["三年理", "、度结", "本办果"], dx=9, dy=12)
    assert _cell_text(narrow, 1) == "三、本年度办理结果"


def _table(rows, page, xs=None):
    from gipcheck.read.pdf.grids import _Table
    n = len(rows[0])
    xs = xs or [100.0 + 40 * k for k in range(n + 1)]
    roots = [[(r, c) for c in range(n)] for r in range(len(rows))]
    return _Table([list(r) for r in rows], xs[0], xs[-1], 100, 700, page, [page], list(xs), roots)


ROWS = [["一、收到", "3", "4"], ["二、结转", "0", "1"], ["（一）予以公开", "2", "2"], ["（二）部分公开（区分处理的，", "1", "1"],
        ["（三）不予公开", "0", "0"], ["（四）总计", "3", "3"]]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=len(ROWS) - 1))
def test_a_table_cut_between_any_two_rows_is_whole_again(cut):
    from gipcheck.read.pdf.stitch import merge_tables
    merged = merge_tables([_table(ROWS[:cut], 1), _table(ROWS[cut:], 2)])
    assert len(merged) == 1 and merged[0].rows == ROWS and merged[0].pages == [1] * cut + [2] * (len(ROWS) - cut)


def test_a_row_cut_by_the_page_break_is_joined_but_a_new_row_is_not():
    from gipcheck.read.pdf.stitch import merge_tables
    first, rest = ROWS[:4], [["只计这一情形）", "", ""]] + ROWS[4:]
    merged = merge_tables([_table(first, 1), _table(rest, 2)])[0]
    assert merged.rows[3][0] == "（二）部分公开（区分处理的，只计这一情形）" and len(merged.rows) == len(ROWS)
    # a row of its own at the top of the page: a marker, or figures, keep it a row
    for row in (["（三）不予公开", "", ""], ["其他", "0", ""]):
        merged = merge_tables([_table(first, 1), _table([row] + ROWS[5:], 2)])[0]
        assert merged.rows[4] == row


def test_parts_with_different_inner_rules_share_one_grid():
    from gipcheck.read.pdf.stitch import merge_tables
    # the part on page 1 has its label columns merged everywhere (no rule at x=140)
    top = _table([["一、收到", "3"], ["二、结转", "0"]], 1, xs=[100.0, 180.0, 220.0])
    bottom = _table([["（三）不予公开", "1.属于国家秘密", "0"], ["", "2.其他", "0"]], 2, xs=[100.0, 140.0, 180.0, 220.0])
    merged = merge_tables([top, bottom])[0]
    assert merged.rows == [["一、收到", "", "3"], ["二、结转", "", "0"], ["（三）不予公开", "1.属于国家秘密", "0"], ["", "2.其他", "0"]]
