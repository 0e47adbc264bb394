"""The prescribed tables of the 2019/2021 unified formats (GIP401–408 for gip-2019/gip-2021).

Every layout the parser reads (pipe rows, grids from Word/HTML/PDF, aligned columns) becomes a
list of rows of cells; here each row is matched to a prescribed row key by its label, and each
value to a column key by position (np, biz, sci, ngo, law, oth, total for table 三; fifteen
cells for table 四). Row and column labels, identities and text figures are data from
rules/gip-2019.yaml and rules/gip-2021.yaml. Blank cells count as 0 in sums, except that an
identity whose cells are all blank says nothing and is skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import Field

from ..ast import Cell, PrescribedRow, PrescribedTable, Span, Table
from .. import saferegex
from . import Context, Hit, Params, Regex, check, in_part_clause

T3_COLS = ("np", "biz", "sci", "ngo", "law", "oth", "total")
T3_LEAF = T3_COLS[:-1]
T4_GROUPS = ("rev", "lit_direct", "lit_after")
T4_PARTS = ("upheld", "corrected", "other", "pending", "total")


def fold(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」]", "", text)


@lru_cache(maxsize=512)
def _rx(p: str) -> saferegex.SafePattern:
    return saferegex.compile(p)  # rule-file patterns: time-bounded


RowObs = PrescribedRow  # a row as observed in the report


def _new_t3(table: Table | None) -> PrescribedTable:
    return PrescribedTable("t3", T3_COLS, table)


class T3Params(Params):
    rows: dict[str, Regex]  # row key → regex on the folded leaf label
    leaf_rows: list[str]  # the rows that add up to r7
    columns: dict[str, Regex]  # column key → regex on a header cell
    min_rows: int = 4


def _label_index(cells: list[Cell]) -> int:
    """Index of the last label cell before the values (non-numeric, non-blank)."""
    idx = -1
    for i, c in enumerate(cells):
        if c.text and c.value is None:
            idx = i
    return idx


def _strip_span_residue(values: list[Cell], width: int) -> list[Cell]:
    """Blank cells right after a row label that a colspan left behind (a label cell spanning
    three columns becomes the label and two blanks in a grid): drop them down to ``width``."""
    k = 0
    while len(values) - k > width and values[k].blank:
        k += 1
    return values[k:]


def _match_row(label: str, rows: dict[str, str]) -> str | None:
    f = fold(label)
    for key, pat in rows.items():
        if _rx(pat).search(f):
            return key
    return None


_NUMS_LINE = re.compile(r"^(?P<label>.*?[^\d\s.\-])\s+(?P<nums>-?\d+(?:\s+-?\d+)*)\s*$")


def read_t3(ctx: Context, p: T3Params) -> PrescribedTable | None:
    """Table 三 as observed rows (cached per document and row vocabulary)."""
    key = ("t3", tuple(p.rows.items()))
    cache = ctx.doc.__dict__.setdefault("_cache", {})
    if key not in cache:
        cache[key] = _read_t3(ctx, p)
    return cache[key]


def _read_t3_flat(t: Table, p: T3Params) -> PrescribedTable:
    """One cell per line: a label line, then its figures (blank lines are empty cells)."""
    obs = _new_t3(t)
    current: RowObs | None = None

    def close(ro: RowObs | None) -> None:
        if ro is None:
            return
        vals = ro.values
        filled = [c for c in vals if not c.blank]
        if len(vals) == len(T3_COLS):
            pass
        elif len(filled) == len(T3_COLS):  # blank lines were row separators, not cells
            ro.values = filled
        else:
            while vals and vals[-1].blank and len(vals) > len(T3_COLS):
                vals.pop()  # blank lines between rows
            ro.values = vals
        (obs.rows.setdefault(ro.key, ro) if len(ro.values) == len(T3_COLS) else obs.unreadable.append(ro))

    for r in t.rows:
        cell = r.cells[0]
        if cell.blank or cell.value is not None:
            if current is not None:
                current.values.append(cell)
            continue
        key = _match_row(cell.text, p.rows)
        close(current)
        current = RowObs(key, cell.text, [], r.span) if key else None
    close(current)
    obs.header_text = " ".join(r.cells[0].text for r in t.rows[:12])
    return obs


def _read_t3(ctx: Context, p: T3Params) -> PrescribedTable | None:
    best: PrescribedTable | None = None
    for t in ctx.doc.tables:
        if t.layout == "cell-per-line-flat":
            obs = _read_t3_flat(t, p)
            if len(obs.rows) + len(obs.unreadable) >= p.min_rows and (best is None or len(obs.rows) > len(best.rows)):
                obs.header_text = ctx.doc.view[max(0, t.span.start - 300):t.span.start] + " " + obs.header_text
                best = obs
            continue
        obs = _new_t3(t)
        for r in t.rows:
            i = _label_index(r.cells)
            if i < 0 or i == len(r.cells) - 1:
                continue
            key = _match_row(r.cells[i].text, p.rows)
            if key is None:
                continue
            ro = RowObs(key, r.cells[i].text, _strip_span_residue(r.cells[i + 1:], len(T3_COLS)), r.span)
            if len(ro.values) == len(T3_COLS):
                obs.rows.setdefault(key, ro)
            else:
                obs.unreadable.append(ro)
        if len(obs.rows) + len(obs.unreadable) >= p.min_rows and (best is None or len(obs.rows) > len(best.rows)):
            # header labels may sit in lines just above a table read from aligned columns
            above = ctx.doc.view[max(0, t.span.start - 300):t.span.start]
            obs.header_text = above + " " + " ".join(c.text for r in t.rows[:4] for c in r.cells)
            best = obs
    if best is not None:
        return best
    # a table flattened into lines: "一、本年新收政府信息公开申请数量 3100004" or "... 80 1 0 0 0 0 81"
    obs = _new_t3(None)
    view = ctx.doc.view
    in_table = [(t.span.start, t.span.end) for t in ctx.doc.tables]
    for line in ctx.doc.lines:
        if line.kind in ("row", "meta", "docnum") or any(a <= line.start < b for a, b in in_table):
            continue
        text = line.text.strip()
        m = _NUMS_LINE.match(text)
        if not m:
            continue
        key = _match_row(m.group("label"), p.rows)
        if key is None:
            continue
        nums = m.group("nums").split()
        base = line.start + (len(line.text) - len(line.text.lstrip())) + m.start("nums")
        cells = []
        for nm in re.finditer(r"-?\d+", m.group("nums")):
            a = base + nm.start()
            cells.append(Cell(nm.group(0), float(nm.group(0)), Span(a, a + len(nm.group(0)))))
        ro = RowObs(key, m.group("label"), cells, Span(line.start, line.end))
        if len(nums) == len(T3_COLS):
            obs.rows.setdefault(key, ro)
        else:
            obs.unreadable.append(ro)
    if len(obs.rows) + len(obs.unreadable) >= p.min_rows:
        return obs
    return None


def _v(c: Cell | None) -> float:
    return c.value if c is not None and c.value is not None else 0.0


def _blank(c: Cell | None) -> bool:
    return c is None or c.blank


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _table_missing(ctx: Context, name: str, name_en: str) -> Hit:
    return Hit(None, {"table": name, "table_en": name_en})


# --------------------------------------------------------------------------- table 三

class T3CheckParams(T3Params):
    table: str = "表三（收到和处理政府信息公开申请情况）"
    table_en: str = "table 3 (requests received and handled)"


@check("t3_present", T3CheckParams)
def t3_present(ctx: Context, p: T3CheckParams) -> list[Hit]:
    """Fires when table 三 (requests received and handled) is absent."""
    return [] if read_t3(ctx, p) else [_table_missing(ctx, p.table, p.table_en)]


@check("t3_unreadable", T3CheckParams)
def t3_unreadable(ctx: Context, p: T3CheckParams) -> list[Hit]:
    """Fires when table 三's rows cannot be split into their seven cells without guessing."""
    t3 = read_t3(ctx, p)
    if t3 is None or not t3.unreadable or len(t3.rows) >= len(t3.unreadable) * 3:
        return []
    r = t3.unreadable[0]
    return [Hit(r.span, {"table": p.table, "table_en": p.table_en,
                         "why": f"“{r.label}”一行有 {len(r.values)} 个数字，应为 7 个",
                         "why_en": f"row '{r.label}' has {len(r.values)} figures, 7 are expected"})]


