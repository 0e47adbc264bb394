"""Tables and the figures around them in the 2008 era (GIP401, 403, 404, 406, 407).

The 2008-era appended statistics table has no national form: rows are read by their 其中
structure (a row "其中：1.…" and the numbered rows after it are parts of the row before),
columns by their headers (the year column, 历年累计). The prescribed 2019/2021 tables have
their own module (``prescribed.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import Field

from ..ast import Cell, Span, Table
from . import Context, Hit, Params, Regex, check, in_part_clause


def _label(row) -> str:
    for c in row.cells:
        if c.text and c.value is None:
            return re.sub(r"\s", "", c.text)
    return ""


def is_stats_table(t: Table, hints: list[str]) -> bool:
    labels = "".join(_label(r) for r in t.rows)
    return sum(1 for h in hints if re.search(h, labels)) >= 2


class TablePresentParams(Params):
    row_hints: list[Regex]
    announced: list[Regex] = Field(default_factory=list)  # text that promises a table (附表, 见附件 …)


def unreadable_stats_lines(ctx: Context, hints: list[str]) -> list:
    """Lines outside any table that hold a statistics label and figures: a table whose cells
    were run together (or laid out so that they cannot be split without guessing)."""
    in_table = [(t.span.start, t.span.end) for t in ctx.doc.tables]
    out = []
    for ln in ctx.doc.lines:
        text = ln.text.strip()
        if any(a <= ln.start < b for a, b in in_table) or len(text) > 60:
            continue
        if re.search(r"\d", text) and any(re.search(h, text) for h in hints) and \
                re.search(r"(数|总数)\s*[|\t ]*(条|件)?\s*[|\t ]*\d+\s*$", text):
            out.append(ln)
    return out if len(out) >= 3 else []


@check("stats_table_unreadable", TablePresentParams)
def stats_table_unreadable(ctx: Context, p: TablePresentParams) -> list[Hit]:
    """Fires when statistics rows are present but not as a table whose cells can be separated."""
    if any(is_stats_table(t, p.row_hints) for t in ctx.doc.tables):
        return []
    lines = unreadable_stats_lines(ctx, p.row_hints)
    if not lines:
        return []
    return [Hit(Span(lines[0].start, lines[0].end), {"table": "统计表", "table_en": "the statistics table",
                                                     "why": f"{len(lines)} 行数字未分隔成单元格",
                                                     "why_en": f"{len(lines)} rows whose figures are not in cells"})]


@check("stats_table_present", TablePresentParams)
def stats_table_present(ctx: Context, p: TablePresentParams) -> list[Hit]:
    """Fires when the appended statistics table is absent; an error when the text announces it."""
    if any(is_stats_table(t, p.row_hints) for t in ctx.doc.tables) or unreadable_stats_lines(ctx, p.row_hints):
        return []
    view = ctx.doc.view
    for pat in p.announced:
        m = re.search(pat, view)
        if m:
            return [Hit(Span(m.start(), m.end()), {"announced": m.group(0)}, severity="error")]
    return [Hit(None)]


@dataclass
class _Grid:
    label_col: int
    value_cols: list[int]  # numeric columns
    year_col: int | None
    cumulative_col: int | None
    header: list[str]


def _grid(t: Table) -> _Grid | None:
    header = [c.text for c in t.rows[0].cells]
    body = t.rows[1:]
    if not body:
        return None
    width = max(len(r.cells) for r in t.rows)
    value_cols = []
    for j in range(width):
        cells = [r.cells[j] for r in body if j < len(r.cells)]
        if cells and sum(1 for c in cells if c.value is not None) >= len(cells) * 0.6:
            value_cols.append(j)
    if not value_cols:
        return None
    year_col = next((j for j in value_cols if j < len(header) and re.search(r"(19|20)\d\d|本年|本期", header[j])), None)
    cum_col = next((j for j in value_cols if j < len(header) and re.search(r"累计", header[j])), None)
    return _Grid(0, value_cols, year_col, cum_col, header)


class StatsParams(Params):
    row_hints: list[Regex]
    overlapping_parents: list[Regex] = Field(default_factory=list)  # parts may overlap: only part ≤ total
    catch_all: str = "其他|其它"


def _families(t: Table) -> list[tuple[int, list[int]]]:
    """(parent row, child rows) from the 其中 structure."""
    fams: list[tuple[int, list[int]]] = []
    current: tuple[int, list[int]] | None = None
    for i, r in enumerate(t.rows[1:], start=1):
        label = _label(r)
        if label.startswith("其中"):
            if i > 1:
                current = (i - 1, [i])
                fams.append(current)
        elif current and re.match(r"^\d+[.、]", label):
            current[1].append(i)
        else:
            current = None
    return fams


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@check("stats_table_2008", StatsParams)
def stats_table_2008(ctx: Context, p: StatsParams) -> list[Hit]:
    """Fires where a 其中 part exceeds its total, the parts do not add up, or 历年累计 < the year."""
    hits = []
    for t in ctx.doc.tables:
        if not is_stats_table(t, p.row_hints):
            continue
        g = _grid(t)
        if g is None:
            continue
        for parent, kids in _families(t):
            prow = t.rows[parent]
            plabel = _label(prow)
            overlap = any(re.search(x, plabel) for x in p.overlapping_parents)
            has_catch_all = any(re.search(p.catch_all, _label(t.rows[k])) for k in kids)
            for j in g.value_cols:
                if j >= len(prow.cells) or prow.cells[j].value is None:
                    continue
                total = prow.cells[j].value
                parts = [t.rows[k].cells[j].value for k in kids if j < len(t.rows[k].cells)]
                parts = [x for x in parts if x is not None]
                col = g.header[j] if j < len(g.header) else str(j + 1)
                for k in kids:
                    c = t.rows[k].cells[j] if j < len(t.rows[k].cells) else None
                    if c is not None and c.value is not None and c.value > total:
                        hits.append(Hit(c.span, {"what": f"“{_label(t.rows[k])}”（{col}）不应大于“{plabel}”",
                                                 "what_en": f"'{_label(t.rows[k])}' ({col}) exceeds its total '{plabel}'",
                                                 "expected": f"≤ {_fmt(total)}", "found": _fmt(c.value)}))
                if overlap or not parts:
                    continue
                s = sum(parts)
                if s != total and (s > total or has_catch_all):
                    sev = None
                elif s < total:
                    sev = "warning"
                else:
                    continue
                expr = "+".join(_fmt(x) for x in parts)
                hits.append(Hit(prow.cells[j].span, {
                    "what": f"“{plabel}”（{col}）应为各分项之和 {_fmt(s)}（{expr}）",
                    "what_en": f"'{plabel}' ({col}) should be the sum of its parts, {_fmt(s)} ({expr})",
                    "expected": _fmt(s), "found": _fmt(total)}, severity=sev))
        if g.year_col is not None and g.cumulative_col is not None:
            for r in t.rows[1:]:
                if max(g.year_col, g.cumulative_col) >= len(r.cells):
                    continue
                y, c = r.cells[g.year_col].value, r.cells[g.cumulative_col].value
                if y is not None and c is not None and c < y:
                    hits.append(Hit(r.cells[g.cumulative_col].span, {
                        "what": f"“{_label(r)}”的历年累计不应小于本年数", "what_en": f"'{_label(r)}': the cumulative figure is below this year's",
                        "expected": f"≥ {_fmt(y)}", "found": _fmt(c)}))
    return hits


class CellParams(Params):
    row_hints: list[Regex]


@check("stats_cells_2008", CellParams)
def stats_cells_2008(ctx: Context, p: CellParams) -> list[Hit]:
    """Fires on a count cell of the statistics table that is blank, text or negative."""
    hits = []
    for t in ctx.doc.tables:
        if not is_stats_table(t, p.row_hints):
            continue
        g = _grid(t)
        if g is None:
            continue
        blanks, first = 0, None
        for r in t.rows[1:]:
            for j in g.value_cols:
                if j >= len(r.cells):
                    continue
                c = r.cells[j]
                if c.blank or c.text.strip() in ("-", "—", "/", "－", "——"):
                    blanks += 1
                    first = first or c.span
                elif c.value is None or c.value < 0:
                    hits.append(Hit(c.span, {"row": _label(r), "found": c.text}))
        if blanks:
            hits.append(Hit(first, {"table": "统计表", "table_en": "the statistics table", "count": blanks},
                            severity="info", variant="blank"))
    return hits


class TextTableParams(Params):
    row_hints: list[Regex]
    figures: list[dict[str, Regex]]  # {text: regex with (?P<n>…), row: regex on the row label}


@check("text_table_2008", TextTableParams)
def text_table_2008(ctx: Context, p: TextTableParams) -> list[Hit]:
    """Fires when a figure stated in the text matches no cell of the table row that holds it."""
    tables = [t for t in ctx.doc.tables if is_stats_table(t, p.row_hints)]
    if not tables:
        return []
    t = tables[0]
    g = _grid(t)
    if g is None:
        return []
    body = ctx.doc.body_text()
    hits = []
    for fig in p.figures:
        row = next((r for r in t.rows[1:] if re.search(fig["row"], _label(r))), None)
        if row is None:
            continue
        values = {row.cells[j].value for j in g.value_cols if j < len(row.cells)}
        for m in re.finditer(fig["text"], body):
            n = float(m.group("n"))
            if in_part_clause(body, m.start(), r"其中|包括"):
                continue
            if n not in values:
                cell = row.cells[g.year_col] if g.year_col is not None and g.year_col < len(row.cells) else row.cells[-1]
                hits.append(Hit(Span(m.start("n"), m.end("n")), {
                    "label": _label(row), "text_value": m.group("n"),
                    "table_value": "、".join(_fmt(v) for v in sorted(x for x in values if x is not None)),
                    "table_value_en": ", ".join(_fmt(v) for v in sorted(x for x in values if x is not None))},
                    variant="alternatives" if len({x for x in values if x is not None}) > 1 else None))
    return hits


_NUM_UNIT = r"(?P<n>\d+)\s*(?P<u>[条件项个篇次人家])"


class BreakdownParams(Params):
    total: Regex = r"(?:共|合计|总计|累计)[^,;。\n]{0,30}?(?P<n>\d+)\s*(?P<u>[条件项个篇次家])"
    parts: str = r"(?P<n>\d+)\s*(?P<u>[条件项个篇次家])"
    intro: str = r"^[,:]?\s*其中\s*[,:]?"
    catch_all: str = "其他|其它|其余|另有"
    # parts named after channels can overlap (one item on the website and on WeChat): only part ≤ total
    overlap: str = "网站|网|微博|微信|公众号|公报|报刊|报纸|广播|电视|媒体|平台|客户端|公开栏|渠道|APP|App|app"


@check("text_breakdown", BreakdownParams)
def text_breakdown(ctx: Context, p: BreakdownParams) -> list[Hit]:
    """Fires when '共N…，其中…' parts (same unit, up to the clause end) do not add up."""
    body = ctx.doc.body_text()
    hits = []
    for m in re.finditer(p.total, body):
        rest_start = m.end()
        intro = re.match(p.intro, body[rest_start:rest_start + 6])
        if not intro:
            continue
        seg_start = rest_start + intro.end()
        seg_end = min(x for x in (body.find("。", seg_start), body.find(";", seg_start), body.find("\n", seg_start), len(body)) if x != -1)
        segment = re.sub(r"\([^()]*\)|（[^（）]*）", lambda x: " " * len(x.group(0)), body[seg_start:seg_end])
        parts = [pm for pm in re.finditer(p.parts, segment) if pm.group("u") == m.group("u")]
        if re.search(p.overlap, segment) and sum(int(x.group("n")) for x in parts) > int(m.group("n")):
            continue
        if len(parts) < 2:
            continue
        # a percentage or a "占" after a part means shares, not more parts
        total = int(m.group("n"))
        s = sum(int(x.group("n")) for x in parts)
        catch = re.search(p.catch_all, segment)
        if s > total or (s < total and catch):
            expr = "+".join(x.group("n") for x in parts)
            hits.append(Hit(Span(m.start("n"), m.end("n")), {"total": total, "sum": s, "expr": expr,
                                                              "unit": m.group("u")}))
    return hits


def stats_numbers(ctx: Context, hints: list[str]) -> dict[str, dict[str, float | None]] | None:
    """The 2008 statistics table as {row label: {column header: number}}; None when absent."""
    for t in ctx.doc.tables:
        if not is_stats_table(t, hints):
            continue
        g = _grid(t)
        if g is None:
            return None
        out: dict[str, dict[str, float | None]] = {}
        for r in t.rows[1:]:
            label = _label(r)
            if label:
                out[label] = {(g.header[j] if j < len(g.header) and g.header[j] else str(j + 1)):
                              (r.cells[j].value if j < len(r.cells) else None) for j in g.value_cols}
        return out
    return None
