"""Ruled grids: the stroked segments and thin filled bars a page draws, joined into tables
with merged cells (a missing inner rule joins two slots)."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as pdfium_c

from .chars import _Char, _cell_text

_TOL = 2.0  # points: ruling-line snapping tolerance


@dataclass(eq=False)
class _Table:
    rows: list[list[str]]
    x0: float
    x1: float
    y0: float
    y1: float
    page: int
    pages: list[int] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)  # column boundaries, left to right
    # roots[r][c]: the slot (row, column) holding the text of the cell that covers slot (r, c)
    roots: list[list[tuple[int, int]]] = field(default_factory=list)


# --------------------------------------------------------------------------- ruling lines → tables


def _compose(outer: tuple[float, ...], inner: tuple[float, ...]) -> tuple[float, ...]:
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _segments(page: Any, limit: int = 20000) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rules drawn on the page."""
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    m = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    budget = [limit]

    def add(p: tuple[float, float], q: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y1 - y0) <= 0.5 and abs(x1 - x0) >= 2:
            hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) >= 2:
            vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    def visit(obj: Any, parent: tuple[float, ...], depth: int) -> None:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if pdfium_c.FPDFPageObj_GetMatrix(obj, m):
            mat = _compose(parent, (m.a, m.b, m.c, m.d, m.e, m.f))
        else:
            mat = parent
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                visit(pdfium_c.FPDFFormObj_GetObject(obj, k), mat, depth + 1)
            return
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            return
        count = pdfium_c.FPDFPath_CountSegments(obj)
        budget[0] -= max(count, 0)
        if count <= 0 or budget[0] < 0:
            return
        pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
        a, b, c, d, e, f = mat
        subpaths: list[list[tuple[float, float]]] = []
        closed: list[bool] = []
        for i in range(count):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
            typ = pdfium_c.FPDFPathSegment_GetType(seg)
            if typ == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append([(px, py)])
                closed.append(False)
            elif typ == pdfium_c.FPDF_SEGMENT_LINETO:
                subpaths[-1].append((px, py))
            else:  # a curve: not a rule
                subpaths[-1].append((float("nan"), float("nan")))
                subpaths[-1].append((px, py))
            if pdfium_c.FPDFPathSegment_GetClose(seg):
                closed[-1] = True
        for pts, is_closed in zip(subpaths, closed):
            if stroke.value:
                ring = pts + ([pts[0]] if is_closed and len(pts) > 2 else [])
                for p, q in zip(ring, ring[1:]):
                    if p[0] == p[0] and q[0] == q[0]:  # skip NaN (curves)
                        add(p, q)
            elif fill.value and len(pts) >= 3 and all(p[0] == p[0] for p in pts):
                xs_, ys_ = [p[0] for p in pts], [p[1] for p in pts]
                w, h = max(xs_) - min(xs_), max(ys_) - min(ys_)
                if h <= 2.5 and w >= 2:  # a thin filled bar: a horizontal rule
                    mid = (max(ys_) + min(ys_)) / 2
                    add((min(xs_), mid), (max(xs_), mid))
                elif w <= 2.5 and h >= 2:
                    mid = (max(xs_) + min(xs_)) / 2
                    add((mid, min(ys_)), (mid, max(ys_)))

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        visit(pdfium_c.FPDFPage_GetObject(page.raw, k), identity, 0)
        if budget[0] < 0:
            return [], []
    return hs, vs


def _merge_collinear(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    out: list[list[float]] = []
    for pos, a, b in sorted(segs):
        for s in out:
            if abs(s[0] - pos) <= _TOL and a <= s[2] + _TOL and b >= s[1] - _TOL:
                s[1], s[2] = min(s[1], a), max(s[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(s) for s in out]  # type: ignore[misc]


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= _TOL:
            continue
        out.append(v)
    return out


def _find_tables(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]], chars: list[_Char],
                 page: int) -> tuple[list[_Table], set[int]]:
    """Grids formed by crossing rules; returns the tables and ids of the chars they consumed."""
    hs, vs = _merge_collinear(hs), _merge_collinear(vs)
    if len(hs) < 2 or len(vs) < 2 or len(hs) * len(vs) > 250_000:
        return [], set()
    # connected components of crossing rules
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (hy, hx0, hx1) in enumerate(hs):
        for j, (vx, vy0, vy1) in enumerate(vs):
            if hx0 - _TOL <= vx <= hx1 + _TOL and vy0 - _TOL <= hy <= vy1 + _TOL:
                parent[find(i)] = find(len(hs) + j)
    comps: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables: list[_Table] = []
    used: set[int] = set()
    for chs, cvs in comps.values():
        if len(chs) < 2 or len(cvs) < 2:
            continue
        xs = _cluster([v[0] for v in cvs])
        ys = _cluster([h[0] for h in chs])[::-1]  # top first
        if len(xs) < 3 or len(ys) < 3:  # at least 2 columns and 2 rows
            continue
        nr, nc = len(ys) - 1, len(xs) - 1

        def v_covered(x: float, top: float, bottom: float) -> bool:
            return any(abs(v[0] - x) <= _TOL and v[1] <= bottom + _TOL and v[2] >= top - _TOL for v in cvs)

        def h_covered(y: float, left: float, right: float) -> bool:
            return any(abs(h[0] - y) <= _TOL and h[1] <= left + _TOL and h[2] >= right - _TOL for h in chs)

        cell_parent = {(r, c): (r, c) for r in range(nr) for c in range(nc)}

        def cfind(k: tuple[int, int]) -> tuple[int, int]:
            while cell_parent[k] != k:
                k = cell_parent[k]
            return k

        def union(p: tuple[int, int], q: tuple[int, int]) -> None:
            rp, rq = cfind(p), cfind(q)
            if rp != rq:
                cell_parent[max(rp, rq)] = min(rp, rq)

        for r in range(nr):
            for c in range(nc):
                top, bottom = ys[r], ys[r + 1]
                if c + 1 < nc and not v_covered(xs[c + 1], top - _TOL, bottom + _TOL):
                    union((r, c), (r, c + 1))
                if r + 1 < nr and not h_covered(ys[r + 1], xs[c] + _TOL, xs[c + 1] - _TOL):
                    union((r, c), (r + 1, c))
        x_lo, x_hi, y_lo, y_hi = xs[0], xs[-1], ys[-1], ys[0]
        cell_chars: dict[tuple[int, int], list[_Char]] = {}
        consumed: list[int] = []
        for idx, ch in enumerate(chars):
            cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
            if not (x_lo <= cx <= x_hi and y_lo <= cy <= y_hi):
                continue
            c = next((k for k in range(nc) if xs[k] <= cx <= xs[k + 1]), None)
            r = next((k for k in range(nr) if ys[k + 1] <= cy <= ys[k]), None)
            if c is None or r is None:
                continue
            cell_chars.setdefault(cfind((r, c)), []).append(ch)
            consumed.append(idx)
        if not cell_chars:
            continue
        rows = [["" for _ in range(nc)] for _ in range(nr)]
        for (r, c), cs in cell_chars.items():
            rows[r][c] = _cell_text(cs, page)
        # drop rows that are empty in every cell only when they are spacer rows at the edges
        roots = [[cfind((r, c)) for c in range(nc)] for r in range(nr)]
        tables.append(_Table(rows, x_lo, x_hi, y_lo, y_hi, page, [page], list(xs), roots))
        used.update(consumed)
    return tables, used