def _t3_readable(ctx: Context, p: T3Params) -> PrescribedTable | None:
    t3 = read_t3(ctx, p)
    if t3 is None or (t3.unreadable and len(t3.rows) < len(t3.unreadable) * 3):
        return None
    return t3


@check("t3_labels", T3CheckParams)
def t3_labels(ctx: Context, p: T3CheckParams) -> list[Hit]:
    """Fires for each prescribed row or column label table 三 lacks."""
    t3 = _t3_readable(ctx, p)
    if t3 is None:
        return []
    hits = []
    anchor = t3.table.span if t3.table else None
    seen = set(t3.rows) | {r.key for r in t3.unreadable}
    for key in p.rows:
        if key not in seen:
            hits.append(Hit(anchor, {"table": p.table, "table_en": p.table_en, "what": "行", "what_en": "row",
                                     "label": _label_of(p, key), "label_en": _label_of(p, key)}))
    if t3.table is not None:
        header = fold(t3.header_text)
        for key, pat in p.columns.items():
            if not _rx(pat).search(header):
                hits.append(Hit(anchor, {"table": p.table, "table_en": p.table_en, "what": "列", "what_en": "column",
                                         "label": pat.strip("^$"), "label_en": pat.strip("^$")}))
    return hits[:12]


def _short_label(label: str) -> str:
    """A row label without the prescribed note in brackets: （二）部分公开（区分处理的…） → （二）部分公开."""
    return re.sub(r"(?<=.)[(（][^()（）]*[)）]$", "", label.strip())[:14]


