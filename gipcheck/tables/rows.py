"""Reader "rows": a table of labelled rows × positional columns (table 三, a province's own table).

Every layout the parser gives (pipe rows, Word/HTML/PDF grids, aligned columns, one cell per
line, a table flattened into lines of text) becomes rows of cells; a row is matched to a row key
by its label, its values to column keys by position. The template's row order is kept: a row
with the right number of figures whose label matches nothing (extraction interleaved a merged
vertical cell into it, lost a ``|``, split it over lines) but that sits between two recognised
rows with exactly as many template rows missing between them is placed there, and its label is
noted as low-confidence. A figure row that still cannot be placed is kept as ``unidentified``:
identities that would need it are not checked.
"""
from __future__ import annotations

import re

from ..ast import Cell, PrescribedRow, PrescribedTable, Span, Table
from ..lexicon import HEADING_START
from .defs import TableDef
from .util import fold, rx, view_of


def match_row(label: str, d: TableDef) -> str | None:
    f = fold(label)
    for r in d.rows:
        if any(rx(p).search(f) for p in r.patterns()):
            return r.key
    return None


def _label_index(cells: list[Cell]) -> int:
    """Index of the last label cell before the values (non-numeric, non-blank)."""
    idx = -1
    for i, c in enumerate(cells):
        if c.text and c.value is None:
            idx = i
    return idx


def _strip_span_residue(values: list[Cell], width: int) -> list[Cell]:
    """Blank cells right after a row label that a colspan left behind (a label cell spanning
    three columns becomes the label and two blanks in a grid), or after the last figure (a
    converter's extra empty column): drop them down to ``width``."""
    k = 0
    while len(values) - k > width and values[k].blank:
        k += 1
    end = len(values)
    while end - k > width and values[end - 1].blank:
        end -= 1
    return values[k:end]


def _figures_only(values: list[Cell], width: int) -> bool:
    """A row of exactly the table's figures (blanks allowed, at least one figure)."""
    return len(values) == width and all(c.blank or c.value is not None for c in values) \
        and any(not c.blank for c in values)


def _new(d: TableDef, table: Table | None) -> PrescribedTable:
    return PrescribedTable(d.id, tuple(d.col_keys()), table)


def _add(pt: PrescribedTable, ro: PrescribedRow, width: int) -> None:
    if len(ro.values) != width:
        pt.unreadable.append(ro)
    elif ro.key:
        pt.rows.setdefault(ro.key, ro)
        pt.order.append(ro)
    else:
        pt.order.append(ro)  # a figure row with no recognised label: placed by position later


def _read_flat(t: Table, d: TableDef) -> PrescribedTable:
    """One cell per line: a label line, then its figures (blank lines are empty cells)."""
    width = len(d.columns)
    pt = _new(d, t)
    current: PrescribedRow | None = None

    def close(ro: PrescribedRow | None) -> None:
        if ro is None:
            return
        vals = ro.values
        filled = [c for c in vals if not c.blank]
        if len(vals) == width:
            pass
        elif len(filled) == width:  # blank lines were row separators, not cells
            ro.values = filled
        else:
            while vals and vals[-1].blank and len(vals) > width:
                vals.pop()  # blank lines between rows
            ro.values = vals
        _add(pt, ro, width)

    for r in t.rows:
        cell = r.cells[0]
        if cell.blank or cell.value is not None:
            if current is not None:
                current.values.append(cell)
            continue
        key = match_row(cell.text, d)
        close(current)
        current = PrescribedRow(key or "", cell.text, [], r.span)
    close(current)
    # a label line whose figures never came (a heading row such as 三、本年度办理结果) is not a row
    pt.order = [ro for ro in pt.order if ro.key or ro.values]
    pt.unreadable = [ro for ro in pt.unreadable if ro.key]
    pt.header_text = " ".join(r.cells[0].text for r in t.rows[:12])
    return pt


