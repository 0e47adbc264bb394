"""PDF characters → lines: each character with its loose box (the PDF's own widths and the
font's ascent/descent, never a glyph outline), grouped into lines by position."""
from __future__ import annotations

import re
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


