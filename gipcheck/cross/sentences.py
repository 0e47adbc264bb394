"""A report's own sentences as stable hashes, for copy detection across reports.

A sentence's ``key`` ignores digits, punctuation and spacing: the same sentence with this
year's figures meets last year's. Whether a copied sentence also kept last year's figures, or
changed only the year, is decided later from the text (:func:`figures_kept`), for the few
sentences a finding reports. Hashes are blake2b, not ``hash()``: workers in other processes
must agree on them.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
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
    length: array = field(default_factory=lambda: array("I"))
    start: array = field(default_factory=lambda: array("I"))  # offsets in the text as read
    end: array = field(default_factory=lambda: array("I"))
    template: array = field(default_factory=lambda: array("b"))  # built-in boilerplate

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


def boilerplate_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """One pattern for the built-in boilerplate phrases, compared as sentence keys."""
    keys = sorted({sentence_key(p) for p in phrases if p}, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)) if keys else None


def split(doc: Document, boilerplate: re.Pattern[str] | None = None) -> Sentences:
    """The report's prose cut into sentences (shorter than :data:`MIN_CHARS` left out)."""
    view = doc.view
    out = Sentences()
    src = doc.source
    for a, b in _prose_ranges(doc):
        pos = a
        for m in _SENTENCE_END.finditer(view, a, b):
            _add(out, src, pos, m.start(), boilerplate)
            pos = m.end()
        _add(out, src, pos, b, boilerplate)
    return out


def _add(out: Sentences, src, a: int, b: int, boilerplate: re.Pattern[str] | None) -> None:
    raw = src.view[a:b]
    text = raw.strip()
    if len(text) < MIN_CHARS:
        return
    key = sentence_key(text)
    if len(key) < MIN_CHARS:
        return
    out.key.append(_h(key))
    out.length.append(len(key))
    start = a + len(raw) - len(raw.lstrip())
    out.start.append(src.orig_offset(start))
    out.end.append(src.orig_offset(start + len(text) - 1) + 1)
    out.template.append(1 if boilerplate is not None and boilerplate.search(key) else 0)


def figures_kept(mine: str, theirs: str, year: int | None, their_year: int | None) -> str | None:
    """For two sentences with one key: ``same`` when the figures and dates are all unchanged,
    ``year-only`` when only the report year moved on, None when figures differ or there are none."""
    a = _NOISE.sub("", unicodedata.normalize("NFKC", mine))
    if not _DIGITS.search(a):
        return None  # (before normalizing the other: most sentences hold no figure)
    b = _NOISE.sub("", unicodedata.normalize("NFKC", theirs))
    if a == b:
        return "same"
    if year and their_year:
        ya = a.replace(str(year), "Y").replace(str(year - 1), "P")
        yb = b.replace(str(their_year), "Y").replace(str(their_year - 1), "P")
        if ya == yb:
            return "year-only"
    return None
