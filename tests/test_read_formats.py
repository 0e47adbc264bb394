"""Unit tests of the format adapters: gipcheck.read.docx / html / pdf / office."""
from __future__ import annotations

import importlib.util
import io
import os
import re
import stat
import sys
from pathlib import Path

import pytest

from gipcheck.read import Extracted, InputError, Limits, read_bytes, read_path

HERE = Path(__file__).resolve().parent
FORMATS = HERE / "fixtures" / "formats"
SEEDS = HERE / "fixtures" / "seeds"

_spec = importlib.util.spec_from_file_location("make_hostile", HERE / "fixtures" / "make_hostile.py")
hostile = importlib.util.module_from_spec(_spec)
sys.modules["make_hostile"] = hostile
_spec.loader.exec_module(hostile)
build_pdf = hostile.build_pdf

docx = pytest.importorskip("docx")
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402


def lines_of(e: Extracted) -> list[str]:
    return e.text.split("\n")


def assert_sources(e: Extracted) -> None:
    assert e.line_sources is not None
    assert len(e.line_sources) == len(lines_of(e))
    for t in e.tables:
        rows = lines_of(e)[t.first_line - 1: t.first_line - 1 + len(t.rows)]
        assert rows == [" | ".join(r) for r in t.rows]
        assert len({len(r) for r in t.rows}) == 1  # rectangular


def refused(data: bytes, name: str, limits: Limits | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        read_bytes(data, name, limits)
    err = info.value
    for msg in (err.message_zh, err.message_en):
        assert name in msg and "\n" not in msg and "Traceback" not in msg
    return err


def docx_bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# =========================================================================== fixtures per format

SEED_STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))
TOP = re.compile(r"^[一二三四五六七八九十]+、")


@pytest.mark.parametrize("ext", ["docx", "html", "pdf"])
@pytest.mark.parametrize("stem", SEED_STEMS)
def test_fixture_headings_and_tables(stem: str, ext: str) -> None:
    path = FORMATS / f"{stem}.{ext}"
    e = read_path(path)
    assert e.format == ext
    assert_sources(e)
    lines = lines_of(e)
    seed = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    headings = [s.strip() for s in seed if TOP.match(s.strip()) and len(s.strip()) <= 40]
    for h in headings:
        assert h in lines, f"{path.name}: heading {h!r} is not on its own line"
    if stem[:3] in ("001", "002"):
        assert len(e.tables) == 1
        t = e.tables[0]
        assert t.rows[0] == ["指标名称", "单位", "2017", "历年累计"]
        assert len(t.rows) == 16 and all(len(r) == 4 for r in t.rows)
        assert t.rows[1][:2] == ["主动公开文件数", "条"]
        assert t.rows[-1][0] == "行政诉讼数"
    else:
        assert e.tables == []


def test_fixture_seed_lines_survive_every_format() -> None:
    """Every non-table seed line of 002 comes back as a line of its own in each format."""
    seed = [s.strip() for s in (SEEDS / "002_871b05a060ee8a47.txt").read_text(encoding="utf-8").split("\n")]
    body = [s.replace("[bookmark: _GoBack]", "") for s in seed if s][: 60]
    for ext in ("docx", "html", "pdf"):
        lines = lines_of(read_path(FORMATS / f"002_871b05a060ee8a47.{ext}"))
        missing = [s for s in body if s not in lines]
        assert not missing, (ext, missing[:3])


def test_fixtures_are_small() -> None:
    for p in FORMATS.iterdir():
        assert p.stat().st_size < 200 * 1024, p.name


def test_inputs_are_never_written(tmp_path: Path) -> None:
    for ext in ("docx", "html", "pdf"):
        p = FORMATS / f"001_aa4571093e99987a.{ext}"
        before = (p.read_bytes(), p.stat().st_mtime_ns)
        read_path(p)
        assert (p.read_bytes(), p.stat().st_mtime_ns) == before


# =========================================================================== docx


