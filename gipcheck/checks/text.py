"""Pattern checks on the narrative text: placeholders, repeats, blanked years (GIP502, 601–603)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from . import Field

from ..ast import Span
from .. import saferegex
from . import Context, Hit, Params, Regex, check, may_occur


class PatternParams(Params):
    patterns: list[Regex]
    exceptions: list[Regex] = Field(default_factory=list)  # a match that fully matches one of these is fine
    context_exceptions: list[Regex] = Field(default_factory=list)  # …or whose surrounding line matches one
    scope: str = Field(default="body", pattern="^(body|all)$")
    max_hits: int = 50


@lru_cache(maxsize=256)
def _compile(p: str) -> saferegex.SafePattern:
    return saferegex.compile(p)  # rule-file patterns: time-bounded


@check("pattern_absent", PatternParams)
def pattern_absent(ctx: Context, p: PatternParams) -> list[Hit]:
    """Fires at each match of a pattern that should not occur (with exceptions)."""
    text = ctx.doc.body_text() if p.scope == "body" else ctx.doc.view
    skip = _table_spans(ctx)
    hits: list[Hit] = []
    for pat in p.patterns:
        if not may_occur(pat, text):
            continue  # a literal every match holds is not in the text: no match (found in C)
        for m in _compile(pat).finditer(text):
            if any(a <= m.start() < b for a, b in skip):
                continue
            found = m.group(0)
            if any(_compile(e).fullmatch(found) for e in p.exceptions):
                continue
            if p.context_exceptions:
                ls = text.rfind("\n", 0, m.start()) + 1
                le = text.find("\n", m.end())
                window = text[max(ls, m.start() - 12): (le if le != -1 else len(text))][: m.end() - m.start() + 24]
                if any(_compile(e).search(window) for e in p.context_exceptions):
                    continue
            hits.append(Hit(Span(m.start(), m.end()), {"text": _original(ctx, m.start(), m.end())}))
            if len(hits) >= p.max_hits:
                return hits
    hits.sort(key=lambda h: h.span.start)
    return hits


def _original(ctx: Context, a: int, b: int) -> str:
    src = ctx.doc.source
    return src.original[src.orig_offset(a):src.orig_offset(b - 1) + 1] if b > a else ""


def _table_spans(ctx: Context) -> list[tuple[int, int]]:
    return [(t.span.start, t.span.end) for t in ctx.doc.tables]


# a candidate: a 2–4 character unit written twice in a row
DOUBLED_HAN = r"([\u4e00-\u9fff]{2,4})\1"


class RepeatParams(Params):
    pattern: Regex = DOUBLED_HAN
    # doubled words that are meant: verbs of trying (研究研究 "look into it"), written as the unit
    reduplications: list[str] = Field(default_factory=list)
    # units whose doubling is a construction, not a slip (一步一步, 一个一个: "one by one")
    constructions: list[Regex] = Field(default_factory=list)
    max_hits: int = 50


@check("repeated_word", RepeatParams)
def repeated_word(ctx: Context, p: RepeatParams) -> list[Hit]:
    """Fires on a word written twice in a row (公开公开), where both copies are whole words.

    A regex finds the candidates; a word segmenter (jieba, loaded only when there is a
    candidate) decides whether each copy is a word of its own: 公开公开栏 is 公开 + 公开栏,
    not a repetition. Doubled verbs of trying and 一X一X constructions are Chinese, not slips."""
    text = ctx.doc.body_text()
    skip = _table_spans(ctx)
    legit = set(p.reduplications)
    hits: list[Hit] = []
    header_chars: frozenset[str] | None = None
    rx = _compile(p.pattern)
    # the shipped pattern only where it can match (found in C: it tries three lengths at every Han character)
    for m in (doubled_han_matches(text, rx) if p.pattern == DOUBLED_HAN else rx.finditer(text)):
        if any(a <= m.start() < b for a, b in skip):
            continue
        if header_chars is None:
            header_chars = _table_header_chars(ctx)
        if _header_fragment(text, m.start(), header_chars):
            continue
        unit = m.group(1)
        if unit in legit or any(_compile(c).fullmatch(unit) for c in p.constructions):
            continue
        if not _whole_words(text, m.start(), len(unit)):
            continue
        hits.append(Hit(Span(m.start(), m.end()), {"text": _original(ctx, m.start(), m.end())}))
        if len(hits) >= p.max_hits:
            break
    return hits


_HAN_HIGH_A = bytes(b if 0x4E <= b <= 0x9F else 1 for b in range(256))  # U+4E00–U+9FFF: high byte 4E–9F
_HAN_HIGH_B = bytes(b if 0x4E <= b <= 0x9F else 2 for b in range(256))


def _doubled_han_starts(text: str, first_only: bool = False) -> tuple[list[int], bool]:
    """Every position where :data:`DOUBLED_HAN` can match, in order (``first_only``: stop at the
    first length that has one), found with whole-text integer operations instead of the regex's
    three tries at every Han character.

    In UTF-16 each character is a low and a high byte. Characters i and i+k are the same Han
    character when their low bytes are equal and their high bytes, with every non-Han high byte
    made 1 on one side and 2 on the other, are too: XOR the byte strings, each read as one
    integer, with themselves shifted by k characters, and a unit of k Han characters written
    twice at i is a run of k zero bytes from i. Returns the positions and whether they are
    indexes of ``text``: they are UTF-16 units, which a character beyond the BMP (two units,
    neither of them Han) shifts; a Han run, and so whether there is a match, it leaves as it is."""
    raw = text.encode("utf-16-le", "surrogatepass")
    n = len(raw) // 2
    low = int.from_bytes(raw[0::2], "little")
    high = raw[1::2]
    high_a = int.from_bytes(high.translate(_HAN_HIGH_A), "little")
    high_b = int.from_bytes(high.translate(_HAN_HIGH_B), "little")
    starts: set[int] = set()
    for k in (2, 3, 4):
        if n < 2 * k:
            break
        shift = 8 * k
        same = ((low >> shift) ^ low) | ((high_b >> shift) ^ high_a)  # byte i: 0 ⇔ text[i] == text[i+k], both Han
        zeros = same.to_bytes(n, "little")[: n - k]
        if b"\0" * k not in zeros:
            continue
        for run in _ZERO_RUNS[k].finditer(zeros):
            starts.update(range(run.start(), run.end() - k + 1))
        if first_only:
            break
    return sorted(starts), n == len(text)


_ZERO_RUNS = {k: re.compile(b"\0{%d,}" % k) for k in (2, 3, 4)}


def has_doubled_han(text: str) -> bool:
    """Whether :data:`DOUBLED_HAN` matches anywhere in ``text`` (2–3× faster than its search on a
    report that has none, as most have)."""
    return bool(_doubled_han_starts(text, first_only=True)[0])


def doubled_han_matches(text: str, rx: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for ``rx`` = :data:`DOUBLED_HAN`: tried only at the positions where
    it can match (it matches nowhere else, and where it is tried it finds what finditer finds
    there), so a report with one slip is not searched at every character."""
    starts, exact = _doubled_han_starts(text)
    if starts and not exact:
        yield from rx.finditer(text)  # a character beyond the BMP: the units are no indexes
        return
    pos = 0
    for start in starts:
        if start < pos:
            continue  # inside the last match: finditer goes on after it
        m = rx.match(text, start)
        if m is not None:
            yield m
            pos = m.end()


