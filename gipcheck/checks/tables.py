"""Checks over the tables the tables stage read (GIP401–405, 408); the figures the text states
(GIP406, 407) are ``figures.py``'s.

Every check here is parameterised by a table id and reads ``facts.tables`` — never the document's
tables — so one kind serves the 2008 statistics table, the unified tables 二/三/四 and a
province's own table defined in YAML. What a table holds (rows, columns, which cells may be
blank or negative, its identities) is in ``rules/tables/*.yaml``.
"""
from __future__ import annotations

import re

from . import Field

from ..ast import Cell, PrescribedRow, PrescribedTable, Span
from ..tables import TableSet
from ..tables.defs import IdentityDef, TableDef, terms_axis
from ..tables.util import fold, rx
from . import Context, Hit, Params, Regex, check


class TableParams(Params):
    table: str  # a table id of rules/tables/*.yaml (t2, t3, t4, stats, or a province's own)


def _tables(ctx: Context) -> TableSet:
    return ctx.facts.tables


def _def(ctx: Context, p: TableParams) -> TableDef | None:
    return _tables(ctx).defs.get(p.table)


def _names(d: TableDef | None, p: TableParams) -> dict[str, str]:
    if d is None or d.name is None:
        return {"table": p.table, "table_en": p.table}
    return {"table": d.name.zh, "table_en": d.name.en}


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _v(c: Cell | None) -> float:
    return c.value if c is not None and c.value is not None else 0.0


def _blank(c: Cell | None) -> bool:
    return c is None or c.blank


def readable(pt: PrescribedTable) -> bool:
    """Enough rows split into their cells to check the table without guessing."""
    return not (pt.unreadable and len(pt.rows) < len(pt.unreadable) * 3)


# --------------------------------------------------------------------------- present / unreadable

class PresentParams(TableParams):
    announced: list[Regex] = Field(default_factory=list)  # text that promises a table (附表, 见附件 …)


@check("table_present", PresentParams)
def table_present(ctx: Context, p: PresentParams) -> list[Hit]:
    """Fires when a table is absent (not read, and not plainly in the text either); an error
    when the text announces it."""
    ts = _tables(ctx)
    if p.table in ts.present or ts.failed or _def(ctx, p) is None:
        return []
    view = ctx.doc.view
    for pat in p.announced:
        m = re.search(pat, view)
        if m:
            return [Hit(Span(m.start(), m.end()), {"announced": m.group(0), **_names(_def(ctx, p), p)}, severity="error")]
    return [Hit(None, _names(_def(ctx, p), p))]


def skipped_identities(pt: PrescribedTable, d: TableDef, group: str | None = None) -> list[tuple[IdentityDef, list[str]]]:
    """Identities that name a row the table does not have where a figure row could not be
    placed: the missing part may be that row, so the identity is not checked at all."""
    out = []
    for ident in d.identities:
        if group is not None and ident.group != group:
            continue
        axis, left, right = terms_axis(d, ident)
        if axis != "rows":
            continue
        missing = [k for k in left + right if k not in pt.rows and k in pt.maybe]
        if missing:
            out.append((ident, missing))
    return out


@check("table_unreadable", TableParams)
def table_unreadable(ctx: Context, p: TableParams) -> list[Hit]:
    """Fires when a table is present but its cells cannot be separated, and (once, naming the
    row) when a figure row cannot be identified, so the identities that need it are not checked."""
    ts, d = _tables(ctx), _def(ctx, p)
    names = _names(d, p)
    bad = ts.unreadable.get(p.table)
    if bad is not None:
        if bad.why.startswith("lines:"):
            n = bad.why.split(":")[1]
            why, why_en = f"{n} 行数字未分隔成单元格", f"{n} rows whose figures are not in cells"
        elif bad.why == "flattened":
            why, why_en = "表格压成了一行文字，分不出各行各列", "the table was flattened into text; its rows and columns cannot be told apart"
        else:
            why, why_en = "数字连在一起，分不出单元格", "the figures run together with no cell boundaries"
        return [Hit(bad.span, {**names, "why": why, "why_en": why_en})]
    pt = ts.get(p.table)
    if pt is None or d is None or d.reader != "rows":
        return []
    if not readable(pt):
        r = pt.unreadable[0]
        n = len(d.columns)
        return [Hit(r.span, {**names, "why": f"“{r.label}”一行有 {len(r.values)} 个数字，应为 {n} 个",
                             "why_en": f"row '{r.label}' has {len(r.values)} figures, {n} are expected"})]
    if pt.unidentified and skipped_identities(pt, d):
        r = pt.unidentified[0]
        label = r.label.strip()[:30]
        return [Hit(r.span, {**names, "why": f"“{label}”一行对应不到规定的行，与之相关的合计未核对",
                             "why_en": f"row '{label}' matches no prescribed row; the sums it belongs to were not checked"})]
    return []