def test_docx_body_order_styles_and_sources() -> None:
    e = read_path(FORMATS / "002_871b05a060ee8a47.docx")
    lines = lines_of(e)
    # the two-line title is one Title paragraph with a line break
    k = lines.index("三元区民政局2017年政府信息")
    assert lines[k + 1] == "公开工作年度报告"
    assert e.line_sources[k] == e.line_sources[k + 1]
    assert e.line_sources[k]["style"] == "Title"
    h = lines.index("一、概述")
    assert e.line_sources[h]["style"] == "Heading 1" and e.line_sources[h]["heading_level"] == 1
    # header "三元区民政局2017年…" and footer "第 1 页" are not in the body text
    assert "第 1 页" not in e.text
    t = e.tables[0]
    assert e.line_sources[t.first_line - 1] == {"table": 1, "row": 1}
    assert e.line_sources[t.first_line + 1] == {"table": 1, "row": 3}
    # paragraph numbers are 1-based and count empty paragraphs (002 starts with 8 blank ones)
    assert e.line_sources[0] == {"paragraph": 1}
    assert lines[8] == "元民〔2018〕 2 号" and e.line_sources[8]["paragraph"] == 9


def test_docx_recovers_word_numbering() -> None:
    """002.docx stores 一、/（一） as Word list numbering, not as text."""
    import zipfile

    with zipfile.ZipFile(FORMATS / "002_871b05a060ee8a47.docx") as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert ">一、概述<" not in xml and ">概述<" in xml
    lines = lines_of(read_path(FORMATS / "002_871b05a060ee8a47.docx"))
    for h in ("一、概述", "（一）以政务公开助力稳增长", "（四）增强政务公开实效", "二、主动公开政府信息的情况",
              "（一）本机关主动公开政府信息的数量", "六、需要说明的事项与附表", "（二）附表"):
        assert h in lines