def _label_of(p: T3Params, key: str) -> str:
    return re.sub(r"[\\^$()?|]", "", p.rows[key]).split("|")[0]


@check("t3_cells", T3CheckParams)
def t3_cells(ctx: Context, p: T3CheckParams) -> list[Hit]:
    """Fires on a blank total where the row has figures, on text or negative counts, and once per
    table (info) for blank count cells, which are read as 0."""
    t3 = _t3_readable(ctx, p)
    if t3 is None:
        return []
    hits = []
    blanks = 0
    first_blank = None
    blank_totals: list[tuple[RowObs, Cell]] = []
    for key, r in t3.rows.items():
        for col, c in zip(T3_COLS, r.values):
            if c.blank:
                if col == "total" and any(not x.blank for x in r.values[:-1]):
                    blank_totals.append((r, c))
                else:
                    blanks += 1
                    first_blank = first_blank or r.span
            elif c.value is None or c.value < 0 or not float(c.value).is_integer():
                hits.append(Hit(c.span, {"row": r.label, "found": c.text}))
    if blank_totals:  # one finding per table, naming the rows, rather than one per row
        names = "、".join(_short_label(r.label) for r, _ in blank_totals[:6]) + ("等" if len(blank_totals) > 6 else "")
        hits.append(Hit(blank_totals[0][1].span, {
            "row": f"{len(blank_totals)} 行（{names}）的总计", "row_en": f"the total of {len(blank_totals)} row(s) ({names})",
            "found": "（空）", "found_en": "(blank)"}))
    if blanks:
        hits.append(Hit(first_blank, {"row": f"{p.table}中 {blanks} 个单元格",
                                      "row_en": f"{blanks} cell(s) of {p.table_en}",
                                      "found": "（空，按 0 计）", "found_en": "(blank, read as 0)"}, severity="info"))
    return hits


def sum_mismatch(total: Cell | None, parts: list[Cell | None], zh: str, en: str) -> Hit | None:
    """The one identity of the prescribed tables: a total equals the sum of its parts (blanks
    read as 0). Says nothing when the total is blank (that is GIP403) or every part is blank."""
    if total is None or total.blank or total.value is None or not parts or all(_blank(c) for c in parts):
        return None
    s = sum(_v(c) for c in parts)
    if s == total.value:
        return None
    expr = "+".join(_fmt(_v(c)) for c in parts)
    return Hit(total.span, {"what": f"{zh}应为 {_fmt(s)}（{expr}）", "what_en": f"{en} should be {_fmt(s)} ({expr})",
                            "found": _fmt(total.value)})


