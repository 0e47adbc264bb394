"""Reader "stats-2008": the 2008-era appended statistics table (政府信息公开情况统计表).

No national form existed: a table is a statistics table when its row labels hit enough of the
definition's ``row_hints``. Rows are kept in order with their labels as written; they nest by
the 其中 structure (``families``); value columns are the mostly numeric ones, and the year and
历年累计 columns get the keys ``year`` and ``cumulative`` so identities can name them.

A table flattened onto one line (``指标名称 计量单位 2010年度 历年累计 主动公开信息数 条 356 1208
其中：1.网站公开 条 349 1170 …``) is read as label, unit and one number per column when the cells
are separated by spaces; when the digits run together (``条31284415``) the table is present but
unreadable.
"""
from __future__ import annotations

import re

from ..ast import Cell, PrescribedRow, PrescribedTable, Row, Span, Table
from .defs import TableDef
from .util import rx


def _label(row: Row) -> str:
    for c in row.cells:
        if c.text and c.value is None:
            return re.sub(r"\s", "", c.text)
    return ""


def is_stats_table(t: Table, d: TableDef) -> bool:
    labels = "".join(_label(r) for r in t.rows)
    return sum(1 for h in d.row_hints if rx(h).search(labels)) >= 2


def _value_columns(t: Table) -> list[int]:
    body = t.rows[1:]
    width = max(len(r.cells) for r in t.rows)
    cols = []
    for j in range(width):
        cells = [r.cells[j] for r in body if j < len(r.cells)]
        if cells and sum(1 for c in cells if c.value is not None) >= len(cells) * 0.6:
            cols.append(j)
    return cols


def _column_keys(headers: list[str], d: TableDef) -> list[str]:
    keys: list[str] = []
    for j, h in enumerate(headers):
        if "year" not in keys and rx(d.year_column).search(h):
            keys.append("year")
        elif "cumulative" not in keys and rx(d.cumulative_column).search(h):
            keys.append("cumulative")
        else:
            keys.append(f"c{j + 1}")
    return keys


def families(labels: list[str], d: TableDef) -> list[tuple[int, list[int]]]:
    """(parent row, child rows) from the 其中 structure, as indexes into ``labels``."""
    f = d.families
    if f is None:
        return []
    out: list[tuple[int, list[int]]] = []
    current: tuple[int, list[int]] | None = None
    for i, label in enumerate(labels):
        if rx(f.intro).search(label):
            if i > 0:
                current = (i - 1, [i])
                out.append(current)
        elif current and rx(f.child).search(label):
            current[1].append(i)
        else:
            current = None
    return out


def _from_grid(t: Table, d: TableDef) -> PrescribedTable | None:
    if len(t.rows) < 2:
        return None
    value_cols = _value_columns(t)
    if not value_cols:
        return None
    header = [c.text for c in t.rows[0].cells]
    names = [header[j] if j < len(header) and header[j] else str(j + 1) for j in value_cols]
    keys = _column_keys([header[j] if j < len(header) else "" for j in value_cols], d)
    pt = PrescribedTable(d.id, tuple(keys), t)
    pt.col_labels = dict(zip(keys, names))
    for r in t.rows[1:]:
        label = _label(r)
        values = [r.cells[j] if j < len(r.cells) else None for j in value_cols]
        ro = PrescribedRow(label, label, values, r.span)  # type: ignore[arg-type]
        pt.order.append(ro)
        if label:
            pt.rows.setdefault(label, ro)
    pt.families = families([ro.label for ro in pt.order], d)
    return pt


_UNITS = r"(?:万元|条|件|元|项|个|次|人|篇)"
_HEADER = re.compile(r"指标名称\s*(?:计量\s*单位|单位)\s*(?P<cols>(?:(?:(?:19|20)\d\d\s*年度?|本年度?|历年\s*累计|累计)\s*){1,4})")
_NUM = r"\d+(?:\.\d+)?"