def _numbering(d, levels: list[tuple[int, str, str, int]], num_ids=("71",), overrides: dict | None = None) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    numbering = d.part.part_related_by(RT.NUMBERING).element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:suff w:val="nothing"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>' for i, fmt, text, start in levels)
    numbering.find(qn("w:num")).addprevious(
        parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70">{lvls}</w:abstractNum>'))
    for nid in num_ids:
        ov = (overrides or {}).get(nid, "")
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="70"/>{ov}</w:num>'))


def _numbered(d, text: str, ilvl: int, num_id: str = "71"):
    p = d.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_docx_numbering_formats_levels_and_restart() -> None:
    d = docx.Document()
    _numbering(d, [(0, "chineseCounting", "%1、", 1), (1, "chineseCounting", "（%2）", 1),
                   (2, "decimal", "%3.", 1), (3, "decimal", "%3.%4", 1), (4, "decimalEnclosedCircle", "%5", 1)],
               num_ids=("71", "72"),
               overrides={"72": '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'})
    _numbered(d, "概述", 0)
    _numbered(d, "工作要点", 1)
    _numbered(d, "第二点", 1)
    _numbered(d, "细目", 2)
    _numbered(d, "细细目", 3)
    _numbered(d, "圈号", 4)
    d.add_paragraph("正文段落。")
    for _ in range(9):
        _numbered(d, "部分", 0)
    _numbered(d, "第十一部分", 0)
    _numbered(d, "子项重新编号", 1)
    _numbered(d, "新列表", 0, num_id="72")
    lines = lines_of(read_bytes(docx_bytes(d), "n.docx"))
    assert lines[:7] == ["一、概述", "（一）工作要点", "（二）第二点", "1.细目", "1.1细细目", "①圈号", "正文段落。"]
    assert lines[7] == "二、部分" and lines[15] == "十、部分"
    assert lines[16] == "十一、第十一部分"
    assert lines[17] == "（一）子项重新编号"  # a lower level restarts after a higher one
    assert lines[18] == "一、新列表"  # startOverride restarts the list


def test_docx_numbering_from_heading_style() -> None:
    d = docx.Document()
    _numbering(d, [(0, "chineseCounting", "%1、", 1)])
    style = d.styles["Heading 1"].element
    style.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="71"/></w:numPr>'))
    d.add_paragraph("概述", style="Heading 1")
    d.add_paragraph("正文。")
    d.add_paragraph("主动公开情况", style="Heading 1")
    e = read_bytes(docx_bytes(d), "s.docx")
    assert lines_of(e) == ["一、概述", "正文。", "二、主动公开情况"]
    assert e.line_sources[0] == {"paragraph": 1, "style": "Heading 1", "heading_level": 1}


def test_docx_bullets_are_not_prefixed() -> None:
    d = docx.Document()
    _numbering(d, [(0, "bullet", "\u2022", 1)])
    _numbered(d, "要点", 0)
    assert lines_of(read_bytes(docx_bytes(d), "b.docx")) == ["要点"]


def test_docx_merged_cells_and_table_sources() -> None:
    d = docx.Document()
    d.add_paragraph("附表")
    t = d.add_table(rows=4, cols=4)
    for r in range(4):
        for c in range(4):
            t.cell(r, c).text = f"r{r}c{c}"
    a = t.cell(0, 1).merge(t.cell(0, 2))  # colspan 2 in the header row
    a.text = "本年"
    b = t.cell(1, 0).merge(t.cell(2, 0))  # rowspan 2 in the first column
    b.text = "申请"
    d.add_paragraph("说明")
    e = read_bytes(docx_bytes(d), "m.docx")
    assert_sources(e)
    assert len(e.tables) == 1
    rows = e.tables[0].rows
    assert rows[0] == ["r0c0", "本年", "", "r0c3"]
    assert rows[1] == ["申请", "r1c1", "r1c2", "r1c3"]
    assert rows[2] == ["", "r2c1", "r2c2", "r2c3"]
    assert lines_of(e)[0] == "附表" and lines_of(e)[-1] == "说明"
    assert e.tables[0].first_line == 2
    assert e.line_sources[1] == {"table": 1, "row": 1}
    assert e.line_sources[-1] == {"paragraph": 2}


def test_docx_ignores_deleted_text_textboxes_and_fields_code() -> None:
    d = docx.Document()
    p = d.add_paragraph("保留")
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText> PAGE </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>7</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>控件内段落</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    d.element.body.insert(len(d.element.body) - 1, sdt)
    e = read_bytes(docx_bytes(d), "t.docx")
    assert lines_of(e) == ["保留插入7", "控件内段落"]


def test_docx_zip_bomb_refused_before_parsing() -> None:
    err = refused(hostile.zip_bomb_docx(), "bomb.docx")
    assert "zip bomb" in err.message_en and "压缩炸弹" in err.message_zh


def test_docx_unzipped_limit_is_configurable() -> None:
    data = docx_bytes(docx.Document())
    refused(data, "small.docx", Limits(max_unzipped_bytes=1000))
    assert read_bytes(data, "small.docx").format == "docx"


def test_docx_corrupt_and_not_docx_zip() -> None:
    assert "corrupt" in refused(hostile.corrupt_docx(), "bad.docx").message_en
    assert "not a Word document" in refused(hostile.zip_not_docx(), "x.docx").message_en
    assert "corrupt" in refused(b"PK\x03\x04" + b"\0" * 100, "cut.docx").message_en


def test_docx_handwritten_minimal_package() -> None:
    e = read_bytes(hostile.minimal_docx(("一、概述", "正文。")), "min.docx")
    assert lines_of(e) == ["一、概述", "正文。"]


# =========================================================================== html


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>标题</title></head><body>{body}</body></html>"


CHROME = """
<div class="header"><a>首页</a><a>政务公开</a></div>
<nav><ul><li>导航一</li><li>导航二</li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 信息公开</div>
"""


def test_html_fixture_drops_chrome_and_keeps_report() -> None:
    e = read_path(FORMATS / "001_aa4571093e99987a.html")
    assert_sources(e)
    for chrome in ("扫一扫", "打印本页", "关闭窗口", "分享到", "当前位置", "字号", "首页", "版权所有", "浏览次数", "doZoom"):
        assert chrome not in e.text, chrome
    lines = lines_of(e)
    assert lines[0] == "引言" and lines[-1].startswith("行政诉讼数 | 条")
    assert e.line_sources[0]["element"].startswith("div#zoom")


def test_html_gbk_meta_charset_fixture() -> None:
    raw = (FORMATS / "000_a421f33a1e233292.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    e = read_path(FORMATS / "000_a421f33a1e233292.html")
    assert e.encoding == "gb18030"
    assert "一、政府信息公开工作概述" in lines_of(e)
    assert "索引号" not in e.text  # site metadata sits outside the report container


@pytest.mark.parametrize("decl", [
    '<meta charset="gbk">',
    '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">',
    "",  # undeclared: UTF-8 fails, GB18030 is tried
])
def test_html_gbk_decoding(decl: str) -> None:
    html = page('<div id="zoom"><p>一、概述</p><p>政府信息公开工作年度报告。</p></div>', decl)
    e = read_bytes(html.encode("gbk"), "g.html")
    assert lines_of(e) == ["一、概述", "政府信息公开工作年度报告。"]
    assert e.encoding == "gb18030"


def test_html_misdeclared_utf8_and_bom() -> None:
    html = page('<div id="zoom"><p>年度报告</p></div>', '<meta charset="gb2312">')
    assert lines_of(read_bytes(html.encode("utf-8"), "u.html")) == ["年度报告"]
    e = read_bytes(b"\xef\xbb\xbf" + page('<div id="zoom"><p>年度报告</p></div>').encode(), "bom.html")
    assert lines_of(e) == ["年度报告"]


def test_html_blocks_become_lines_and_sources() -> None:
    body = CHROME + """<div class="main"><h1>某局2017年政府信息公开工作年度报告</h1>
    <div class="TRS_Editor"><p>&nbsp;&nbsp;本报告根据《条例》编制。</p>
    <p><strong>一、</strong><strong>概述</strong></p>
    <div>第一行<br>第二行<br/>第三行</div>
    <ul><li>列表一</li><li>列表二</li></ul>
    <h3>二、主动公开</h3><p>内容<span>相连</span>不断行。</p>
    <p>【打印】【关闭】</p><p>字号：[大] [中] [小]</p>
    </div></div><div class="footer">版权所有</div>"""
    e = read_bytes(page(body).encode(), "b.html")
    assert_sources(e)
    # the report's title sits above the content container: it is kept as the first line
    assert lines_of(e) == ["某局2017年政府信息公开工作年度报告", "本报告根据《条例》编制。", "一、概述", "第一行", "第二行",
                           "第三行", "列表一", "列表二", "二、主动公开", "内容相连不断行。"]
    src = e.line_sources[1:]
    assert e.line_sources[0]["element"].startswith("h1")
    assert src[0] == {"element": "div.TRS_Editor > p:nth-of-type(1)", "heading": None}
    assert src[1]["heading"] == "一、概述" and src[6]["heading"] == "一、概述"
    assert src[7] == {"element": "div.TRS_Editor > h3:nth-of-type(1)", "heading": "二、主动公开"}
    assert src[2]["element"] == src[3]["element"] == "div.TRS_Editor > div:nth-of-type(1)"


def test_html_rowspan_colspan_grid() -> None:
    table = """<table><thead><tr><th rowspan="2">指标名称</th><th rowspan="2">单位</th><th colspan="2">数量</th></tr>
    <tr><th>2017</th><th>历年累计</th></tr></thead>
    <tbody><tr><td>主动公开文件数</td><td>条</td><td>19</td><td>39</td></tr>
    <tr><td rowspan="2">其中</td><td colspan="3">合并三格</td></tr>
    <tr><td>条</td><td>0</td><td><p>0</p></td></tr></tbody></table>"""
    e = read_bytes(page(f'<div id="zoom"><p>附表</p>{table}<p>完</p></div>').encode(), "t.html")
    assert_sources(e)
    assert len(e.tables) == 1
    t = e.tables[0]
    assert t.first_line == 2
    assert t.rows == [
        ["指标名称", "单位", "数量", ""],
        ["", "", "2017", "历年累计"],
        ["主动公开文件数", "条", "19", "39"],
        ["其中", "合并三格", "", ""],
        ["", "条", "0", "0"],
    ]
    assert lines_of(e)[1] == "指标名称 | 单位 | 数量 | "
    assert e.line_sources[2]["table"] == 1 and e.line_sources[2]["row"] == 2
    assert lines_of(e)[-1] == "完"


def test_html_layout_tables_are_blocks() -> None:
    body = """<table width="100%"><tr><td><table><tr><td>左栏导航</td></tr></table></td>
    <td id="zoom"><p>一、概述</p><p>正文内容。</p></td></tr></table>"""
    e = read_bytes(page(body).encode(), "l.html")
    assert lines_of(e) == ["一、概述", "正文内容。"] and e.tables == []
    one_col = '<div id="zoom"><table><tr><td>甲</td></tr><tr><td>乙</td></tr></table></div>'
    e = read_bytes(page(one_col).encode(), "c.html")
    assert lines_of(e) == ["甲", "乙"] and e.tables == []


def test_html_fallback_container_is_the_densest_element() -> None:
    report = "".join(f"<p>第{i}段，这是报告的正文内容，篇幅较长，足以占据页面的大部分文字。</p>" for i in range(12))
    body = CHROME + f'<div class="wrap"><div class="left"><a>链接甲</a><a>链接乙</a></div><div class="txt">{report}</div></div>'
    e = read_bytes(page(body).encode(), "f.html")
    assert lines_of(e)[0].startswith("第0段") and len(lines_of(e)) == 12
    assert e.line_sources[0]["element"].startswith("div.txt > p")


def test_html_script_style_and_comments_never_text() -> None:
    body = '<div id="zoom"><script>document.write("<p>脚本</p>")</script><style>p{color:red}</style><!-- 注释 --><p>正文</p></div>'
    assert lines_of(read_bytes(page(body).encode(), "s.html")) == ["正文"]


def test_html_detected_by_content_without_suffix() -> None:
    e = read_bytes(page('<div id="zoom"><p>年度报告</p></div>').encode(), "download")
    assert e.format == "html"


# =========================================================================== pdf

W, H = 595, 842
LEFT, SIZE = 72, 12
FULL = 37  # characters that fill a 444 pt line (72 → 516) at 12 pt with 1000-unit glyphs


def body_lines(lines: list[str], top: float = 760, leading: float = 20, indent_first: bool = False):
    out = []
    y = top
    for i, s in enumerate(lines):
        x = LEFT + (2 * SIZE if indent_first and i == 0 else 0)
        out.append((x, y, SIZE, s))
        y -= leading
    return out


def paged(pages_body: list[list[tuple]], header: str | None = "某局2017年政府信息公开工作年度报告",
          footer=lambda n, total: f"- {n} -") -> bytes:
    pages = []
    total = len(pages_body)
    for n, texts in enumerate(pages_body, 1):
        t = list(texts)
        if header:
            t.append((200, 810, 9, header))
        if footer:
            t.append((280, 30, 10, footer(n, total)))
        pages.append({"texts": t, "lines": [(72, 805, 523, 805)] if header else []})
    return build_pdf(pages)


@pytest.mark.parametrize("footer", [
    lambda n, t: f"- {n} -",
    lambda n, t: f"第 {n} 页 共 {t} 页",
    lambda n, t: f"{n}/{t}",
    lambda n, t: f"{n}",
    lambda n, t: f"— {n} —",
    lambda n, t: f"Page {n} of {t}",
])
def test_pdf_running_header_and_page_numbers_removed(footer) -> None:
    texts = ["一、概述", "二、主动公开情况。", "三、依申请公开情况。"]
    body = [body_lines([t]) for t in texts]
    e = read_bytes(paged(body, footer=footer), "h.pdf")
    assert lines_of(e) == texts
    assert e.line_sources == [{"page": 1}, {"page": 2}, {"page": 3}]


def test_pdf_single_page_keeps_header_like_first_line_but_drops_page_number() -> None:
    e = read_bytes(paged([body_lines(["正文。"])], header="某局年度报告", footer=lambda n, t: f"第 {n} 页"), "one.pdf")
    assert lines_of(e) == ["某局年度报告", "正文。"]


def test_pdf_rejoins_lines_broken_inside_a_sentence() -> None:
    l1 = "本报告根据中华人民共和国政府信息公开条例的规定编制，全文包括概述、主动公开政"[:FULL]
    lines = [
        "一、概述",
        l1,
        "府信息情况等部分，",
        "（一）工作机制",
        "短行没有标点",
        "下一行是新的一句。",
    ]
    texts = body_lines(lines)
    texts[4] = (LEFT + 2 * SIZE, texts[4][1], SIZE, lines[4])  # an indented paragraph start
    e = read_bytes(build_pdf([{"texts": texts}]), "j.pdf")
    assert lines_of(e) == ["一、概述", l1 + "府信息情况等部分，", "（一）工作机制", "短行没有标点", "下一行是新的一句。"]


def test_pdf_full_line_before_heading_or_indent_is_not_joined() -> None:
    full = ("政府信息公开工作年度报告正文内容" * 3)[:FULL]
    texts = body_lines([full, "二、主动公开", full, "1.基本情况", full])
    texts.append((LEFT + 2 * SIZE, texts[-1][1] - 20, SIZE, "新段落首行缩进。"))
    e = read_bytes(build_pdf([{"texts": texts}]), "k.pdf")
    assert lines_of(e) == [full, "二、主动公开", full, "1.基本情况", full, "新段落首行缩进。"]


def test_pdf_rejoins_across_a_page_break() -> None:
    full = ("我局认真贯彻落实条例要求不断深化政务公开工作推进" * 2)[:FULL]
    p1 = body_lines(["一、概述", full])
    p2 = body_lines(["并取得了较好成效。", "二、主动公开"])
    e = read_bytes(paged([p1, p2]), "x.pdf")
    assert lines_of(e) == ["一、概述", full + "并取得了较好成效。", "二、主动公开"]
    assert e.line_sources == [{"page": 1}, {"page": 1}, {"page": 2}]


def grid(x0: float, top: float, widths: list[float], rows: int, row_h: float, skip_v=(), skip_h=()):
    """Stroked grid lines; skip_v: (row, col_boundary) vertical pieces left out (colspan);
    skip_h: (row_boundary, col) horizontal pieces left out (rowspan)."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top - r * row_h for r in range(rows + 1)]
    segs = []
    for i, y in enumerate(ys):
        for c in range(len(widths)):
            if (i, c) not in skip_h:
                segs.append((xs[c], y, xs[c + 1], y))
    for j, x in enumerate(xs):
        for r in range(rows):
            if (r, j) not in skip_v:
                segs.append((x, ys[r], x, ys[r + 1]))
    return segs, xs, ys


def cell_text(xs, ys, r, c, s):
    return (xs[c] + 4, ys[r] - 15, 10, s)


def test_pdf_drawn_table_with_merged_cells() -> None:
    widths = [150, 60, 60, 80]
    segs, xs, ys = grid(72, 700, widths, 4, 20, skip_v={(0, 3)}, skip_h={(3, 0)})
    texts = [(72, 740, 12, "附件：")]
    cells = {(0, 0): "指标名称", (0, 1): "单位", (0, 2): "数量",
             (1, 0): "主动公开文件数", (1, 1): "条", (1, 2): "19", (1, 3): "39",
             (2, 0): "其中", (2, 1): "条", (2, 2): "0", (2, 3): "0",
             (3, 1): "件", (3, 2): "1", (3, 3): "2"}
    texts += [cell_text(xs, ys, r, c, s) for (r, c), s in cells.items()]
    texts.append((72, 600, 12, "表后的说明文字。"))
    e = read_bytes(build_pdf([{"texts": texts, "lines": segs}]), "tbl.pdf")
    assert_sources(e)
    assert len(e.tables) == 1
    assert e.tables[0].rows == [
        ["指标名称", "单位", "数量", ""],
        ["主动公开文件数", "条", "19", "39"],
        ["其中", "条", "0", "0"],
        ["", "件", "1", "2"],
    ]
    assert lines_of(e)[0] == "附件：" and lines_of(e)[-1] == "表后的说明文字。"
    assert e.tables[0].first_line == 2
    assert e.line_sources[1] == {"page": 1, "table": 1, "row": 1}


def test_pdf_table_borders_as_thin_filled_bars() -> None:
    """Word draws cell borders as thin filled rectangles, not stroked lines."""
    segs, xs, ys = grid(72, 700, [120, 80], 2, 24)
    bars = [(min(a, c), min(b, d) - 0.25, max(abs(c - a), 0.5), max(abs(d - b), 0.5)) for a, b, c, d in segs]
    texts = [cell_text(xs, ys, 0, 0, "名称"), cell_text(xs, ys, 0, 1, "数量"),
             cell_text(xs, ys, 1, 0, "申请"), cell_text(xs, ys, 1, 1, "3")]
    e = read_bytes(build_pdf([{"texts": texts, "bars": bars}]), "bars.pdf")
    assert [t.rows for t in e.tables] == [[["名称", "数量"], ["申请", "3"]]]


def test_pdf_table_continued_on_next_page_is_one_table() -> None:
    header = ["指标名称", "单位", "2017", "历年累计"]
    widths = [150, 60, 60, 80]
    pages = []
    for chunk in ([header, ["a", "条", "1", "2"], ["b", "条", "3", "4"]], [header, ["c", "条", "5", "6"]]):
        segs, xs, ys = grid(72, 700, widths, len(chunk), 20)
        texts = [cell_text(xs, ys, r, c, s) for r, row in enumerate(chunk) for c, s in enumerate(row)]
        pages.append({"texts": texts, "lines": segs})
    e = read_bytes(build_pdf(pages), "two.pdf")
    assert len(e.tables) == 1
    assert e.tables[0].rows == [header, ["a", "条", "1", "2"], ["b", "条", "3", "4"], ["c", "条", "5", "6"]]
    assert [s["page"] for s in e.line_sources] == [1, 1, 1, 2]


def test_pdf_lone_rectangle_or_rule_is_not_a_table() -> None:
    texts = body_lines(["正文在方框中。"])
    e = read_bytes(build_pdf([{"texts": texts, "rects": [(60, 700, 400, 80)], "lines": [(72, 650, 500, 650)]}]), "r.pdf")
    assert e.tables == [] and lines_of(e) == ["正文在方框中。"]


def test_pdf_fixture_layout_removed() -> None:
    e = read_path(FORMATS / "001_aa4571093e99987a.pdf")
    assert_sources(e)
    assert "杉城镇人民政府2017年政府信息公开工作年度报告" not in e.text  # running header
    assert not re.search(r"第 \d+ 页 共 \d+ 页", e.text)
    pages = {s["page"] for s in e.line_sources}
    assert len(pages) >= 5


def test_pdf_textless_is_gip002(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    for data in (hostile.textless_pdf(), hostile.scanned_pdf()):
        err = refused(data, "scan.pdf")
        assert err.rule == "GIP002" and "scanned image with no text layer" in err.message_en
        assert "扫描" in err.message_zh


def test_pdf_scanned_page_among_text_pages_is_noted() -> None:
    data = build_pdf([{"texts": body_lines(["第一页正文。"])}, {"image": True}, {"texts": body_lines(["第三页正文。"])}])
    e = read_bytes(data, "mixed.pdf")
    assert lines_of(e) == ["第一页正文。", "第三页正文。"]
    assert [(n[0], n[3]) for n in e.notes] == [("GIP002", 2)]
    assert "page 2" in e.notes[0][2]


def fake_tool(tmp_path: Path, name: str, script: str) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    exe = bindir / name
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bindir


def test_pdf_ocr_with_tesseract_when_available(tmp_path: Path, monkeypatch) -> None:
    bindir = fake_tool(tmp_path, "tesseract", """
if [ "$1" = "--list-langs" ]; then echo "List of available languages (2):"; echo chi_sim; echo eng; exit 0; fi
head -c 2 "$1" | grep -q P5 || exit 3
printf '一、概 述\\n\\n本 报告 根据 条例 编制。\\n'
""")
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    e = read_bytes(hostile.textless_pdf(), "ocr.pdf")
    assert lines_of(e) == ["一、概述", "本报告根据条例编制。"]
    assert e.line_sources[0] == {"page": 1, "ocr": True}
    assert e.notes and e.notes[0][0] == "GIP002" and "OCR" in e.notes[0][2]


def test_pdf_page_limit() -> None:
    words = ["概述", "主动公开", "依申请公开", "收费减免", "复议诉讼", "问题改进"]
    data = build_pdf([{"texts": body_lines([f"{w}。"])} for w in words])
    err = refused(data, "many.pdf", Limits(max_pages=5))
    assert "6" in err.message_en and "5" in err.message_en
    assert len(lines_of(read_bytes(data, "many.pdf", Limits(max_pages=6)))) == 6


def test_pdf_encrypted_truncated_corrupt() -> None:
    assert "password" in refused(hostile.encrypted_pdf(), "enc.pdf").message_en
    assert "corrupt" in refused(hostile.truncated_pdf(), "cut.pdf").message_en
    assert "corrupt" in refused(b"%PDF-1.7\n" + os.urandom(64), "junk.pdf").message_en
    no_eof = build_pdf([{"texts": body_lines(["正文。"])}], eof=False)
    assert "incomplete" in refused(no_eof, "noeof.pdf").message_en


# =========================================================================== office (.doc/.wps/.odt)


def test_office_doc_without_libreoffice(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    err = refused(hostile.doc_file(), "report.doc")
    assert "另存为 .docx" in err.message_zh and "LibreOffice" in err.message_zh and ".doc" in err.message_zh
    err = refused(hostile.doc_file(), "report.wps")
    assert ".wps" in err.message_zh
    err = refused(hostile.odt_file(), "report.odt")
    assert ".odt" in err.message_zh


@pytest.mark.parametrize("maker,name,needle", [
    (hostile.encrypted_docx, "locked.docx", "password-protected"),
    (lambda: hostile.doc_file(encrypted=True), "locked.doc", "password-protected"),
    (lambda: hostile.odt_file(encrypted=True), "locked.odt", "password-protected"),
    (hostile.xls_file, "sheet.doc", "Excel"),
    (lambda: hostile.odt_file("application/vnd.oasis.opendocument.spreadsheet"), "s.ods", "not a text document"),
    (hostile.doc_header_only, "hdr.doc", "corrupt"),
])
def test_office_refusals_before_conversion(tmp_path: Path, monkeypatch, maker, name, needle) -> None:
    bindir = fake_tool(tmp_path, "soffice", "echo called > \"$0.called\"\nexit 1\n")
    monkeypatch.setenv("PATH", str(bindir))
    err = refused(maker(), name)
    assert needle in err.message_en
    assert not (bindir / "soffice.called").exists()


def test_office_converts_through_soffice(tmp_path: Path, monkeypatch) -> None:
    converted = tmp_path / "converted.docx"
    d = docx.Document()
    d.add_paragraph("一、概述")
    d.add_paragraph("由 LibreOffice 转换。")
    d.save(str(converted))
    bindir = fake_tool(tmp_path, "soffice", """
out=""; src=""
while [ $# -gt 0 ]; do
  case "$1" in --outdir) out="$2"; shift;; -*) ;; *) src="$1";; esac
  shift