@check("t3_sums", T3CheckParams)
def t3_sums(ctx: Context, p: T3CheckParams) -> list[Hit]:
    """Fires where a row's 总计 is not the sum of its six columns, or (七)总计 is not the sum of
    the result rows, column by column."""
    t3 = _t3_readable(ctx, p)
    if t3 is None:
        return []
    found = [sum_mismatch(r.values[-1], r.values[:-1], f"“{r.label}”的总计", f"the total of '{r.label}'")
             for r in t3.rows.values() if len(r.values) == len(T3_COLS)]
    if "r7" in t3.rows:
        found += [sum_mismatch(t3.cell("r7", col), [t3.cell(k, col) for k in p.leaf_rows if k in t3.rows],
                               f"“（七）总计”（{col}列）", f"'(七)总计' (column {col})") for col in T3_COLS]
    return [h for h in found if h is not None]


@check("t3_balance", T3CheckParams)
def t3_balance(ctx: Context, p: T3CheckParams) -> list[Hit]:
    """Fires where 本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度 in a column."""
    t3 = _t3_readable(ctx, p)
    if t3 is None or not all(k in t3.rows for k in ("new", "carry_in", "r7", "carry_out")):
        return []
    hits = []
    for col in T3_COLS:
        cells = [t3.cell(k, col) for k in ("new", "carry_in", "r7", "carry_out")]
        if all(_blank(c) for c in cells):
            continue
        a, b, c, d = (_v(x) for x in cells)
        if a + b != c + d:
            hits.append(Hit(cells[2].span if cells[2] is not None else None, {
                "what": f"{col}列：本年新收+上年结转 应等于 办理结果总计+结转下年度",
                "what_en": f"column {col}: new + carried in should equal total handled + carried over",
                "lhs": f"{_fmt(a)}+{_fmt(b)}={_fmt(a + b)}", "rhs": f"{_fmt(c)}+{_fmt(d)}={_fmt(c + d)}"}))
    return hits


# --------------------------------------------------------------------------- table 四

class T4Params(Params):
    header: str = r"行政复议"
    header2: str = r"结果维持"
    table: str = "表四（行政复议、行政诉讼情况）"
    table_en: str = "table 4 (administrative reviews and lawsuits)"


def _figures_row(cells: list[Cell]) -> bool:
    return bool(cells) and sum(1 for c in cells if c.value is not None) >= 3 and all(c.blank or c.value is not None for c in cells)


def read_t4(ctx: Context, p: T4Params) -> tuple[Table, list[Cell]] | None:
    found = _read_t4_labelled(ctx, p)
    if found is not None:
        return found
    # a bare row of fifteen figures whose header was flattened into text ("行政复议行政诉讼")
    for t in ctx.doc.tables:
        near = fold(ctx.doc.view[max(0, t.span.start - 120):t.span.start])
        in_section = t.section is not None and re.search(r"复议|诉讼", t.section.heading.title)
        if (in_section or _rx(p.header).search(near)) and len(t.rows) == 1 and len(t.rows[0].cells) == 15 \
                and _figures_row(t.rows[0].cells):
            return t, t.rows[0].cells
    return None


def _read_t4_labelled(ctx: Context, p: T4Params) -> tuple[Table, list[Cell]] | None:
    for t in ctx.doc.tables:
        text = fold(" ".join(c.text for r in t.rows for c in r.cells))
        if not (_rx(p.header).search(text) and _rx(p.header2).search(text)):
            continue
        for r in t.rows:
            if _figures_row(r.cells):
                return t, r.cells
        return t, []
    return None


@check("t4_present", T4Params)
def t4_present(ctx: Context, p: T4Params) -> list[Hit]:
    """Fires when table 四 (administrative reviews and lawsuits) is absent."""
    return [] if read_t4(ctx, p) else [_table_missing(ctx, p.table, p.table_en)]


