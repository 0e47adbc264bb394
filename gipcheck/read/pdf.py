"""PDF → :class:`Extracted` (text through pypdfium2).

* Characters are read with their boxes and grouped into lines by position, top to bottom,
  left to right (reading order of a single-column report, whatever the content-stream order).
* Layout text is removed: running headers/footers (a line repeated, digits aside, at the top
  or bottom of most pages) and page numbers at the top/bottom of a page (``第 3 页``,
  ``第3页 共10页``, ``- 3 -``, ``3/10``, bare digits, ``Page 3 of 10``).
* Lines that the layout broke inside a sentence are re-joined: a line is joined to the next
  when it does not end with sentence punctuation (。！？…), it runs to the right margin (or
  the next line starts with a word too wide for the room left),
  the next line does not start with a heading marker (一、 （一） 1. （1） ① 第…章 附件)
  and is not indented as a new paragraph; across a page break as well.
* Drawn tables (ruling lines: stroked segments, or thin filled rectangles as Word draws
  borders) become :class:`SourceTable` grids, merged cells found from missing inner rules
  (text once, top-left, covered slots empty); a table continued on the next page is joined
  to its first part (a repeated header row dropped). This needs no extra library (pdfplumber
  is deliberately not used even when installed), so the same file gives the same findings
  everywhere. Rows are written as `` | `` lines.
* Not handled: multi-column layouts (lines at the same height are merged), rotated pages,
  vertical text.
* ``line_sources[i]`` is ``{"page": N}``; table rows add ``"table"`` and ``"row"``.
* Refused with :class:`InputError`: more pages than ``limits.max_pages``, a password,
  a damaged or truncated file. A PDF with no text layer (a scan) raises ``rule="GIP002"`` —
  unless ``tesseract`` with ``chi_sim`` data is on PATH: then each page is rendered by
  pypdfium2 (300 dpi grey, written as PGM in a temp dir) and OCR'd by a ``tesseract``
  subprocess, and the result carries a GIP002 note saying the text came from OCR.
"""
from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium  # extra "pdf"
import pypdfium2.raw as pdfium_c

from .base import Extracted, InputError, Limits, SourceTable
from ..lexicon import HEADING_START as _LEXICON_HEADING_START

# Sentence-final punctuation (a colon or semicolon at a line end is left to the layout tests).
_SENTENCE_END = re.compile(r"[。！？!?…]['\"”’」』）)\]】]*$")
_LEADING_WORD = re.compile(r"[\x21-\x7e]+")
HEADING_START = _LEXICON_HEADING_START  # gipcheck.lexicon: the heading markers, defined once
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～·•\s]*\d{1,3}[-—–－~～·•\s]*|[-—–－]?\s*第\s*\d{1,4}\s*页\s*[-—–－]?(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|"
    r"(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.I,
)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_TOL = 2.0  # points: ruling-line snapping tolerance
OCR_TIMEOUT = 120  # seconds per page


@dataclass
class _Char:
    ch: str
    x0: float
    x1: float
    y0: float  # bottom (PDF y grows upwards)
    y1: float  # top


@dataclass(eq=False)
class _Line:
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    page: int
    # after re-joining: where the last joined part ends
    last_page: int = 0
    last_x1: float = 0.0
    last_y0: float = 0.0
    height: float = 1.0  # one line's height

    def __post_init__(self) -> None:
        self.last_page, self.last_x1, self.last_y0 = self.page, self.x1, self.y0
        self.height = max(self.y1 - self.y0, 1.0)


@dataclass(eq=False)
class _Table:
    rows: list[list[str]]
    x0: float
    x1: float
    y0: float
    y1: float
    page: int
    pages: list[int] = field(default_factory=list)


def _short(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:120]


# --------------------------------------------------------------------------- characters