_CLAUSE_END = re.compile(r"[。;:!?,、\s()“”《》\"']")
_SENTENCE_PUNCT = re.compile(r"[。;:!?,，；：]")


def _table_header_chars(ctx: Context) -> frozenset[str]:
    """The characters of the profile's table headers (结果维持, 尚未审结, 总计, 未经复议直接起诉…)."""
    tables = getattr(ctx.facts, "tables", None)
    chars: set[str] = set()
    for d in (tables.defs.values() if tables is not None else ()):
        labels = [c.label for c in d.columns] + list(d.header)
        if d.reader == "groups":
            labels += [r.label for r in d.rows]
        for label in labels:
            chars.update(label)
    return frozenset(chars)


def _header_fragment(text: str, pos: int, header_chars: frozenset[str]) -> bool:
    """A short line made of table header words only, a PDF's column headers read line by line
    (结果结果其他尚未 / 总计总计): no sentence, so no word written twice."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    line = text[a:b if b >= 0 else len(text)].strip()
    if not line or len(line) > 30 or _SENTENCE_PUNCT.search(line):
        return False
    return all(ch in header_chars for ch in line if "\u4e00" <= ch <= "\u9fff")


def _whole_words(text: str, start: int, n: int) -> bool:
    """True when the segmenter puts word boundaries at start, start+n and start+2n of the
    clause around the candidate (each copy of the unit is one or more whole words)."""
    a = start
    while a > 0 and start - a < 40 and not _CLAUSE_END.match(text[a - 1]):
        a -= 1
    b = start + 2 * n
    while b < len(text) and b - start < 40 + 2 * n and not _CLAUSE_END.match(text[b]):
        b += 1
    bounds, pos = {0}, 0
    for word in segmenter().cut(text[a:b]):
        pos += len(word)
        bounds.add(pos)
    rel = start - a
    return {rel, rel + n, rel + 2 * n} <= bounds


_SEGMENTER = None


def segmenter():
    """jieba's tokenizer over a compact copy of its dictionary (:mod:`gipcheck.words`), built on
    first use (a fifth of a second) and kept; a process that forks workers may build it first."""
    global _SEGMENTER
    if _SEGMENTER is None:
        from ..words import tokenizer

        _SEGMENTER = tokenizer()
    return _SEGMENTER
