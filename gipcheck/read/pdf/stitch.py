"""A ruled table continued on the next page joins its first part: the two parts' columns are
laid on one set of boundaries (a part may lack a rule the other has, where its cells are
merged), a repeated header row is dropped, and a row the page break cut in two (Word and WPS
let a row break across pages) is put back together, cell by cell."""
from __future__ import annotations

import re
from typing import Any

from ...lexicon import HEADING_START
from .chars import _join
from .grids import _TOL, _Table, _cluster

_FRAME_TOL = 3.0  # points: how far the outer rules of two parts of one table may differ
_NUMBER = re.compile(r"^[\s\d.,，%+\-－—]+$")


def merge_tables(items: list[Any]) -> list[Any]:
    """Join each table continued at the top of the next page to its first part."""
    out: list[Any] = []
    for it in items:
        prev = out[-1] if out else None
        if isinstance(it, _Table) and isinstance(prev, _Table) and it.page != prev.pages[-1] and _same_frame(prev, it):
            _append_part(prev, it)
            continue
        if isinstance(it, _Table):
            it.pages = [it.page] * len(it.rows)
        out.append(it)
    return out


def _same_frame(a: _Table, b: _Table) -> bool:
    """The same table: as many columns, or the same outer rules (its inner rules may differ)."""
    if a.rows and b.rows and len(a.rows[0]) == len(b.rows[0]):
        return True
    return bool(a.xs and b.xs) and abs(a.x0 - b.x0) <= _FRAME_TOL and abs(a.x1 - b.x1) <= _FRAME_TOL


def _widen(table: _Table, bounds: list[float]) -> None:
    """Lay the table's columns on ``bounds`` (a superset of its own): a column split by a rule
    the table lacks keeps its text in its leftmost part, as a merged cell does."""
    if not table.xs or len(table.xs) == len(bounds):
        return
    where = [min(range(len(bounds) - 1), key=lambda k: abs(bounds[k] - x)) for x in table.xs[:-1]]
    width = len(bounds) - 1
    rows, roots = [], []
    for r, (row, row_roots) in enumerate(zip(table.rows, table.roots or [[]] * len(table.rows))):
        new_row = [""] * width
        new_roots = [(r, k) for k in range(width)]
        for c, text in enumerate(row):
            new_row[where[c]] = text
        for c in range(len(row)):
            span_end = where[c + 1] if c + 1 < len(where) else width
            root_r, root_c = row_roots[c] if row_roots else (r, c)
            for k in range(where[c], span_end):
                new_roots[k] = (root_r, where[root_c])
        rows.append(new_row)
        roots.append(new_roots)
    table.rows, table.roots, table.xs = rows, roots, list(bounds)


def _continues_row(prev: _Table, first: list[str]) -> bool:
    """The first row of a part is the rest of the part before's last row: only text, no
    number, no row marker, and every piece below a cell that has text."""
    filled = [c for c, text in enumerate(first) if text.strip()]
    if not filled or not prev.rows or not prev.roots:
        return False
    for c in filled:
        if _NUMBER.match(first[c]) or HEADING_START.match(first[c]):
            return False
        r0, c0 = prev.roots[-1][c]
        if not prev.rows[r0][c0].strip():
            return False
    return True


def _continue_merged_cells(prev: _Table, rows: list[list[str]], roots: list[list[tuple[int, int]]]
                           ) -> dict[tuple[int, int], tuple[int, int]]:
    """A cell merged over rows on both sides of the break (三、本年度办理结果 down the left of the
    result rows) is one cell: its text on the next page joins its text on the page before.
    Only where the cell spans rows on both pages, and the piece is text, not a new group's
    label (a marker after a cell that has text of its own)."""
    joined: dict[tuple[int, int], tuple[int, int]] = {}
    if not prev.roots:
        return joined
    last = len(prev.rows) - 1
    for c, text in enumerate(rows[0]):
        r0, c0 = prev.roots[-1][c]
        spans_prev = r0 < last and (r0, c0) == prev.roots[r0][c]
        spans_part = roots[0][c] == (0, c) and any(row_roots[c] == (0, c) for row_roots in roots[1:])
        if not (text.strip() and spans_prev and spans_part) or _NUMBER.match(text):
            continue
        if prev.rows[r0][c0].strip() and HEADING_START.match(text):
            continue  # a cell of its own that starts a new group
        prev.rows[r0][c0] = _join(prev.rows[r0][c0], text)
        rows[0][c] = ""
        joined[(0, c)] = (r0, c0)
    return joined


def _append_part(prev: _Table, part: _Table) -> None:
    if prev.xs and part.xs and len(prev.xs) != len(part.xs):
        bounds = _cluster(prev.xs + part.xs)
        if all(b - a > _TOL for a, b in zip(bounds, bounds[1:])):
            _widen(prev, bounds)
            _widen(part, bounds)
    rows, roots = part.rows, part.roots or [[(r, c) for c in range(len(row))] for r, row in enumerate(part.rows)]
    base = len(prev.rows)
    joined: dict[tuple[int, int], tuple[int, int]] = {}  # a slot of the cut row → its cell's root
    if rows and prev.rows and rows[0] == prev.rows[0]:
        rows, roots, base = rows[1:], roots[1:], base - 1  # a repeated header row
    elif rows and len(rows[0]) == len(prev.rows[-1]) and _continues_row(prev, rows[0]):
        for c, text in enumerate(rows[0]):
            r0, c0 = prev.roots[-1][c]
            if text.strip():
                prev.rows[r0][c0] = _join(prev.rows[r0][c0], text)
            joined[(0, c)] = (r0, c0)
        rows, roots, base = rows[1:], roots[1:], base - 1
    elif rows and len(rows[0]) == len(prev.rows[-1]):
        joined = _continue_merged_cells(prev, rows, roots)
    if not prev.roots:
        prev.roots = [[(r, c) for c in range(len(row))] for r, row in enumerate(prev.rows)]
    prev.rows.extend(rows)
    prev.roots.extend([[joined.get(root, (root[0] + base, root[1])) for root in row_roots] for row_roots in roots])
    prev.pages.extend([part.page] * len(rows))
