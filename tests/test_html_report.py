"""The HTML report a clerk reads: tables as grids with the offending cells marked, findings about
the whole report at the top, places in the report's language, its words and styles as package data."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
import yaml

from gipcheck import api
from gipcheck.cli import rule_meta
from gipcheck.model import FileResult, Finding, RunResult
from gipcheck.report import ReportContext
from gipcheck.report.html import asset, place_text, render

from test_html_browser import browser  # noqa: F401  (the Chromium fixture)

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ROOT / "examples" / "2019_shanghai_bangongting.txt"  # real report: tables as | rows
WORD = ROOT / "examples" / "002_871b05a060ee8a47.docx"


def _page(path: Path, lang: str = "zh") -> tuple[str, FileResult]:
    fr = api.check_file(path, api.Options(lang=lang))
    return render(RunResult([fr]), ReportContext(lang=lang, rules=rule_meta(api.rules()))), fr


def test_tables_are_grids_with_the_offending_cells_marked():
    page, fr = _page(SHANGHAI)
    assert fr.grids, "the parsed tables are located cell by cell"
    tables = re.findall(r'<table class="grid">.*?</table>', page, re.S)
    assert len(tables) == len(fr.grids)
    rows = sum(len(g["rows"]) for g in fr.grids)
    assert len(re.findall(r'<tr class="line grid-row', page)) == rows
    # a row is a grid row with one cell per column, not a line of text with | in it
    row50 = re.search(r'<tr class="line grid-row[^"]*" id="f0-L50" data-line="50">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row50, re.S)
    assert re.sub(r"<mark[^>]*>.*?</mark>|<[^>]+>", "", cells[0]) == "一、本年新收政府信息公开申请数量"
    assert re.sub(r"<[^>]+>", "", cells[1]) == "821"
    assert "|" not in re.sub(r"<[^>]+>", "", row50)
    # the highlight is on the cells a finding covers, never on rows it does not touch
    gip406 = [f for f in fr.findings if f.rule == "GIP406"]
    assert gip406 and all(f.line not in {r["line"] for g in fr.grids for r in g["rows"]} for f in gip406)
    bad_rows = set(re.findall(r'<tr class="line grid-row has-finding[^"]*" id="f0-L(\d+)"', page))
    finding_lines = {str(f.line) for f in fr.findings}
    assert bad_rows and bad_rows <= finding_lines
    for table in tables:
        for tr in re.findall(r'<tr class="line grid-row(?! has-finding)[^>]*>.*?</tr>', table, re.S):
            assert 'class="bad' not in tr


def test_grid_cell_highlight_only_covers_the_cell_of_the_finding():
    lines = ["表格", "项目 | 本年 | 上年", "合计 | 70 | 80"]
    grids = [{"rows": [{"line": 2, "cells": [[0, 2], [5, 7], [10, 12]]},
                       {"line": 3, "cells": [[0, 2], [5, 7], [10, 12]]}]}]
    fr = FileResult("t.txt", "gip-2021", {}, [Finding("GIP404", "error", "合计不符", 3, 6, 3, 8)],
                    lines=lines, grids=grids)
    page = render(RunResult([fr]), ReportContext())
    row = re.search(r'id="f0-L3" data-line="3">(.*?)</tr>', page, re.S).group(1)
    tds = re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S)
    assert [("bad" in a) for a, _ in tds] == [False, True, False]
    assert '<span class="hl hl-error" data-fids="f0-0">70</span>' in tds[1][1]
    assert '<mark class="finding sev-error" id="m-f0-0"' in tds[1][1]


def test_whole_report_findings_at_the_top_not_on_line_1():
    page, fr = _page(WORD)
    whole = re.search(r'<div class="whole" id="f0-whole">(.*?)</div></div>', page, re.S)
    assert whole and 'data-rule="GIP102"' in whole.group(1)
    line1 = re.search(r'<div class="line[^"]*" id="f0-L1" data-line="1">.*?</div>', page).group(0)
    assert "<mark" not in line1 and "has-finding" not in line1
    assert page.index('id="f0-whole"') < page.index('id="f0-L1"')
    assert re.search(r'<li class="finding-item[^"]*"[^>]*data-rule="GIP102"[^>]*data-target="f0-whole"', page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_places_in_the_reports_language(lang):
    page, _ = _page(WORD, lang)
    if lang == "zh":
        assert "第 14 段" in page and "paragraph 14" not in page
    else:
        assert "paragraph 14" in page and "第 14 段" not in page
    fr = FileResult("t.docx", "gip-2021", {}, [Finding("GIP404", "error", "x", 2, 1, 2, 3,
                                                       source={"table": 3, "row": 25})], lines=["a", "合计 | 1"])
    zh = render(RunResult([fr]), ReportContext(lang="zh"))
    assert "第 3 个表格第 25 行" in zh and "table 3" not in zh
    assert "table 3, row 25" in render(RunResult([fr]), ReportContext(lang="en"))
    assert place_text({"page": 4, "heading": "二、主动公开"}, "zh") == "第 4 页，“二、主动公开”部分"
    assert place_text({"element": "div#zoom > p:nth-of-type(3)"}, "zh") == ""  # a CSS path is not for a clerk


def test_words_and_styles_are_package_data():
    strings = yaml.safe_load(asset("strings.yaml"))
    for part in ("report", "place", "page"):
        assert set(strings["zh"][part]) == set(strings["en"][part]), part
    page, _ = _page(WORD)
    assert asset("report.css").strip()[:40] in page and asset("report.js").strip()[:40] in page
    import gipcheck.report.html as html_module

    source = Path(html_module.__file__).read_text(encoding="utf-8")
    assert "{box-sizing" not in source and "addEventListener" not in source  # not inline in the code


def test_grid_in_a_browser(browser, tmp_path):  # noqa: F811
    page, fr = _page(SHANGHAI)
    out = tmp_path / "grid.html"
    out.write_text(page, encoding="utf-8")
    cdp = browser
    cdp.call("Page.enable")
    cdp.call("Runtime.enable")
    cdp.call("Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False)
    cdp.call("Page.navigate", url=out.as_uri())
    cdp.wait_for("document.readyState === 'complete' && !!document.querySelector('table.grid')", "page load")
    # cells line up in columns: the first cells of consecutive rows share their left edge
    lefts = cdp.js("""Array.from(document.querySelectorAll('#f0-L50 td, #f0-L51 td')).map(
        td => Math.round(td.getBoundingClientRect().left))""")
    assert lefts[0] == lefts[len(lefts) // 2]
    cdp.click('li.finding-item[data-line="50"]')
    cdp.wait_for("""(() => { const r = document.getElementById('f0-L50').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; })()""", "scroll to the row")
    shot = cdp.call("Page.captureScreenshot", format="png")
    target = ROOT / "test-output" / "html-grid.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))
    assert target.stat().st_size > 10_000