# --------------------------------------------------------------------------- labels

def _is_garbled(written: str, expected: str) -> bool:
    """A label extraction mangled rather than a different label: the prescribed label's own
    characters are all there, in order, with others interleaved (a merged vertical cell read
    into the row), only a piece of it is there, or it is too broken to compare."""
    own = expected.split()[-1] if expected.split() else expected  # （五）不予处理 2.重复申请 → 2.重复申请
    core = re.sub(r"^[(（]?[一二三四五六七八九十\d]+[)）.、]?", "", fold(own))
    it = iter(fold(written))
    if all(ch in it for ch in core) or not re.search(r"[\u4e00-\u9fff]{2}", written):
        return True
    # a piece of the label (a label wrapped over lines, the rest left outside the cell)
    piece = re.sub(r"[\s|]", "", fold(written))
    return len(piece) >= 4 and piece in fold(own)


def _row_label_hits(pt: PrescribedTable, d: TableDef, names: dict[str, str]) -> list[Hit]:
    hits = []
    anchor = pt.table.span if pt.table else None
    seen = set(pt.rows) | {r.key for r in pt.unreadable}
    for row in d.rows:
        key = row.key
        state = None
        if key in pt.low_confidence:
            written = pt.low_confidence[key].strip()
            if not _is_garbled(written, row.label):
                state = ("renamed", written)
        elif key not in seen and key not in pt.maybe:
            # (a figure row that could not be placed may be this one: not evidence that it is missing)
            state = ("missing", "")
        if state is None:
            continue
        label_en = row.label_en or row.label
        if state[0] == "missing":
            st, st_en = "缺失", "is missing"
            span = anchor
        else:
            st, st_en = f"被改写为“{state[1][:20]}”", f"was renamed to '{state[1][:20]}'"
            span = pt.rows[key].span
        hits.append(Hit(span, {**names, "what": "行", "what_en": "row", "label": row.label, "label_en": label_en,
                               "state": st, "state_en": st_en}))
    return hits


def _unmatched_row_labels(t, b) -> list[str]:
    """Row labels of a table 二 block that are none of the block's prescribed rows (and not its
    header row): what a row was renamed to, when one is missing."""
    out = []
    for r in t.rows:
        cells = [c for c in r.cells if not c.blank]
        if not cells or cells[0].value is not None or not any(c.value is not None for c in cells[1:]):
            continue  # a header row, or no figures
        label = cells[0].text.strip()
        if not any(rx(lab).search(fold(label)) for lab in b.rows):
            out.append(label)
    return out


def _shown(pattern: str) -> str:
    """A label pattern as a reader would write it: 第二十条第\\(九\\)项 → 第二十条第（九）项."""
    first = re.split(r"(?<!\\)\|", pattern)[0]
    return re.sub(r"[\\^$?]", "", first.replace(r"\(", "（").replace(r"\)", "）"))