def _page_chars(textpage: Any) -> tuple[list[_Char], int]:
    """Non-generated characters with loose boxes; also the count of unmappable ones."""
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    rect = pdfium_c.FS_RECTF()
    out: list[_Char] = []
    bad = 0
    high: tuple[int, float, float, float, float] | None = None  # a high surrogate and its box
    for i in range(max(n, 0)):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if pdfium_c.FPDFText_IsGenerated(tp, i) == 1:
            continue
        if 0xDC00 <= code < 0xE000:  # low surrogate: completes the pair begun just before
            if high is not None:
                h, x0, x1, y0, y1 = high
                out.append(_Char(chr(0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00)), x0, x1, y0, y1))
            high = None
            continue
        high = None
        if code in (0, 0xFFFE, 0xFFFF, 0xFFFD) or 0xE000 <= code < 0xF900:
            bad += 1
            continue
        ch = chr(code) if code < 0xD800 or code >= 0xE000 else ""
        if ch and ch in "\r\n\x02\x03\x0c":
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(tp, i, rect):
            continue
        if not ch:
            high = (code, rect.left, rect.right, rect.bottom, rect.top)
            continue
        out.append(_Char(ch, rect.left, rect.right, rect.bottom, rect.top))
    return out, bad


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def _group_lines(chars: list[_Char], page: int) -> list[_Line]:
    """Cluster characters into lines by vertical centre, then order each line left to right."""
    if not chars:
        return []
    order = sorted(chars, key=lambda c: -(c.y0 + c.y1) / 2)
    groups: list[list[_Char]] = []
    centre = height = 0.0
    for c in order:
        cy, h = (c.y0 + c.y1) / 2, max(c.y1 - c.y0, 1.0)
        if groups and abs(cy - centre) <= 0.45 * max(h, height):
            groups[-1].append(c)
        else:
            groups.append([c])
            centre, height = cy, h
    lines: list[_Line] = []
    for g in groups:
        g.sort(key=lambda c: c.x0)
        h = max(c.y1 - c.y0 for c in g) or 1.0
        parts: list[str] = []
        prev: _Char | None = None
        for c in g:
            if prev is not None:
                if c.ch == prev.ch and abs(c.x0 - prev.x0) < 0.3 * max(prev.x1 - prev.x0, 1.0):
                    continue  # fake bold: the same glyph painted twice
                gap = c.x0 - prev.x1
                if gap > 0.45 * h and not c.ch.isspace() and not prev.ch.isspace():
                    parts.append(" ")
            parts.append(c.ch)
            prev = c
        text = re.sub(r"[ \t\xa0]{2,}", " ", "".join(parts)).strip(" \t\xa0\u3000")
        if text:
            lines.append(_Line(text, min(c.x0 for c in g), max(c.x1 for c in g),
                               min(c.y0 for c in g), max(c.y1 for c in g), page))
    return lines


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
            text = ""
            for ln in _group_lines(cs, page):
                text = _join(text, ln.text)
            rows[r][c] = text
        # drop rows that are empty in every cell only when they are spacer rows at the edges
        tables.append(_Table(rows, x_lo, x_hi, y_lo, y_hi, page, [page]))
        used.update(consumed)
    return tables, used


# --------------------------------------------------------------------------- layout cleanup


