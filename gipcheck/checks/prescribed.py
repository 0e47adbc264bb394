"""Figures stated in the text of a unified-format report against its tables (GIP406, GIP407).

The tables themselves are read by the tables stage (``gipcheck/tables``) and found here on
``facts.tables``: a figure names the cells it should equal by their keys (``r1+r2``, ``t4:rev``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import saferegex
from ..ast import PrescribedTable, Span
from . import Context, Hit, Params, Regex, check, in_part_clause
from .tables import readable


@lru_cache(maxsize=512)
def _rx(p: str) -> saferegex.SafePattern:
    return saferegex.compile(p)  # rule-file patterns: time-bounded


def _v(c) -> float:
    return c.value if c is not None and c.value is not None else 0.0


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


T4_GROUPS = ("rev", "lit_direct", "lit_after")  # the row keys of table 四 (rules/tables/*.yaml)


# --------------------------------------------------------------------------- the text around the tables

class FigureParams(Params):
    table: str = "t3"  # the table whose cells ``cell`` names; "t4:" in a cell names table 四
    # {text: regex with (?P<n>…), cell: "r1+r2", "new|new+carry_in" or "t4:rev", label: …,
    #  whole: "yes" for figures about the whole report: only its first statement counts, and not
    #  one inside a 其中 clause (in a combined report that is a sub-unit's figure)}
    figures: list[dict[str, str]]


def _row_total(t3: PrescribedTable, key: str, defined: list[str]) -> float | None:
    """A row's total: its 总计 cell, or the sum of its six cells when the total was left blank.
    A group (r4: r4_1 … r4_3) only when every one of its rows was read: never a partial sum."""
    keys = [k for k in defined if k == key or k.startswith(key + "_")] or \
        [k for k in t3.rows if k == key or k.startswith(key + "_")]
    if not keys or any(k not in t3.rows for k in keys):
        return None
    s = 0.0
    for k in keys:
        r = t3.rows[k]
        if len(r.values) != len(t3.columns):
            return None
        total = r.values[-1]
        s += total.value if not total.blank and total.value is not None else sum(_v(c) for c in r.values[:-1])
    return s


@check("unified_text_figures", FigureParams)
def unified_text_figures(ctx: Context, p: FigureParams) -> list[Hit]:
    """Fires when a figure in the text differs from the table cell that holds the same figure."""
    t3 = ctx.facts.tables.get(p.table)
    t3 = t3 if t3 is not None and readable(t3) else None
    t3_def = ctx.facts.tables.defs.get(p.table)
    defined = t3_def.row_keys() if t3_def is not None else []
    t4pt = ctx.facts.tables.get("t4")
    t4 = [c for g in T4_GROUPS for c in (t4pt.rows[g].values if t4pt and g in t4pt.rows else [])]
    body = ctx.doc.body_text()
    taken: list[tuple[int, int]] = []
    seen: set[str] = set()
    hits = []
    for fig in p.figures:
        for m in _rx(fig["text"]).finditer(body):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if any(t.span.start <= m.start() < t.span.end for t in ctx.doc.tables) or \
                    any(s is not None and s.start <= m.start() < s.end for s in (x.span for x in ctx.facts.tables.found.values())):
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
                if len(t4) != 15:
                    continue
                cells = t4
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
                        v = _row_total(t3, key, defined)
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
                    "table_value": "、".join(dict.fromkeys(_fmt(v) for v in expected)),
                    "table_value_en": ", ".join(dict.fromkeys(_fmt(v) for v in expected))},
                    variant="alternatives" if len(set(expected)) > 1 else None))
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