@check("table_labels", TableParams)
def table_labels(ctx: Context, p: TableParams) -> list[Hit]:
    """Fires for each prescribed row or column label a table lacks or has renamed (a label
    garbled by extraction is neither)."""
    ts, d = _tables(ctx), _def(ctx, p)
    pt = ts.get(p.table)
    if pt is None or d is None:
        return []
    names = _names(d, p)
    missing = {"state": "缺失", "state_en": "is missing"}
    if d.reader == "blocks":
        hits = []
        for b, t in pt.blocks or []:
            name = _shown(b.title)
            if t is None:
                if b.title not in pt.blocks_in_text:  # written as lines of text: there, not read
                    hits.append(Hit(None, {**names, "what": "栏目", "what_en": "block", "label": name,
                                           "label_en": name, **missing}))
                continue
            text = fold(" ".join(c.text for r in t.rows for c in r.cells))
            lost = [lab for lab in b.rows if not rx(lab).search(text)]
            written = _unmatched_row_labels(t, b)
            for lab in [c for c in b.columns if not rx(c).search(text)] + lost:
                shown = _shown(lab)
                state = missing
                if lab in lost and len(lost) == 1 and len(written) == 1:  # the one row there instead
                    state = {"state": f"被改写为“{written[0][:20]}”", "state_en": f"was renamed to '{written[0][:20]}'"}
                hits.append(Hit(t.span, {**names, "what": "标签", "what_en": "label", "label": shown, "label_en": shown, **state}))
        return hits
    if d.reader != "rows" or not readable(pt):
        return []
    hits = _row_label_hits(pt, d, names)
    if pt.table is not None:
        header = fold(pt.header_text)
        anchor = pt.table.span
        for col in d.columns:
            pat = col.match or re.escape(col.label)
            if not rx(pat).search(header):
                hits.append(Hit(anchor, {**names, "what": "列", "what_en": "column", "label": col.label,
                                         "label_en": col.label_en or col.label, **missing}))
    return hits[:12]


# --------------------------------------------------------------------------- cells

def _short_label(label: str) -> str:
    """A row label without the prescribed note in brackets: （二）部分公开（区分处理的…） → （二）部分公开."""
    return re.sub(r"(?<=.)[(（][^()（）]*[)）]$", "", label.strip())[:14]


def _rows_cells(pt: PrescribedTable, d: TableDef, names: dict[str, str]) -> list[Hit]:
    hits = []
    blanks = 0
    first_blank = None
    blank_required: list[tuple[PrescribedRow, Cell]] = []
    cols = d.columns
    for r in pt.rows.values():
        for col, c in zip(cols, r.values):
            if c.blank:
                if col.required and any(not x.blank for x in r.values if x is not c):
                    blank_required.append((r, c))
                else:
                    blanks += 1
                    first_blank = first_blank or r.span
            elif c.value is None or (c.value < 0 and not col.signed) or not float(c.value).is_integer():
                hits.append(Hit(c.span, {"row": r.label, "found": c.text}))
    if blank_required:  # one finding per table, naming the rows, rather than one per row
        rows = "、".join(_short_label(r.label) for r, _ in blank_required[:6]) + ("等" if len(blank_required) > 6 else "")
        hits.append(Hit(blank_required[0][1].span, {**names, "count": len(blank_required), "rows": rows},
                        variant="blank_total"))
    if blanks and d.blank_reads_as_zero:
        hits.append(Hit(first_blank, {**names, "count": blanks}, severity="info", variant="blank"))
    return hits


def _groups_cells(pt: PrescribedTable, d: TableDef, names: dict[str, str]) -> list[Hit]:
    n = len(d.rows) * len(d.columns)
    if pt.unreadable:
        cells = pt.unreadable[0].values
        return [Hit(cells[0].span, {"row": names["table"], "row_en": names["table_en"],
                                    "found": f"{len(cells)} 个单元格（应为 {n} 个）", "found_en": f"{len(cells)} cells ({n} expected)"})]
    return [Hit(c.span, {"row": names["table"], "found": c.text})
            for r in pt.rows.values() for c in r.values if c.value is not None and c.value < 0]