@check("t4_sums", T4Params)
def t4_sums(ctx: Context, p: T4Params) -> list[Hit]:
    """Fires where a 总计 of table 四 is not 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    found = read_t4(ctx, p)
    if not found or len(found[1]) != 15:
        return []
    cells = found[1]
    names = {"rev": ("行政复议", "administrative review"), "lit_direct": ("未经复议直接起诉", "lawsuits without review"),
             "lit_after": ("复议后起诉", "lawsuits after review")}
    found_hits = [sum_mismatch(cells[g * 5 + 4], cells[g * 5: g * 5 + 4], f"“{names[group][0]}”的总计",
                               f"the total of {names[group][1]}") for g, group in enumerate(T4_GROUPS)]
    return [h for h in found_hits if h is not None]


@check("t4_cells", T4Params)
def t4_cells(ctx: Context, p: T4Params) -> list[Hit]:
    """Fires when table 四's data row does not have its fifteen cells, or one holds text."""
    found = read_t4(ctx, p)
    if not found:
        return []
    t, cells = found
    if cells and len(cells) != 15:
        return [Hit(cells[0].span, {"row": p.table, "row_en": p.table_en,
                                    "found": f"{len(cells)} 个单元格（应为 15 个）", "found_en": f"{len(cells)} cells (15 expected)"})]
    return [Hit(c.span, {"row": p.table, "found": c.text}) for c in cells if c.value is not None and c.value < 0]


# --------------------------------------------------------------------------- table 二

class T2Block(Params):
    title: Regex  # on the caption, e.g. 第二十条第\(一\)项
    columns: list[Regex]
    rows: list[Regex]
    signed: list[Regex] = Field(default_factory=list)  # columns that may be negative (本年增/减)


class T2Params(Params):
    blocks: list[T2Block]
    table: str = "表二（主动公开政府信息情况）"
    table_en: str = "table 2 (proactive disclosure)"


_BLOCK_TITLE = re.compile(r"^第二十条第\(?[一二三四五六七八九十]+\)?项$")


def _t2_candidates(ctx: Context) -> list[Table]:
    """The document's tables, with a table that holds several 第二十条 blocks (as a web page's
    single table does) split at each block's title row; the title becomes the caption."""
    cache = ctx.doc.__dict__.setdefault("_cache", {})
    if "t2" in cache:
        return cache["t2"]
    out: list[Table] = []
    for t in ctx.doc.tables:
        starts = [i for i, r in enumerate(t.rows)
                  if [c for c in r.cells if not c.blank] and all(_BLOCK_TITLE.match(fold(c.text)) for c in r.cells if not c.blank)]
        if not starts:
            out.append(t)
            continue
        if starts[0] > 0:
            out.append(Table(t.rows[:starts[0]], t.span, t.layout, t.caption, t.section))
        for a, b in zip(starts, starts[1:] + [len(t.rows)]):
            title = next(c.text for c in t.rows[a].cells if not c.blank)
            rows = t.rows[a + 1:b]
            if rows:
                out.append(Table(rows, Span(rows[0].span.start, rows[-1].span.end), t.layout, title, t.section))
    cache["t2"] = out
    return out


def _t2_tables(ctx: Context, p: T2Params) -> list[tuple[T2Block, Table | None]]:
    out = []
    taken: set[int] = set()
    tables = _t2_candidates(ctx)
    for b in p.blocks:  # by caption (第二十条第…项) first
        found = next((t for t in tables if id(t) not in taken and _rx(b.title).search(fold(t.caption))), None)
        if found is not None:
            taken.add(id(found))
        out.append((b, found))
    for i, (b, found) in enumerate(out):  # then, for blocks without a caption, by their first column label
        if found is None and b.columns:
            for t in tables:
                head = fold(" ".join(c.text for c in t.rows[0].cells)) if t.rows else ""
                if id(t) not in taken and _rx(b.columns[0]).search(head) and len(t.rows) <= len(b.rows) + 2:
                    taken.add(id(t))
                    out[i] = (b, t)
                    break
    return out


@check("t2_present", T2Params)
def t2_present(ctx: Context, p: T2Params) -> list[Hit]:
    """Fires when none of table 二's blocks (第二十条第…项) is present."""
    blocks = _t2_tables(ctx, p)
    if any(t is not None for _, t in blocks):
        return []
    return [_table_missing(ctx, p.table, p.table_en)]