def _norm_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _strip_layout(pages: list[list[Any]], boxes: list[tuple[float, float, float, float]]) -> None:
    """Remove page numbers and running headers/footers in place (tables are never touched)."""
    def zone_lines(items: list[Any], box: tuple[float, float, float, float]) -> tuple[list[_Line], list[_Line]]:
        _l, bottom, _r, top = box
        height = max(top - bottom, 1.0)
        lines = [it for it in items if isinstance(it, _Line)]
        heads = [ln for ln in lines[:2] if ln.y0 >= top - 0.15 * height]
        feet = [ln for ln in lines[-2:] if ln.y1 <= bottom + 0.15 * height]
        return heads, feet

    for items, box in zip(pages, boxes):
        heads, feet = zone_lines(items, box)
        drop = {id(ln) for ln in heads + feet if _PAGE_NUMBER.match(ln.text.strip())}
        items[:] = [it for it in items if id(it) not in drop]
    n = len(pages)
    if n < 2:
        return
    need = max(2, (n + 1) // 2)
    for which in (0, 1):
        counts: dict[str, int] = {}
        per_page = []
        for items, box in zip(pages, boxes):
            zone = zone_lines(items, box)[which]
            keys = {_norm_key(ln.text) for ln in zone}
            per_page.append(zone)
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
        for items, zone in zip(pages, per_page):
            drop = {id(ln) for ln in zone if counts.get(_norm_key(ln.text), 0) >= need}
            items[:] = [it for it in items if id(it) not in drop]


def _rejoin(items: list[Any], margins: dict[int, tuple[float, float]]) -> list[Any]:
    """Re-join lines that the page layout broke inside a sentence."""
    lines = [it for it in items if isinstance(it, _Line)]
    indented = 0
    for ln in lines:
        left = margins.get(ln.page, (ln.x0, ln.x1))[0]
        em = ln.height / 1.15
        if left + 1.2 * em <= ln.x0 <= left + 3.5 * em:
            indented += 1
    indented_doc = indented >= 3
    out: list[Any] = []
    for it in items:
        prev = out[-1] if out else None
        if isinstance(it, _Line) and isinstance(prev, _Line) and _continues(prev, it, margins, indented_doc):
            prev.text = _join(prev.text, it.text)
            prev.last_page, prev.last_x1, prev.last_y0 = it.page, it.x1, it.y0
            continue
        out.append(it)
    return out


def _continues(a: _Line, b: _Line, margins: dict[int, tuple[float, float]], indented_doc: bool = False) -> bool:
    if HEADING_START.match(b.text):
        return False
    em = a.height / 1.15
    if _SENTENCE_END.search(a.text):
        # a full line ending a sentence, followed by an unindented line, in a document whose
        # paragraphs start indented: the paragraph simply went on
        left_b = margins.get(b.page, (b.x0, b.x1))[0]
        right_a = margins.get(a.last_page, (a.x0, a.x1))[1]
        if not (indented_doc and b.x0 <= left_b + 0.5 * em and right_a - a.last_x1 <= 2.0 * em):
            return False
    a_page, a_x1 = a.last_page, a.last_x1
    _left_a, right_a = margins.get(a_page, (a.x0, a.x1))
    left_b, _right_b = margins.get(b.page, (b.x0, b.x1))
    room = right_a - a_x1
    if room > 2.0 * em:
        # a short line ends its paragraph, unless the next line starts with a word (URL,
        # number) too wide for the room left, which the layout had to carry over
        word = _LEADING_WORD.match(b.text)
        if not word or (len(word.group()) * 0.6 + 0.5) * em < room:
            return False
    if b.x0 > left_b + 1.2 * em:  # an indented line starts a new paragraph
        return False
    if b.page == a_page:
        pitch = a.last_y0 - b.y0  # both measured at the bottom of their last part
        if pitch > 2.3 * a.height or pitch < 0:
            return False
    return True


def _merge_tables(items: list[Any]) -> list[Any]:
    """A table continued at the top of the next page joins its first part."""
    out: list[Any] = []
    for it in items:
        prev = out[-1] if out else None
        if (isinstance(it, _Table) and isinstance(prev, _Table) and it.page != prev.pages[-1]
                and len(it.rows[0]) == len(prev.rows[0])):
            rows = it.rows[1:] if it.rows and prev.rows and it.rows[0] == prev.rows[0] else it.rows
            prev.rows.extend(rows)
            prev.pages.extend([it.page] * len(rows))
            continue
        if isinstance(it, _Table):
            it.pages = [it.page] * len(it.rows)
        out.append(it)
    return out


# --------------------------------------------------------------------------- OCR (optional)


def _ocr_available() -> str | None:
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        res = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    langs = (res.stdout + res.stderr).split()
    return exe if "chi_sim" in langs else None


def _ocr(doc: Any, name: str, exe: str) -> Extracted:
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gipcheck-ocr-") as tmp:
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=300 / 72, grayscale=True)
            w, h, stride = bitmap.width, bitmap.height, bitmap.stride
            buf = bytes(bitmap.buffer)
            pgm = os.path.join(tmp, f"p{i + 1}.pgm")
            with open(pgm, "wb") as fh:
                fh.write(b"P5\n%d %d\n255\n" % (w, h))
                for row in range(h):
                    fh.write(buf[row * stride: row * stride + w])
            try:
                res = subprocess.run([exe, pgm, "stdout", "-l", "chi_sim", "--psm", "6"], capture_output=True,
                                     timeout=OCR_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise InputError(f"{name}：第 {i + 1} 页 OCR 超时", f"{name}: OCR of page {i + 1} timed out") from None
            text = res.stdout.decode("utf-8", "replace")
            for raw in text.split("\n"):
                s = re.sub(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]) +(?=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])",
                           "", raw).strip()
                if s:
                    lines.append(s)
                    sources.append({"page": i + 1, "ocr": True})
    note = ("GIP002", "本 PDF 是扫描图像，没有文字层；以下文字由 OCR 识别，可能有误",
            "this PDF is a scanned image with no text layer; the text below was recognised by OCR and may contain errors", 1)
    return Extracted(text="\n".join(lines), format="pdf", line_sources=sources, notes=[note])


# --------------------------------------------------------------------------- entry point


def _open(data: bytes, name: str) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(
                f"{name}：PDF 受密码保护（已加密），无法读取；请提供未加密的版本",
                f"{name}: the PDF is password-protected (encrypted) and cannot be read; provide an unencrypted copy",
            ) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError(
                f"{name}：PDF 使用了不支持的加密方式，无法读取",
                f"{name}: the PDF uses an unsupported encryption scheme and cannot be read",
            ) from None
        raise InputError(
            f"{name}：PDF 文件已损坏或不完整，无法打开（{_short(exc)}）",
            f"{name}: corrupt or incomplete PDF, cannot be opened ({_short(exc)})",
        ) from None