def _blocks_cells(pt: PrescribedTable) -> list[Hit]:
    hits = []
    for b, t in pt.blocks or []:
        if t is None or len(t.rows) < 2:
            continue
        header = [fold(c.text) for c in t.rows[0].cells]
        for r in t.rows[1:]:
            for j, c in enumerate(r.cells[1:], start=1):
                col = header[j] if j < len(header) else ""
                signed = any(rx(s).search(col) for s in b.signed)
                if c.blank:
                    continue
                if c.value is None or (c.value < 0 and not signed):
                    hits.append(Hit(c.span, {"row": f"{r.cells[0].text}（{col}）", "found": c.text}))
    return hits


def _stats_cells(pt: PrescribedTable, names: dict[str, str]) -> list[Hit]:
    hits = []
    blanks, first = 0, None
    for r in pt.order:
        for c in r.values:
            if c is None:
                continue
            if c.blank or c.text.strip() in ("-", "—", "/", "－", "——"):
                blanks += 1
                first = first or c.span
            elif c.value is None or c.value < 0:
                hits.append(Hit(c.span, {"row": r.label, "found": c.text}))
    if blanks:
        hits.append(Hit(first, {**names, "count": blanks}, severity="info", variant="blank"))
    return hits


@check("table_cells", TableParams)
def table_cells(ctx: Context, p: TableParams) -> list[Hit]:
    """Fires on a count cell that holds text or a negative number where none may be, on a blank
    total beside figures, and once per table (info) for blank cells read as 0."""
    ts, d = _tables(ctx), _def(ctx, p)
    if d is None:
        return []
    names = _names(d, p)
    hits: list[Hit] = []
    for pt in ts.all(p.table):
        if d.reader == "rows":
            hits += _rows_cells(pt, d, names) if readable(pt) else []
        elif d.reader == "groups":
            hits += _groups_cells(pt, d, names)
        elif d.reader == "blocks":
            hits += _blocks_cells(pt)
        else:
            hits += _stats_cells(pt, names)
    return hits


# --------------------------------------------------------------------------- identities

class IdentityParams(TableParams):
    group: str = "sums"  # which of the table's identities this entry checks


def _sum_hit(total: Cell | None, parts: list[Cell | None], what_zh: str, what_en: str) -> Hit | None:
    """total = sum(parts), blanks read as 0. Says nothing when the total is blank (GIP403's
    business) or every part is blank."""
    if total is None or total.blank or total.value is None or not parts or all(_blank(c) for c in parts):
        return None
    s = sum(_v(c) for c in parts)
    if s == total.value:
        return None
    expr = "+".join(_fmt(_v(c)) for c in parts)
    data = {"sum": _fmt(s), "expr": expr}
    return Hit(total.span, {"what": what_zh.format(**data), "what_en": what_en.format(**data),
                            "found": _fmt(total.value), "expected": _fmt(s)})


def _label(d: TableDef, pt: PrescribedTable, key: str, axis: str, lang: str = "zh") -> str:
    if axis == "rows":
        rd = d.row(key)
        if lang == "en":
            return (rd.short_en or rd.label_en or rd.label) if rd else key
        return (rd.short or rd.label) if rd else key
    cd = d.column(key)
    if cd is None:
        return pt.col_labels.get(key, key)
    return (cd.label_en or cd.label) if lang == "en" else cd.label


def _row_cell(pt: PrescribedTable, r: PrescribedRow, col: str) -> Cell | None:
    if len(r.values) != len(pt.columns) or col not in pt.columns:
        return None
    return r.values[pt.columns.index(col)]


def _brace(text: str) -> str:
    """A label put into a message template: its own braces are text."""
    return text.replace("{", "{{").replace("}", "}}")


def _missing_total(pt: PrescribedTable, d: TableDef, col: str, keys: list[str]) -> bool:
    """A required column (总计) blank in one of the rows while that row has figures."""
    cd = d.column(col)
    if cd is None or not cd.required:
        return False
    for k in keys:
        r = pt.rows.get(k)
        if r is None or len(r.values) != len(pt.columns):
            continue
        cell = r.values[pt.columns.index(col)]
        if _blank(cell) and any(not _blank(c) for c in r.values):
            return True
    return False


