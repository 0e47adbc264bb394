"""Page layout: remove running headers, footers and page numbers; re-join lines the layout
broke inside a sentence (also across a page break)."""
from __future__ import annotations

import re
from typing import Any

from ...lexicon import HEADING_START as _LEXICON_HEADING_START
from .chars import _Line, _join

# Sentence-final punctuation (a colon or semicolon at a line end is left to the layout tests).
_SENTENCE_END = re.compile(r"[。！？!?…]['\"”’」』）)\]】]*$")
_LEADING_WORD = re.compile(r"[\x21-\x7e]+")
_NO_LINE_START = re.compile(r"[，。、；：！？）》」』”’%％]+")
HEADING_START = _LEXICON_HEADING_START  # gipcheck.lexicon: the heading markers, defined once
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～·•\s]*\d{1,3}[-—–－~～·•\s]*|[-—–－]?\s*第\s*\d{1,4}\s*页\s*[-—–－]?(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|"
    r"(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.I,
)


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


def _carried_width(text: str) -> float:
    """The width, in ems, of what a line break cannot split at the start of ``text``: an ASCII
    word, or one character, with the closing punctuation that may not begin a line (避头点)."""
    word = _LEADING_WORD.match(text)
    unit = word.group() if word else text[:1]
    rest = _NO_LINE_START.match(text, len(unit))
    unit += rest.group() if rest else ""
    return sum(0.6 if ch.isascii() else 1.0 for ch in unit)


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
    if room > 2.0 * em and (_carried_width(b.text) + 0.5) * em < room:
        # a short line ends its paragraph, unless the next line starts with what the layout
        # had to carry over for want of room (a URL, a number, a character and the
        # punctuation that may not start a line)
        return False
    if b.x0 > left_b + 1.2 * em:  # an indented line starts a new paragraph
        return False
    if b.page == a_page:
        pitch = a.last_y0 - b.y0  # both measured at the bottom of their last part
        if pitch > 2.3 * a.height or pitch < 0:
            return False
    return True
