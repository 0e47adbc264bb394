"""Reader "groups": one row of figures that holds groups × parts (table 四: 行政复议, 未经复议直接
起诉, 复议后起诉, each 结果维持 … 总计 — fifteen cells).

The table is found by its header words; when the header was flattened into the text above, a
bare row of exactly rows × columns figures in a section about 复议/诉讼 is taken.
"""
from __future__ import annotations

import re

from ..ast import Cell, PrescribedRow, PrescribedTable, Row, Span, Table
from .defs import TableDef
from .util import fold, rx, view_of


def _figures_row(cells: list[Cell]) -> bool:
    return bool(cells) and sum(1 for c in cells if c.value is not None) >= 3 and all(c.blank or c.value is not None for c in cells)


def _find(doc, d: TableDef) -> tuple[Table, list[Cell]] | None:
    for t in doc.tables:
        text = fold(" ".join(c.text for r in t.rows for c in r.cells))
        if not all(rx(h).search(text) for h in d.header):
            continue
        for r in t.rows:
            if _figures_row(r.cells):
                return t, r.cells
        return t, []
    width = len(d.rows) * len(d.columns)
    first = d.header[0] if d.header else "(?!)"
    for t in doc.tables:
        near = fold(view_of(doc)[max(0, t.span.start - 120):t.span.start])
        in_section = t.section is not None and re.search(r"复议|诉讼", t.section.heading.title)
        if (in_section or rx(first).search(near)) and len(t.rows) == 1 and len(t.rows[0].cells) == width \
                and _figures_row(t.rows[0].cells):
            return t, t.rows[0].cells
    return None


def _from_text(doc, d: TableDef) -> tuple[Table, list[Cell]] | None:
    """The table flattened into a line of text: its header words, then exactly rows × columns
    figures separated by spaces (``行政复议 行政诉讼 结果维持 … 总计 0 0 1 0 1 …``)."""
    view = view_of(doc)
    width = len(d.rows) * len(d.columns)
    if not d.header:
        return None
    for m in rx(d.header[0]).finditer(view):
        window = view[m.start():m.start() + 600]
        if not all(rx(h).search(fold(window)) for h in d.header[1:]):
            continue
        nm = re.search(rf"(?<![\d.])(?:\d+(?:\.\d+)?[ \t]+){{{width - 1}}}\d+(?:\.\d+)?(?![\d.])", window)
        if nm is None or re.search(r"[。；;]", window[:nm.start()]):
            continue
        base = m.start() + nm.start()
        cells = [Cell(x.group(0), float(x.group(0)), Span(base + x.start(), base + x.end()))
                 for x in re.finditer(r"\d+(?:\.\d+)?", nm.group(0))]
        span = Span(m.start(), base + len(nm.group(0)))
        return Table([Row(cells, span)], span, "flat-line"), cells
    return None


def read(doc, d: TableDef) -> PrescribedTable | None:
    found = _find(doc, d) or _from_text(doc, d)
    if not found:
        return None
    t, cells = found
    pt = PrescribedTable(d.id, tuple(d.col_keys()), t)
    n = len(d.columns)
    if len(cells) == len(d.rows) * n:
        for g, row in enumerate(d.rows):
            part = cells[g * n:g * n + n]
            pt.rows[row.key] = PrescribedRow(row.key, row.label, part, Span(part[0].span.start, part[-1].span.end))
    elif cells:
        pt.unreadable.append(PrescribedRow("", d.name.zh if d.name else d.id, cells,
                                           Span(cells[0].span.start, cells[-1].span.end)))
    else:
        pt.empty = True
    return pt