def _check_identity(pt: PrescribedTable, d: TableDef, ident: IdentityDef) -> list[Hit]:
    axis, left, right = terms_axis(d, ident)
    op = ident.parsed()[0]
    hits: list[Hit] = []
    if axis == "rows":
        if any(k not in pt.rows for k in left + right):
            return []  # never a partial sum: a part that is not there is not 0
        lanes = [(c, lambda k, c=c: pt.cell(k, c)) for c in pt.columns]
    else:
        rows = pt.order if d.reader == "stats-2008" else list(pt.rows.values())
        lanes = [(r, lambda c, r=r: _row_cell(pt, r, c)) for r in rows]
    for lane, get in lanes:
        lcells, rcells = [get(k) for k in left], [get(k) for k in right]
        if axis == "rows" and _missing_total(pt, d, lane, left + right):
            continue  # a 总计 left blank beside figures is not 0 (GIP403 says so): the sum is unknown
        if axis == "rows":  # checked in one column: named by its label (自然人), never its key
            where_zh = _label(d, pt, lane, 'columns')
            where_en = _label(d, pt, lane, 'columns', 'en')
        else:
            where_zh = where_en = lane.label
        if op in (">=", "<="):
            a, b = (lcells[0], rcells[0]) if len(lcells) == 1 and len(rcells) == 1 else (None, None)
            if a is None or b is None or a.value is None or b.value is None:
                continue
            if (a.value < b.value) if op == ">=" else (a.value > b.value):
                zh = ident.what.zh if ident.what else "{row}：{lhs_names} 不应{rel} {rhs_names}"
                en = ident.what.en if ident.what else "{row}: {lhs_names} should not be {rel_en} {rhs_names}"
                data = {"row": where_zh, "col": where_zh, "lhs_names": "+".join(_label(d, pt, k, axis) for k in left),
                        "rhs_names": "+".join(_label(d, pt, k, axis) for k in right),
                        "rel": "小于" if op == ">=" else "大于", "rel_en": "below" if op == ">=" else "above"}
                data_en = dict(data, row=where_en, col=where_en,
                               lhs_names="+".join(_label(d, pt, k, axis, "en") for k in left),
                               rhs_names="+".join(_label(d, pt, k, axis, "en") for k in right))
                hits.append(Hit(a.span, {"what": zh.format(**data), "what_en": en.format(**data_en),
                                         "expected": f"{op[0]}= {_fmt(b.value)}".replace(">=", "≥").replace("<=", "≤"),
                                         "found": _fmt(a.value), "lhs": _fmt(a.value), "rhs": _fmt(b.value)}))
            continue
        if len(lcells) == 1 or len(rcells) == 1:
            total, parts, keys = (lcells[0], rcells, left) if len(lcells) == 1 else (rcells[0], lcells, right)
            if axis == "rows":
                tl = _label(d, pt, keys[0], "rows")
                rd = d.row(keys[0])
                zh = ident.what.zh if ident.what else "“{total}”的“{col}”栏应为 {sum}（{expr}）"
                en = ident.what.en if ident.what else "'{total}' ({col}) should be {sum} ({expr})"
                zh = zh.replace("{total}", _brace(rd.label if rd else tl)).replace("{col}", _brace(where_zh))
                en = en.replace("{total}", _brace((rd.label_en or rd.label) if rd else tl)).replace("{col}", _brace(where_en))
            else:
                zh = ident.what.zh if ident.what else "“{row}”的{total}应为 {sum}（{expr}）"
                en = ident.what.en if ident.what else "the {total} of '{row}' should be {sum} ({expr})"
                zh = zh.replace("{row}", _brace(where_zh)).replace("{total}", _brace(_label(d, pt, keys[0], "columns")))
                en = en.replace("{row}", _brace(where_en)).replace("{total}", _brace(_label(d, pt, keys[0], "columns", "en")))
            h = _sum_hit(total, parts, zh, en)
            if h is not None:
                hits.append(h)
            continue
        if all(_blank(c) for c in lcells + rcells):
            continue
        a, b = sum(_v(c) for c in lcells), sum(_v(c) for c in rcells)
        if a == b:
            continue
        ln = "+".join(_label(d, pt, k, axis) for k in left)
        rn = "+".join(_label(d, pt, k, axis) for k in right)
        ln_en = " + ".join(_label(d, pt, k, axis, "en") for k in left)
        rn_en = " + ".join(_label(d, pt, k, axis, "en") for k in right)
        zh = ident.what.zh if ident.what else ("“{col}”栏：{lhs_names} 应等于 {rhs_names}" if axis == "rows"
                                               else "“{row}”：{lhs_names} 应等于 {rhs_names}")
        en = ident.what.en if ident.what else "{col}: {lhs_names} should equal {rhs_names}"
        anchor = next((c for c in rcells if c is not None), None)
        hits.append(Hit(anchor.span if anchor is not None else None, {
            "what": zh.format(col=where_zh, row=where_zh, lhs_names=ln, rhs_names=rn),
            "what_en": en.format(col=where_en, row=where_en, lhs_names=ln_en, rhs_names=rn_en),
            "lhs": "+".join(_fmt(_v(c)) for c in lcells) + f"={_fmt(a)}",
            "rhs": "+".join(_fmt(_v(c)) for c in rcells) + f"={_fmt(b)}",
            "found": _fmt(a), "expected": _fmt(b)}))
    return hits


