"""A 2019 report as its web page publishes it: one table for the five 第二十条 blocks, table 三
with colspan=3 row labels, a rowspan=20 group cell and rowspan=8/3/5 sub-groups, table 四 with a
three-row header. The span structure is the one the 2019 Shanghai page uses; the figures come
from the text fixture. The same rules must fire as on the text version."""
from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

import gipcheck

pytest.importorskip("selectolax")
FIX = Path(__file__).parent / "fixtures" / "reports" / "2019_shanghai_bangongting.txt"


def td(text: str, **attrs: int) -> str:
    a = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<td{a}><p>{escape(text) if text else '&nbsp;'}</p></td>"


def cells(parts: list[str]) -> str:
    return "".join(td(x) for x in parts)


def page() -> str:
    lines = FIX.read_text(encoding="utf-8").split("\n")
    paras = lines[:26]
    t2 = lines[27:45]
    t3 = lines[49:72]
    t4 = lines[77]
    tail = lines[78:]
    body = [f"<p>{escape(x)}</p>" for x in paras]
    body.append("<p>二、主动公开政府信息情况</p><table border=1><tbody>")
    for ln in t2:
        parts = [x.strip() for x in ln.split("|")]
        if len(parts) == 1:
            body.append(f"<tr>{td(parts[0], colspan=5)}</tr>")
        elif len(parts) == 3:  # blocks (八)/(九): two value columns of colspan 2
            body.append(f"<tr>{td(parts[0])}{td(parts[1], colspan=2)}{td(parts[2], colspan=2)}</tr>")
        else:
            body.append(f"<tr>{td(parts[0])}{td(parts[1])}{td(parts[2], colspan=2)}{td(parts[3])}</tr>")
    body.append("</tbody></table><p>三、收到和处理政府信息公开申请情况</p><table border=1><tbody>")
    body.append("<tr>" + td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3)
                + td("申请人情况", colspan=7) + "</tr>")
    body.append("<tr>" + td("自然人", rowspan=2) + td("法人或其他组织", colspan=5) + td("总计", rowspan=2) + "</tr>")
    body.append("<tr>" + cells(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]) + "</tr>")
    groups = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5}
    for ln in t3:
        parts = [x.strip() for x in ln.split("|")]
        values = parts[-7:]
        labels = parts[:-7]
        if labels[0].startswith(("一、", "二、", "四、")):
            body.append("<tr>" + td(labels[0], colspan=3) + cells(values) + "</tr>")
        elif labels[0] == "三、本年度办理结果":
            body.append("<tr>" + td(labels[0], rowspan=20) + td(labels[1], colspan=2) + cells(values) + "</tr>")
        elif labels[0] in groups:
            body.append("<tr>" + td(labels[0], rowspan=groups[labels[0]]) + td(labels[1]) + cells(values) + "</tr>")
        elif labels[0].startswith("（"):
            body.append("<tr>" + td(labels[0], colspan=2) + cells(values) + "</tr>")
        else:
            body.append("<tr>" + td(labels[0]) + cells(values) + "</tr>")
    body.append("</tbody></table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1><tbody>")
    body.append("<tr>" + td("行政复议", colspan=5) + td("行政诉讼", colspan=10) + "</tr>")
    body.append("<tr>" + "".join(td(x, rowspan=2) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
                + td("未经复议直接起诉", colspan=5) + td("复议后起诉", colspan=5) + "</tr>")
    body.append("<tr>" + cells(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "</tr>")
    body.append("<tr>" + cells([x.strip() for x in t4.split("|")]) + "</tr></tbody></table>")
    body += [f"<p>{escape(x)}</p>" for x in tail if x.strip()]
    chrome = "<div class='nav'>首页 &gt; 政府信息公开 &gt; 年报</div>"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>年报</title></head><body>{chrome}"
            f"<div id='zoom'>{''.join(body)}</div><div class='footer'>【打印本页】【关闭窗口】</div></body></html>")


def test_web_page_with_spans_gives_the_text_versions_findings(tmp_path: Path):
    html_file = tmp_path / "2019_shanghai.html"
    html_file.write_text(page(), encoding="utf-8")
    text_rules = sorted({f.rule for f in gipcheck.check(FIX).findings})
    res = gipcheck.check(html_file)
    html_rules = sorted({f.rule for f in res.findings})
    assert html_rules == text_rules, [(f.rule, f.line, f.message) for f in res.findings]
    assert res.profile == "gip-2019"
    # the sum and text checks saw the real figures: 无法提供 265 vs 337 is reported
    assert any("265" in f.message and "337" in f.message for f in res.findings if f.rule == "GIP406")
    located = [f for f in res.findings if f.rule in ("GIP403", "GIP406")]
    assert located and all(f.source and "element" in f.source for f in located)
