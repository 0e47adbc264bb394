"""A report's own sentences as stable hashes, for copy detection across reports.

Three hashes per sentence: ``key`` ignores digits, punctuation and spacing (the same sentence
with this year's figures), ``yearless`` keeps the figures but reads the report's own year as
``Y`` (the same sentence with only the year changed), and ``exact`` keeps everything. Hashes
are blake2b, not ``hash()``: workers in other processes must agree on them.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from dataclasses import dataclass, field
from typing import Iterator

from ..ast import Document

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
# what a sentence's key ignores: punctuation, spaces, quotes and brackets
_NOISE = re.compile(r"[\s，,、：:“”\"'‘’（）()《》〈〉<>【】\[\]—\-·…．.／/]+")
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?|[〇○零一二三四五六七八九十百千万]+(?=[年月日件条个次项人家篇期份%％])")
MIN_CHARS = 12  # shorter sentences ("无。", "详见附表") are shared by chance, not copied


def _h(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def sentence_key(text: str) -> str:
    """The comparable form of a sentence: no punctuation or spaces, every figure as ``#``."""
    return _DIGITS.sub("#", _NOISE.sub("", text))


@dataclass
class Sentences:
    """Parallel arrays, one entry per sentence of the report's own prose."""

    key: array = field(default_factory=lambda: array("q"))
    yearless: array = field(default_factory=lambda: array("q"))
    exact: array = field(default_factory=lambda: array("q"))
    length: array = field(default_factory=lambda: array("I"))
    start: array = field(default_factory=lambda: array("I"))  # view offsets
    end: array = field(default_factory=lambda: array("I"))
    has_digits: array = field(default_factory=lambda: array("b"))

    def __len__(self) -> int:
        return len(self.key)


def _prose_ranges(doc: Document) -> Iterator[tuple[int, int]]:
    """Paragraph lines and the text of heading lines, outside tables, title and signature."""
    tables = sorted((t.span.start, t.span.end) for t in doc.tables)
    title_end = doc.title.span.end if doc.title else 0
    body_end = doc.body_end or len(doc.view)
    ti = 0
    for line in doc.lines:
        if line.kind not in ("para", "h1", "h2", "h3", "h4", "h5"):
            continue
        if line.end <= title_end or line.start >= body_end:
            continue
        while ti < len(tables) and tables[ti][1] <= line.start:
            ti += 1
        if ti < len(tables) and tables[ti][0] <= line.start < tables[ti][1]:
            continue
        start = line.body_start if line.kind != "para" and line.body_start else line.start
        yield start, min(line.end, body_end)


def split(doc: Document, year: int | None) -> Sentences:
    view = doc.view
    out = Sentences()
    years = {str(year): "Y", str(year - 1): "P"} if year else {}
    year_re = re.compile("|".join(years)) if years else None
    for a, b in _prose_ranges(doc):
        pos = a
        for m in _SENTENCE_END.finditer(view, a, b):
            _add(out, view, pos, m.start(), year_re, years)
            pos = m.end()
        _add(out, view, pos, b, year_re, years)
    return out


def _add(out: Sentences, view: str, a: int, b: int, year_re: re.Pattern[str] | None, years: dict[str, str]) -> None:
    text = view[a:b].strip()
    if not text:
        return
    key = sentence_key(text)
    if len(key) < MIN_CHARS:
        return
    compact = _NOISE.sub("", text)
    yearless = year_re.sub(lambda m: years[m.group(0)], compact) if year_re else compact
    out.key.append(_h(key))
    out.yearless.append(_h(yearless))
    out.exact.append(_h(compact))
    out.length.append(len(key))
    lead = len(view[a:b]) - len(view[a:b].lstrip())
    out.start.append(a + lead)
    out.end.append(a + lead + len(text))
    out.has_digits.append(1 if _DIGITS.search(text) else 0)