def _family_hits(pt: PrescribedTable, d: TableDef) -> list[Hit]:
    """The 2008 table's 其中 structure: each part ≤ its total, and the parts add up to it (below
    it only a warning when no catch-all row says the list is complete)."""
    f = d.families
    if f is None:
        return []
    hits = []
    rows = pt.order
    for parent, kids in pt.families:
        prow = rows[parent]
        plabel = prow.label
        overlap = any(rx(x).search(plabel) for x in f.overlapping_parents)
        exhaustive = any(rx(f.catch_all).search(rows[k].label) for k in kids)
        for j, colkey in enumerate(pt.columns):
            pc = prow.values[j] if j < len(prow.values) else None
            if pc is None or pc.value is None:
                continue
            total = pc.value
            col = pt.col_labels.get(colkey, colkey)
            kid_cells = [rows[k].values[j] if j < len(rows[k].values) else None for k in kids]
            for k, c in zip(kids, kid_cells):
                if c is not None and c.value is not None and c.value > total:
                    hits.append(Hit(c.span, {"what": f"“{rows[k].label}”（{col}）不应大于“{plabel}”",
                                             "what_en": f"'{rows[k].label}' ({col}) exceeds its total '{plabel}'",
                                             "expected": f"≤ {_fmt(total)}", "found": _fmt(c.value)}))
            parts = [c.value for c in kid_cells if c is not None and c.value is not None]
            if overlap or not parts:
                continue
            s = sum(parts)
            if s != total and (s > total or exhaustive):
                sev = None
            elif s < total:
                sev = "warning"
            else:
                continue
            expr = "+".join(_fmt(x) for x in parts)
            data = {"total": plabel, "col": col, "sum": _fmt(s), "expr": expr}
            hits.append(Hit(pc.span, {"what": f.what.zh.format(**data), "what_en": f.what.en.format(**data),
                                      "expected": _fmt(s), "found": _fmt(total)}, severity=sev))
    return hits


@check("table_identities", IdentityParams)
def table_identities(ctx: Context, p: IdentityParams) -> list[Hit]:
    """Fires where an identity of the table's definition fails (a total against its parts, a
    balance across rows, an inequality); an identity with a part that was not identified is
    not checked."""
    ts, d = _tables(ctx), _def(ctx, p)
    if d is None:
        return []
    hits: list[Hit] = []
    for pt in ts.all(p.table):
        if d.reader == "rows" and not readable(pt):
            continue
        if d.reader == "stats-2008" and p.group == "sums":
            hits += _family_hits(pt, d)
        for ident in d.identities:
            if ident.group == p.group:
                hits += _check_identity(pt, d, ident)
    return hits
