"""PDF characters → lines: each character with its loose box (the PDF's own widths and the
font's ascent/descent, never a glyph outline), grouped into lines by position."""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c


@dataclass
class _Char:
    ch: str
    x0: float
    x1: float
    y0: float  # bottom (PDF y grows upwards)
    y1: float  # top
    turn: int = 0  # quarter turns of the glyph (1: a quarter turn anticlockwise; 3: clockwise)


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
        out.append(_Char(ch, rect.left, rect.right, rect.bottom, rect.top, _quarter_turns(tp, i)))
    return out, bad


def _quarter_turns(tp: Any, i: int) -> int:
    """How a glyph is turned, in quarter turns: a rotated table cell's text (文字方向 竖排)."""
    angle = pdfium_c.FPDFText_GetCharAngle(tp, i)
    if angle < 0.3:  # upright, or the -1 pdfium gives for "unknown"
        return 0
    return round(angle / (math.pi / 2)) % 4


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




def _columns(chars: list[_Char]) -> list[list[_Char]]:
    """Characters clustered by horizontal centre, left to right."""
    cols: list[list[_Char]] = []
    for c in sorted(chars, key=lambda c: (c.x0 + c.x1) / 2):
        cx, w = (c.x0 + c.x1) / 2, max(c.x1 - c.x0, 1.0)
        if cols and abs(cx - (cols[-1][-1].x0 + cols[-1][-1].x1) / 2) <= 0.45 * w:
            cols[-1].append(c)
        else:
            cols.append([c])
    return cols


def _is_vertical_writing(chars: list[_Char], page: int) -> bool:
    """Upright characters written in columns (竖排, right to left): the characters of a column
    sit closer together than the columns do. Horizontal text in a narrow cell is the other way
    round (characters a full em apart, lines further apart), so the pitches tell them apart;
    a single column reads top to bottom either way."""
    cols = _columns(chars)
    if len(cols) < 2 or len(_group_lines(chars, page)) < 2:
        return False
    centres = [statistics.median((c.x0 + c.x1) / 2 for c in col) for col in cols]
    across = [b - a for a, b in zip(centres, centres[1:])]
    down = []
    for col in cols:
        ys = sorted(((c.y0 + c.y1) / 2 for c in col), reverse=True)
        down.extend(a - b for a, b in zip(ys, ys[1:]))
    if not down:
        return False
    pitch, height = statistics.median(down), statistics.median(c.y1 - c.y0 for c in chars)
    # a column's characters a line-height apart at most, and closer than the columns are
    return pitch <= 1.1 * height and pitch < 0.9 * statistics.median(across)


def _cell_text(chars: list[_Char], page: int) -> str:
    """The text of one table cell in reading order: horizontal lines top to bottom; a cell
    whose glyphs are turned a quarter (bottom-to-top: columns left to right; top-to-bottom:
    right to left), or upright in columns (竖排), column by column."""
    turned = [c for c in chars if c.turn in (1, 3)]
    if len(turned) * 2 > len(chars) >= 2:
        cols = _columns(turned)
        if sum(c.turn == 3 for c in turned) * 2 >= len(turned):
            return "".join(c.ch for col in cols for c in sorted(col, key=lambda c: c.y0))
        return "".join(c.ch for col in reversed(cols) for c in sorted(col, key=lambda c: -c.y1))
    if len(chars) >= 4 and _is_vertical_writing(chars, page):
        return "".join(c.ch for col in reversed(_columns(chars)) for c in sorted(col, key=lambda c: -c.y1))
    text = ""
    for ln in _group_lines(chars, page):
        text = _join(text, ln.text)
    return text