def read_pdf(data: bytes, name: str, limits: Limits) -> Extracted:
    doc = _open(data, name)
    try:
        return _read(doc, data, name, limits)
    finally:
        doc.close()


def _read(doc: Any, data: bytes, name: str, limits: Limits) -> Extracted:
    n = len(doc)
    if n > limits.max_pages:
        raise InputError(
            f"{name}：PDF 页数过多（{n} 页，上限 {limits.max_pages} 页）",
            f"{name}: too many pages ({n}; the limit is {limits.max_pages})",
        )
    if n == 0:
        raise InputError(f"{name}：PDF 没有任何页面", f"{name}: the PDF has no pages")
    if b"%%EOF" not in data[-65536:] and b"%%EOF" not in data:
        raise InputError(
            f"{name}：PDF 文件不完整（缺少文件结尾，可能下载中断），请重新获取完整文件",
            f"{name}: incomplete PDF (no end-of-file marker; the download may have been cut short)",
        )
    pages: list[list[Any]] = []
    boxes: list[tuple[float, float, float, float]] = []
    textless_with_images: list[int] = []
    total_chars = total_bad = 0
    for i in range(n):
        try:
            page = doc[i]
            textpage = page.get_textpage()
        except pdfium.PdfiumError as exc:
            raise InputError(f"{name}：第 {i + 1} 页无法读取（{_short(exc)}）",
                             f"{name}: page {i + 1} cannot be read ({_short(exc)})") from None
        chars, bad = _page_chars(textpage)
        total_chars += sum(1 for c in chars if not c.ch.isspace())
        total_bad += bad
        box = page.get_cropbox()
        boxes.append(box)
        hs, vs = _segments(page)
        tables, used = _find_tables(hs, vs, chars, i + 1) if hs and vs else ([], set())
        flow = [c for k, c in enumerate(chars) if k not in used]
        items: list[Any] = list(_group_lines(flow, i + 1)) + tables
        items.sort(key=lambda it: -it.y1)
        if not items:
            has_image = any(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, k))
                            == pdfium_c.FPDF_PAGEOBJ_IMAGE for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)))
            if has_image:
                textless_with_images.append(i + 1)
        pages.append(items)
        textpage.close()
        page.close()
    if total_chars == 0:
        exe = _ocr_available()
        if exe:
            return _ocr(doc, name, exe)
        raise InputError(
            f"{name}：PDF 是扫描图像，没有文字层，无法检查文字（可用 OCR 识别后另存为带文字的 PDF 或 Word；安装 tesseract 及 chi_sim 语言包后本工具可自动识别）",
            f"{name}: the PDF is a scanned image with no text layer, so its text cannot be checked "
            f"(OCR it first, or install tesseract with chi_sim data to let gipcheck do so)",
            rule="GIP002",
        )
    if total_bad > 3 * total_chars:
        raise InputError(
            f"{name}：PDF 的文字层无法解码（字体缺少 Unicode 映射），无法检查文字",
            f"{name}: the PDF's text layer cannot be decoded (fonts without a Unicode mapping)",
        )
    _strip_layout(pages, boxes)
    margins: dict[int, tuple[float, float]] = {}
    for p, items in enumerate(pages, 1):
        body = [it for it in items if isinstance(it, _Line)]
        if body:
            xs0 = sorted(ln.x0 for ln in body)
            margins[p] = (xs0[len(xs0) // 10] if len(xs0) >= 10 else xs0[0], max(ln.x1 for ln in body))
    flow_items = [it for items in pages for it in items]
    flow_items = _merge_tables(_rejoin(flow_items, margins))
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    tables: list[SourceTable] = []
    notes: list[tuple[str, str, str, int]] = []
    page_first_line: dict[int, int] = {}
    for it in flow_items:
        if isinstance(it, _Line):
            page_first_line.setdefault(it.page, len(lines) + 1)
            lines.append(it.text)
            sources.append({"page": it.page})
        else:
            page_first_line.setdefault(it.page, len(lines) + 1)
            first = len(lines) + 1
            t_no = len(tables) + 1
            for r, (row, pg) in enumerate(zip(it.rows, it.pages), 1):
                lines.append(" | ".join(row))
                sources.append({"page": pg, "table": t_no, "row": r})
            tables.append(SourceTable(first_line=first, rows=it.rows))
    for p in textless_with_images:
        later = [page_first_line[q] for q in page_first_line if q > p]
        line = min(later) if later else max(len(lines), 1)
        notes.append((
            "GIP002",
            f"第 {p} 页是扫描图像，没有文字层，该页内容未检查",
            f"page {p} is a scanned image with no text layer; its content was not checked",
            line,
        ))
    return Extracted(text="\n".join(lines), format="pdf", line_sources=sources, tables=tables, notes=notes)