def _read_grid(t: Table, d: TableDef) -> PrescribedTable:
    width = len(d.columns)
    pt = _new(d, t)
    for r in t.rows:
        i = _label_index(r.cells)
        if i < 0:  # figures whose label the extraction left outside the table: placed by position
            values = _strip_span_residue(r.cells, width)
            if _figures_only(values, width):
                pt.order.append(PrescribedRow("", "", values, r.span))
            continue
        if i == len(r.cells) - 1:
            continue
        key = match_row(r.cells[i].text, d)
        values = _strip_span_residue(r.cells[i + 1:], width)
        if key is None:
            if _figures_only(values, width):
                pt.order.append(PrescribedRow("", r.cells[i].text, values, r.span))
            continue
        _add(pt, PrescribedRow(key, r.cells[i].text, values, r.span), width)
    return pt


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_GLUED = re.compile(r"^(?P<n>-?\d+(?:\.\d+)?)(?P<stray>[^\d\s.])$")  # "71本": a figure and a stray character
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．](?!\d))")


def _stray(tok: str) -> bool:
    """One character on its own: a character of a merged vertical cell (三、本年度办理结果 written
    one character per line) that the extraction put into the next row's line."""
    return len(tok) == 1 and not tok.isdigit()


def _read_stream(doc, d: TableDef) -> PrescribedTable:
    """A table flattened into lines of text (no cells): read as a stream of labels and figures.

    "一、本年新收政府信息公开申请数量 80 1 0 0 0 0 81" is a row; so is a label wrapped over two
    lines with its figures on either, several rows on one line, and figures with a stray character
    of a vertical merged cell glued to them ("71本"). A label starts with its marker (一、（一）1.);
    text without a marker after a row's figures continues that row's label."""
    width = len(d.columns)
    pt = _new(d, None)
    in_table = [(t.span.start, t.span.end) for t in doc.tables]
    lines = [ln for ln in doc.lines if ln.kind not in ("row", "meta", "docnum")
             and not any(a <= ln.start < b for a, b in in_table)]
    # the region: from the first to the last line that has a prescribed label and a figure
    hits = [i for i, ln in enumerate(lines) if _NUMBER.search(ln.text) and match_row(ln.text, d)]
    if not hits:
        return pt
    view = view_of(doc)
    label: list[str] = []
    label_start: int | None = None
    nums: list[Cell] = []
    just_closed: PrescribedRow | None = None

    def flush(end: int) -> None:
        nonlocal nums, label, label_start, just_closed
        if not nums:
            return
        text = " ".join(label)
        key = match_row(text, d) if text else None
        start = label_start if label_start is not None else nums[0].span.start
        ro = PrescribedRow(key or "", text, nums, Span(start, end))
        if len(nums) == width:
            _add(pt, ro, width)
        elif key:
            pt.unreadable.append(ro)
        just_closed = ro
        nums, label, label_start = [], [], None

    for ln in lines[hits[0]:hits[-1] + 1]:
        for m in re.finditer(r"\S+", view[ln.start:ln.end]):
            tok, a = m.group(0), ln.start + m.start()
            glued = _GLUED.match(tok)
            if glued:
                tok = glued.group("n")
            if _NUMBER.fullmatch(tok):
                nums.append(Cell(tok, float(tok), Span(a, a + len(tok))))
                continue
            if _stray(tok):
                continue
            if nums:
                flush(a)
            if _MARKER.match(tok):
                label, label_start, just_closed = [tok], a, None
            elif label:
                label.append(tok)  # a label wrapped over lines
            elif just_closed is not None:
                just_closed.label += tok  # the rest of the row just read
            else:
                label, label_start = [tok], a
        flush(ln.end)
    return pt