done
echo "$src" > "$FAKE_LOG"
cp "$FAKE_DOCX" "$out/$(basename "${src%.*}").docx"
""")
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_DOCX", str(converted))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log"))
    original = tmp_path / "in" / "report.doc"
    original.parent.mkdir()
    original.write_bytes(hostile.doc_file())
    before = original.read_bytes()
    e = read_path(original)
    assert lines_of(e) == ["一、概述", "由 LibreOffice 转换。"]
    assert original.read_bytes() == before and sorted(os.listdir(original.parent)) == ["report.doc"]
    used = Path((tmp_path / "log").read_text().strip())
    assert used.parent != original.parent and used.suffix == ".doc"


def test_office_conversion_timeout(tmp_path: Path, monkeypatch) -> None:
    from gipcheck.read import office

    bindir = fake_tool(tmp_path, "soffice", "sleep 30\n")
    monkeypatch.setenv("PATH", f"{bindir}:/usr/bin:/bin")
    monkeypatch.setattr(office, "CONVERT_TIMEOUT", 1)
    err = refused(hostile.doc_file(), "slow.doc")
    assert "timed out" in err.message_en


# =========================================================================== a missing library


def test_missing_library_is_one_line(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "gipcheck.read.pdf", None)  # import → ImportError
    err = refused(hostile.text_pdf(), "x.pdf")
    assert "gipcheck[pdf]" in err.message_en


# =========================================================================== hostile bytes never escape as tracebacks

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SAMPLES = {ext: (FORMATS / f"002_871b05a060ee8a47.{ext}").read_bytes() for ext in ("docx", "html", "pdf")}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ext=st.sampled_from(["docx", "html", "pdf"]), cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=8)),
                                                                    min_size=1, max_size=4),
       truncate=st.floats(0.05, 1.0))
def test_mutated_fixtures_give_extracted_or_input_error(ext: str, cuts, truncate: float) -> None:
    data = bytearray(_SAMPLES[ext][: max(16, int(len(_SAMPLES[ext]) * truncate))])
    for where, junk in cuts:
        i = int(where * (len(data) - 1))
        data[i: i + len(junk)] = junk
    try:
        e = read_bytes(bytes(data), f"fuzz.{ext}")
    except InputError as err:
        assert "\n" not in err.message_en and f"fuzz.{ext}" in err.message_en
    else:
        assert e.line_sources is None or len(e.line_sources) == len(e.text.split("\n"))


@settings(max_examples=25, deadline=None)
@given(magic=st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html><body>"]),
       rest=st.binary(max_size=3000))
def test_random_bytes_behind_a_magic_number(magic: bytes, rest: bytes) -> None:
    try:
        read_bytes(magic + rest, "random.bin")
    except InputError as err:
        assert "\n" not in err.message_zh


def test_a_web_page_saved_as_txt_is_read_as_html(tmp_path) -> None:
    from gipcheck.read import detect_format

    page = "<!DOCTYPE html><html><body><div id='zoom'><p>一、概述</p></div></body></html>".encode()
    assert detect_format(page, "年报.txt") == "html"
    assert detect_format("一、概述\n<!-- gipcheck: disable=GIP602 -->\n".encode(), "年报.txt") == "text"
    assert detect_format("<p>片段</p>\n".encode(), "notes.md") == "text"


def test_pdf_one_glyph_text_object_in_a_non_embedded_font_is_read() -> None:
    """pdfium drops a one-glyph text object whose substitute font has no glyph for it (a table
    cell 条 on a machine without a CJK font); gipcheck's own substitute font keeps it, so what
    is read does not depend on the host's fonts."""
    e = read_bytes(build_pdf([{"texts": [(72, 760, 12, "条"), (120, 760, 12, "共"), (72, 740, 12, "无")]}]), "one.pdf")
    assert "".join(e.text.split()) == "条共无"