@check("t2_labels", T2Params)
def t2_labels(ctx: Context, p: T2Params) -> list[Hit]:
    """Fires for each prescribed block, row or column label of table 二 that is absent."""
    blocks = _t2_tables(ctx, p)
    if all(t is None for _, t in blocks):
        return []
    hits = []
    for b, t in blocks:
        name = re.sub(r"[\\]", "", b.title)
        if t is None:
            hits.append(Hit(None, {"table": p.table, "table_en": p.table_en, "what": "栏目", "what_en": "block",
                                   "label": name, "label_en": name}))
            continue
        text = fold(" ".join(c.text for r in t.rows for c in r.cells))
        for lab in b.columns + b.rows:
            if not _rx(lab).search(text):
                hits.append(Hit(t.span, {"table": p.table, "table_en": p.table_en, "what": "标签", "what_en": "label",
                                         "label": re.sub(r"[\\^$]", "", lab), "label_en": re.sub(r"[\\^$]", "", lab)}))
    return hits


@check("t2_cells", T2Params)
def t2_cells(ctx: Context, p: T2Params) -> list[Hit]:
    """Fires on a table 二 figure that is text, or negative outside the signed (增/减) columns."""
    hits = []
    for b, t in _t2_tables(ctx, p):
        if t is None or len(t.rows) < 2:
            continue
        header = [fold(c.text) for c in t.rows[0].cells]
        for r in t.rows[1:]:
            for j, c in enumerate(r.cells[1:], start=1):
                col = header[j] if j < len(header) else ""
                signed = any(_rx(s).search(col) for s in b.signed)
                if c.blank:
                    continue
                if c.value is None or (c.value < 0 and not signed):
                    hits.append(Hit(c.span, {"row": f"{r.cells[0].text}/{col}", "found": c.text}))
    return hits


# --------------------------------------------------------------------------- the text around the tables

class FigureParams(T3Params):
    # {text: regex with (?P<n>…), cell: "r1+r2", "new|new+carry_in" or "t4:rev", label: …,
    #  whole: "yes" for figures about the whole report: only its first statement counts, and not
    #  one inside a 其中 clause (in a combined report that is a sub-unit's figure)}
    figures: list[dict[str, str]]


def _row_total(t3: PrescribedTable, key: str) -> float | None:
    """A row's total: its 总计 cell, or the sum of its six cells when the total was left blank."""
    keys = [k for k in t3.rows if k == key or k.startswith(key + "_")]
    if not keys:
        return None
    s = 0.0
    for k in keys:
        r = t3.rows[k]
        if len(r.values) != len(T3_COLS):
            return None
        total = r.values[-1]
        s += total.value if not total.blank and total.value is not None else sum(_v(c) for c in r.values[:-1])
    return s


@check("unified_text_figures", FigureParams)
def unified_text_figures(ctx: Context, p: FigureParams) -> list[Hit]:
    """Fires when a figure in the text differs from the table cell that holds the same figure."""
    t3 = _t3_readable(ctx, p)
    t4 = read_t4(ctx, T4Params())
    body = ctx.doc.body_text()
    taken: list[tuple[int, int]] = []
    seen: set[str] = set()
    hits = []
    for fig in p.figures:
        for m in _rx(fig["text"]).finditer(body):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if any(t.span.start <= m.start() < t.span.end for t in ctx.doc.tables):
                continue
            taken.append((m.start(), m.end()))
            # only the report's own first statement of a figure: a later one, or one inside a
            # 其中 clause, may be about a sub-unit of a combined report
            if fig.get("whole") and (fig.get("label") in seen or in_part_clause(body, m.start())):
                continue
            seen.add(fig.get("label", fig["text"]))
            n = float(m.group("n"))
            target = fig["cell"]
            expected: list[float] = []
            if target.startswith("t4:"):
                if not t4 or len(t4[1]) != 15:
                    continue
                cells = t4[1]
                groups = target[3:].split("+")
                if all(cells[T4_GROUPS.index(g) * 5 + 4].blank for g in groups):
                    continue
                expected = [sum(_v(cells[T4_GROUPS.index(g) * 5 + 4]) for g in groups)]
            else:
                if t3 is None:
                    continue
                vals = []
                for alt in target.split("|"):
                    total = 0.0
                    ok = True
                    for key in alt.split("+"):
                        v = _row_total(t3, key)
                        if v is None:
                            ok = False
                            break
                        total += v
                    if ok:
                        vals.append(total)
                if not vals:
                    continue
                expected = vals
            if n not in expected:
                hits.append(Hit(Span(m.start("n"), m.end("n")), {
                    "label": fig.get("label", m.group(0)), "text_value": m.group("n"),
                    "table_value": "/".join(_fmt(v) for v in expected)}))
    return hits