def _from_line(doc, d: TableDef) -> tuple[PrescribedTable | None, tuple[Span, str] | None]:
    """A statistics table flattened onto one line of the view."""
    view = doc.source.view
    for m in _HEADER.finditer(view):
        cols = re.findall(r"(?:19|20)\d\d\s*年度?|本年度?|历年\s*累计|累计", m.group("cols"))
        n = len(cols)
        names = [re.sub(r"\s", "", c) for c in cols]
        keys = _column_keys(names, d)
        row_re = re.compile(rf"[\s|]*(?P<label>[^\s|](?:.*?[^\s|])?)[\s|]*(?P<unit>{_UNITS})[\s|]*"
                            rf"(?P<nums>{_NUM}(?:[\s|]+{_NUM}){{{n - 1}}})(?![\d.])")
        line_end = view.find("\n", m.end())
        line_end = len(view) if line_end == -1 else line_end
        pos = m.end()
        rows: list[PrescribedRow] = []
        while pos < line_end:
            rm = row_re.match(view, pos, line_end)
            if not rm or len(rm.group("label")) > 40:
                break
            cells = []
            for nm in re.finditer(_NUM, rm.group("nums")):
                a = rm.start("nums") + nm.start()
                cells.append(Cell(nm.group(0), float(nm.group(0)), Span(a, a + len(nm.group(0)))))
            label = re.sub(r"\s", "", rm.group("label"))
            rows.append(PrescribedRow(label, label, cells, Span(rm.start("label"), rm.end())))  # type: ignore[arg-type]
            pos = rm.end()
        hints = sum(1 for h in d.row_hints if any(rx(h).search(r.label) for r in rows))
        if len(rows) >= 3 and hints >= 2:
            span = Span(m.start(), rows[-1].span.end)
            table = Table([Row(r.values, r.span) for r in rows], span, "flat-line")
            pt = PrescribedTable(d.id, tuple(keys), table)
            pt.col_labels = dict(zip(keys, names))
            for ro in rows:
                pt.order.append(ro)
                pt.rows.setdefault(ro.label, ro)
            pt.families = families([ro.label for ro in pt.order], d)
            return pt, None
        rest = view[m.end():min(line_end, m.end() + 200)]
        if any(rx(h).search(rest) for h in d.row_hints) and re.search(rf"{_UNITS}\s*\d{{4,}}", rest):
            return None, (Span(m.start(), min(line_end, m.end() + 60)), "run-together")
    return None, None


def _unreadable_lines(doc, d: TableDef) -> list:
    """Lines outside any table that hold a statistics label and figures: a table whose cells
    were run together (or laid out so that they cannot be split without guessing)."""
    in_table = [(t.span.start, t.span.end) for t in doc.tables]
    out = []
    for ln in doc.lines:
        text = ln.text.strip()
        if any(a <= ln.start < b for a, b in in_table) or len(text) > 60:
            continue
        if re.search(r"\d", text) and any(rx(h).search(text) for h in d.row_hints) and \
                re.search(r"(数|总数)\s*[|\t ]*(条|件)?\s*[|\t ]*\d+\s*$", text):
            out.append(ln)
    return out if len(out) >= 3 else []


def read(doc, d: TableDef) -> tuple[list[PrescribedTable], bool, tuple[Span, str] | None]:
    """Every statistics table of the document (grids first, else one flattened onto a line),
    whether one is present at all, and where one is present but cannot be read (span, why)."""
    stats = [t for t in doc.tables if is_stats_table(t, d)]
    found = [pt for t in stats for pt in [_from_grid(t, d)] if pt is not None]
    if stats:
        return found, True, None
    pt, bad = _from_line(doc, d)
    if pt is not None:
        return [pt], True, None
    if bad is not None:
        return [], True, bad
    lines = _unreadable_lines(doc, d)
    if lines:
        return [], True, (Span(lines[0].start, lines[0].end), f"lines:{len(lines)}")
    return [], False, None