def place_by_position(pt: PrescribedTable, d: TableDef) -> None:
    """Give unlabelled figure rows the template keys missing between their recognised
    neighbours, when the count fits exactly; the rest stay unidentified."""
    order = d.row_keys()
    pos = {k: i for i, k in enumerate(order)}
    seq = pt.order
    i = 0
    while i < len(seq):
        if seq[i].key:
            i += 1
            continue
        j = i
        while j < len(seq) and not seq[j].key:
            j += 1
        before = next((seq[k].key for k in range(i - 1, -1, -1) if seq[k].key), None)
        after = seq[j].key if j < len(seq) else None
        lo = pos[before] + 1 if before in pos else 0
        hi = pos[after] if after in pos else len(order)
        gap = [k for k in order[lo:hi] if k not in pt.rows]
        run = seq[i:j]
        if before is not None and after is not None and len(gap) == len(run) and lo <= hi:
            for ro, key in zip(run, gap):
                ro.key = key
                pt.rows[key] = ro
                pt.low_confidence[key] = ro.label
        else:
            pt.unidentified.extend(run)
            pt.maybe.update(gap)
        i = j


_PIECE_GAP = 100  # characters between two pieces of one table: a heading, not a paragraph
_MARKDOWN_PREFIX = re.compile(r"^\s*(?:#{1,6}|\*\*)\s*")


def _pieces(doc, read_tables: list[PrescribedTable], d: TableDef) -> PrescribedTable | None:
    """A table cut into pieces, one small table per group of rows, each under a heading of its
    own (what a PDF-to-Markdown converter makes of table 三), read as one: the longest run of
    consecutive tables that each hold rows of this table only (or, inside a run, only figures
    whose labels were left between the pieces), no row twice, with no more than a heading
    between them. Its column headers are the converter's, so none is kept; rows without a
    label are placed by position, as in any table."""
    view = view_of(doc)
    best: list[int] = []
    run: list[int] = []
    for i, pt in enumerate(read_tables):
        keys = set(pt.rows)
        figures_only = bool(pt.order) and not keys  # a piece whose labels were left in the text
        joins = (run and (keys or figures_only) and not pt.unreadable
                 and not keys & {k for j in run for k in read_tables[j].rows}
                 and len(view[doc.tables[run[-1]].span.end:doc.tables[i].span.start].strip()) <= _PIECE_GAP)
        if joins:
            run.append(i)
        else:
            run = [i] if keys and not pt.unreadable else []
        if sum(len(read_tables[j].rows) for j in run) > sum(len(read_tables[j].rows) for j in best):
            best = list(run)
    if len(best) < 2:
        return None
    merged = _new(d, None)
    for i in best:
        merged.rows.update(read_tables[i].rows)
        merged.order.extend(read_tables[i].order)
    first, last = doc.tables[best[0]].span, doc.tables[best[-1]].span
    # the first piece's own heading (its row label, made a heading) belongs to the table too
    before = view[:first.start].rstrip()
    line_start = before.rfind("\n") + 1
    line = _MARKDOWN_PREFIX.sub("", before[line_start:])
    start = line_start if len(before) - line_start <= _PIECE_GAP and HEADING_START.match(line) else first.start
    merged.extent = Span(start, last.end)
    return merged


def read(doc, d: TableDef) -> PrescribedTable | None:
    best: PrescribedTable | None = None
    view = view_of(doc)
    read_tables: list[PrescribedTable] = []
    for t in doc.tables:
        pt = _read_flat(t, d) if t.layout == "cell-per-line-flat" else _read_grid(t, d)
        read_tables.append(pt)
        if len(pt.rows) + len(pt.unreadable) >= d.min_rows and (best is None or len(pt.rows) > len(best.rows)):
            # header labels may sit in lines just above a table read from aligned columns
            above = view[max(0, t.span.start - 300):t.span.start]
            own = pt.header_text or " ".join(c.text for r in t.rows[:4] for c in r.cells)
            pt.header_text = above + " " + own
            best = pt
    if best is None or len(best.rows) < len(d.rows):
        pieces = _pieces(doc, read_tables, d)
        if pieces is not None and len(pieces.rows) > (len(best.rows) if best else 0) \
                and len(pieces.rows) >= d.min_rows:
            best = pieces
    if best is None:
        pt = _read_stream(doc, d)
        if len(pt.rows) + len(pt.unreadable) >= d.min_rows:
            best = pt
    if best is not None:
        place_by_position(best, d)
    return best