class DispositionParams(Params):
    total: Regex  # with (?P<n>…): 答复/办结 … N件
    parts: list[Regex]  # with (?P<n>…), one per category; the last is the catch-all
    window: int = 400
    min_parts: int = 4


@check("disposition_breakdown", DispositionParams)
def disposition_breakdown(ctx: Context, p: DispositionParams) -> list[Hit]:
    """Fires when the stated number of requests handled differs from its stated results."""
    body = ctx.doc.body_text()
    hits = []
    for m in _rx(p.total).finditer(body):
        end = body.find("\n", m.end())
        seg_end = min(m.end() + p.window, end if end != -1 else len(body))
        seg = body[m.end():seg_end]
        found = []
        used: list[tuple[int, int]] = []
        for pat in p.parts:
            pm = _rx(pat).search(seg)
            if pm and not any(a < pm.end() and pm.start() < b for a, b in used):
                used.append((pm.start(), pm.end()))
                found.append(int(pm.group("n")))
        has_catch_all = bool(_rx(p.parts[-1]).search(seg))
        if len(found) < p.min_parts or not has_catch_all:
            continue
        total, s = int(m.group("n")), sum(found)
        if s != total:
            hits.append(Hit(Span(m.start("n"), m.end("n")), {"total": total, "sum": s, "unit": "件",
                                                              "expr": "+".join(str(x) for x in found)}))
    return hits


# --------------------------------------------------------------------------- the tables as numbers

def t4_view(ctx: Context, p: T4Params) -> PrescribedTable | None:
    """Table 四 as rows rev / lit_direct / lit_after × upheld … total."""
    found = read_t4(ctx, p)
    if not found:
        return None
    t, cells = found
    pt = PrescribedTable("t4", T4_PARTS, t)
    if len(cells) == len(T4_GROUPS) * len(T4_PARTS):
        for g, group in enumerate(T4_GROUPS):
            part = cells[g * 5:g * 5 + 5]
            pt.rows[group] = PrescribedRow(group, group, part, Span(part[0].span.start, part[-1].span.end))
    elif cells:
        pt.unreadable.append(PrescribedRow("t4", "", cells, Span(cells[0].span.start, cells[-1].span.end)))
    return pt


class T2View(PrescribedTable):
    """Table 二: one block per 第二十条 item, rows and columns by their labels as written."""

    blocks: dict[str, dict[str, dict[str, float | None]]]

    def to_json(self) -> dict[str, dict[str, dict[str, float | None]]]:  # type: ignore[override]
        return self.blocks


def t2_view(ctx: Context, p: T2Params) -> T2View | None:
    blocks: dict[str, dict[str, dict[str, float | None]]] = {}
    for b, t in _t2_tables(ctx, p):
        if t is None or len(t.rows) < 2:
            continue
        header = [fold(c.text) for c in t.rows[0].cells]
        title = re.sub(r"[\\^$]", "", b.title)
        blocks[title] = {fold(r.cells[0].text): {header[j] if j < len(header) and header[j] else str(j): c.value
                                                 for j, c in enumerate(r.cells[1:], start=1) if j < len(header) and header[j]}
                         for r in t.rows[1:] if r.cells and r.cells[0].text}
    if not blocks:
        return None
    view = T2View("t2", (), None)
    view.blocks = blocks
    return view


def read_prescribed(ctx: Context, checks: list) -> dict[str, PrescribedTable]:
    """The profile's tables 三 and 四, read with the parameters its own rule entries give
    (so a province's rule file that renames a row reads the table the same way its checks do)."""
    out: dict[str, PrescribedTable] = {}
    for c in checks:
        if c.entry.check == "t3_present" and "t3" not in out:
            t3 = read_t3(ctx, c.params)
            if t3 is not None:
                out["t3"] = t3
        elif c.entry.check == "t2_present" and "t2" not in out:
            t2 = t2_view(ctx, c.params)
            if t2 is not None:
                out["t2"] = t2
        elif c.entry.check == "t4_present" and "t4" not in out:
            t4 = t4_view(ctx, c.params)
            if t4 is not None:
                out["t4"] = t4
    return out
