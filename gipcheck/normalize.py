"""Text as read → the normalized view rules match on, with a map back to the original.

The view folds full-width forms to half-width, converts Traditional to Simplified, turns
``\\r\\n``/``\\r`` into ``\\n`` and cuts out conversion residue (download-site banners, page
numbers, web-page chrome). Every character of the view remembers the offset of the character
it came from, so a finding located in the view points at the original line and column.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from functools import lru_cache

from .residue import ResiduePattern, ResidueSet
from .traditional import detector

# Full-width ASCII variants → ASCII, ideographic and exotic spaces → space. All 1:1, so the
# offset map is unchanged by this step.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x202F: 0x20})
for _c in range(0xFE50, 0xFE6C):  # small form variants (﹒ ﹐ ﹔ …)
    _n = unicodedata.normalize("NFKC", chr(_c))
    if len(_n) == 1:
        _WIDTH[_c] = ord(_n)
_WIDTH_TABLE = str.maketrans({chr(k): chr(v) for k, v in _WIDTH.items()})
_WIDTH_MAP = {chr(k): chr(v) for k, v in _WIDTH.items()}
_WIDTH_CHARS = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_WIDTH)) + "]")


# the full-width marks Chinese text is full of (a hundred a report): each replaced in one C pass
_COMMON_WIDE = tuple((c, _WIDTH_MAP[c]) for c in "，（）；：！？")


def fold_width(text: str) -> str:
    """Full-width forms to half-width, 1:1. The common marks by ``str.replace``, then a regex
    over the few other characters that change: several times faster than str.translate over
    every character of a Chinese text, and than a regex callback at every comma."""
    for wide, narrow in _COMMON_WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    return _WIDTH_CHARS.sub(lambda m: _WIDTH_MAP[m.group()], text)
_LINE_END = re.compile(r"\r\n|\r|\n")
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # deferred: loading the dictionaries costs a few ms

    return opencc.OpenCC("t2s")


class OffsetMap:
    """View offset → original offset, one entry per view character plus an end sentinel.

    Held as runs, not as a table: a run maps a stretch of the view either one-to-one onto the
    original (offset + delta) or all onto one original offset (a replacement's characters map to
    the start of what they replace). Most reports are one run (the identity); an edit adds a few
    runs, however long the text. Lookup is a binary search over the runs."""

    __slots__ = ("_n", "_starts", "_bases", "_steps")

    def __init__(self, n: int = 0, runs: list[tuple[int, int, int]] | None = None) -> None:
        self._n = n  # entries (len(view) + 1)
        if runs is None:
            runs = [(0, 0, 1)] if n else []
        self._starts = [r[0] for r in runs]  # view offset where each run starts
        self._bases = [r[1] for r in runs]  # original offset of that first character
        self._steps = [r[2] for r in runs]  # 1: one-to-one, 0: every character maps to the base

    @classmethod
    def identity(cls, text_len: int) -> "OffsetMap":
        return cls(text_len + 1)

    @property
    def is_identity(self) -> bool:
        return self._n == 0 or (len(self._starts) == 1 and self._bases[0] == 0 and self._steps[0] == 1)

    def __len__(self) -> int:
        return self._n

    def at(self, i: int) -> int:
        """``self[i]`` for 0 <= i < len(self), without the slice and range handling (hot paths)."""
        if len(self._starts) == 1:  # one run: most reports
            return self._bases[0] + self._steps[0] * i
        k = bisect_right(self._starts, i) - 1
        return self._bases[k] + self._steps[k] * (i - self._starts[k])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.at(j) for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("offset map index out of range")
        starts = self._starts
        if len(starts) == 1:  # one run: most reports
            return self._bases[0] + self._steps[0] * i
        k = bisect_right(starts, i) - 1
        return self._bases[k] + self._steps[k] * (i - starts[k])

    def __iter__(self):
        return (self.at(j) for j in range(self._n))

    def runs(self, lo: int, hi: int):
        """The runs of entries ``lo .. hi-1`` as (first entry, original offset there, step)."""
        if lo >= hi:
            return
        starts, bases, steps = self._starts, self._bases, self._steps
        k = bisect_right(starts, lo) - 1
        while k < len(starts) and starts[k] < hi:
            a = max(starts[k], lo)
            yield a, bases[k] + steps[k] * (a - starts[k]), steps[k]
            k += 1

    def append(self, value: int) -> None:
        if self._starts:
            k = len(self._starts) - 1
            if self._bases[k] + self._steps[k] * (self._n - self._starts[k]) == value:
                self._n += 1  # continues the last run
                return
        self._starts.append(self._n)
        self._bases.append(value)
        self._steps.append(1)
        self._n += 1


class _Runs:
    """Collects runs for a new map, joining a run that continues the one before it."""

    __slots__ = ("runs", "n")

    def __init__(self) -> None:
        self.runs: list[tuple[int, int, int]] = []
        self.n = 0

    def add(self, length: int, base: int, step: int) -> None:
        """``length`` entries from ``base`` on (step 1: base, base+1, …; step 0: all base)."""
        if length <= 0:
            return
        if self.runs:
            s, b, st = self.runs[-1]
            # one entry is both kinds of run: it joins whenever its value continues the last run
            if b + st * (self.n - s) == base and (st == step or length == 1):
                self.n += length
                return
        self.runs.append((self.n, base, step))
        self.n += length

    def map(self) -> OffsetMap:
        return OffsetMap(self.n, self.runs)


@dataclass
class Residue:
    """A piece of conversion residue cut out of the view (reported as GIP003)."""

    kind: str
    start: int  # offsets in the original text
    end: int
    text: str


@dataclass
class Source:
    """The text as read, the normalized view, and the offset map between them."""

    original: str
    view: str
    to_orig: OffsetMap  # len(view) + 1 entries: view offset → original offset
    script: str = "simplified"
    traditional_chars: int = 0
    residue: list[Residue] = field(default_factory=list)
    line_cuts: int = 0  # line breaks the segmenter inferred in a flattened text (0: lines as read)
    _line_starts: list[int] | None = None

    # -- editing (the segmenter re-cuts lines through this) -----------------------
    def edit(self, spans: list[tuple[int, int, str]]) -> None:
        """Replace view spans (sorted, non-overlapping) with short strings, keeping the offset
        map exact: each replacement character maps to the original offset of its span's start."""
        if spans:
            b = _Builder(self.view, self.to_orig)
            b.replace_spans(spans)
            self.view, self.to_orig = b.text, b.map

    # -- positions ---------------------------------------------------------------
    @property
    def line_starts(self) -> list[int]:
        """Offsets where original lines start (\\n, \\r\\n and lone \\r end a line)."""
        if self._line_starts is None:
            text = self.original
            if "\r" not in text:  # most texts: the line lengths give the starts
                self._line_starts = list(accumulate(map((1).__add__, map(len, text.split("\n")[:-1])), initial=0))
            else:
                self._line_starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        return self._line_starts

    def orig_offset(self, view_offset: int) -> int:
        view_offset = max(0, min(view_offset, len(self.view)))
        return self.to_orig.at(view_offset)

    def line_col(self, orig_offset: int) -> tuple[int, int]:
        """1-based (line, column) of an original offset; columns count code points."""
        orig_offset = max(0, min(orig_offset, len(self.original)))
        starts = self.line_starts
        i = bisect_right(starts, orig_offset) - 1
        return i + 1, orig_offset - starts[i] + 1

    def locate(self, start: int, end: int) -> tuple[int, int, int, int]:
        """View span → (line, column, end_line, end_column) in the original."""
        a = self.orig_offset(start)
        b = self.orig_offset(end) if end > start else a
        if end > start:
            # the end is exclusive: map the last character and step past it
            b = _past_crlf(self.original, self.orig_offset(end - 1) + 1)
        b = max(a, b)
        line, col = self.line_col(a)
        end_line, end_col = self.line_col(b)
        return line, col, end_line, end_col

    def original_lines(self) -> list[str]:
        text = self.original
        if "\r" not in text:
            return text.split("\n")  # what the loop below gives for \n line ends
        starts = self.line_starts
        out = []
        for i, s in enumerate(starts):
            e = starts[i + 1] if i + 1 < len(starts) else len(text)
            out.append(text[s:e].rstrip("\r\n"))
        return out


def _past_crlf(original: str, end: int) -> int:
    """An exclusive end that falls between the \\r and \\n of a line end moves past the \\n:
    a span that takes in a \\r\\n line end (one \\n in the view) takes all of it."""
    if 0 < end < len(original) and original[end - 1] == "\r" and original[end] == "\n":
        return end + 1
    return end


class _Builder:
    """Applies edits to the view while keeping the offset map exact."""

    def __init__(self, text: str, to_orig: OffsetMap) -> None:
        self.text = text
        self.map = to_orig

    def replace_spans(self, spans: list[tuple[int, int, str]]) -> None:
        """Replace view spans (sorted, non-overlapping) with short strings.

        Each replacement character maps to the original offset of the span's start.
        """
        if not spans:
            return
        parts: list[str] = []
        old = self.map
        runs = _Runs()
        pos = 0

        for a, b, rep in spans:
            parts.append(self.text[pos:a])
            _copy(old, pos, a, runs)
            parts.append(rep)
            anchor = old[a] if a < len(old) else old[len(old) - 1]
            runs.add(len(rep), anchor, 0)
            pos = b
        parts.append(self.text[pos:])
        _copy(old, pos, len(old), runs)  # includes the end sentinel
        self.text = "".join(parts)
        self.map = runs.map()


def _copy(old: OffsetMap, lo: int, hi: int, into: _Runs) -> None:
    """Entries ``lo .. hi-1`` of ``old`` onto the end of ``into``."""
    pieces = list(old.runs(lo, hi))
    for i, (first, base, step) in enumerate(pieces):
        end = pieces[i + 1][0] if i + 1 < len(pieces) else hi
        into.add(end - first, base, step)


def _fold_newlines(text: str) -> tuple[str, OffsetMap]:
    to_orig = OffsetMap.identity(len(text))
    if "\r" not in text:
        return text, to_orig
    b = _Builder(text, to_orig)
    spans = [(m.start(), m.end(), "\n") for m in re.finditer(r"\r\n?", text)]
    b.replace_spans(spans)
    return b.text, b.map


_SURROGATE = re.compile("[\ud800-\udfff]")


def _convert(cc, text: str) -> str:
    """``cc.convert`` that survives lone surrogates (OpenCC needs UTF-8): they pass through unchanged."""
    if not _SURROGATE.search(text):
        return cc.convert(text)
    conv = cc.convert(_SURROGATE.sub("\ufffd", text))
    if len(conv) != len(text):
        return conv
    return "".join(o if "\ud800" <= o <= "\udfff" else c for o, c in zip(text, conv))


_NOT_HAN = re.compile("[^\u4e00-\u9fff]+")


def _to_simplified(b: _Builder) -> tuple[int, int]:
    """Convert Traditional → Simplified; return (han chars, changed chars).

    The whole text is converted in one call; only when a phrase changed length (rare) is it
    done again line by line, so the offset map stays exact.
    """
    text = b.text
    if text.isascii():
        return 0, 0
    cc = _t2s()
    found = detector(cc)
    if found is not None and not found.may_change(text):
        return 0, 0  # nothing OpenCC would change (the same answer as converting, without it)
    conv = _convert(cc, text)
    if conv == text:
        return 0, 0  # nothing Traditional: the script is Simplified whatever the Han count
    han = len(_NOT_HAN.sub("", text))  # what is left is the Han: fewer, longer matches than finding each
    if len(conv) == len(text):
        b.text = conv
        return han, count_different(text, conv)
    return han, _to_simplified_by_line(b, cc)


def count_different(a: str, b: str) -> int:
    """How many positions of two equally long strings differ. Each character as a 32-bit lane
    of one big integer: XOR, fold every lane's bits onto its lowest, count (≈20× faster than
    comparing character by character in Python on a Traditional report)."""
    if len(a) < 64:
        return sum(map(str.__ne__, a, b))
    x = int.from_bytes(a.encode("utf-32-le", "surrogatepass"), "little") ^ \
        int.from_bytes(b.encode("utf-32-le", "surrogatepass"), "little")
    for shift in (16, 8, 4, 2, 1):
        x |= x >> shift
    return (x & _low_bits(len(a))).bit_count()


def _low_bits(n: int) -> int:
    """Bit 0 of each of n 32-bit lanes."""
    return int.from_bytes(b"\x01\x00\x00\x00" * n, "little")


def _to_simplified_by_line(b: _Builder, cc) -> int:
    text = b.text
    changed = 0
    out_lines: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if not line.isascii():
            conv = _convert(cc, line)
            if conv != line:
                if len(conv) != len(line):  # a phrase changed length: fall back to per-character
                    conv = "".join(_convert(cc, ch) for ch in line)
                if len(conv) == len(line):
                    changed += sum(1 for x, y in zip(line, conv) if x != y)
                    out_lines.append(conv)
                else:
                    spans.append((pos, pos + len(line), conv))
                    changed += len(line)
                    out_lines.append(line)
            else:
                out_lines.append(line)
        else:
            out_lines.append(line)
        pos += len(line) + 1
    b.text = "\n".join(out_lines)
    b.replace_spans(spans)
    return changed


def _common_prefix_len(matches: list[re.Match[str]]) -> int:
    """For repeated banners with a ``prefix`` group: how much of the prefix every match shares.

    A page banner repeats the document's name; what comes before it on the line is text.
    """
    prefixes = [m.group("prefix").rstrip() for m in matches if "prefix" in m.re.groupindex and m.group("prefix")]
    if len(prefixes) < 2:
        return 0
    common = prefixes[0]
    for p in prefixes[1:]:
        n = 0
        while n < min(len(common), len(p)) and common[-1 - n] == p[-1 - n]:
            n += 1
        common = common[len(common) - n:]
    return len(common) + 1 if common else 0  # +1: the space before "WORD"


@lru_cache(maxsize=256)
def _residue_plan(pattern: re.Pattern[str]) -> ResiduePattern:
    return ResiduePattern(pattern)


@lru_cache(maxsize=16)
def _residue_set(patterns: tuple[re.Pattern[str], ...]) -> ResidueSet:
    """The plans of a rule set's residue patterns; their analyses come from the cache when the
    patterns and the analysing code are unchanged."""
    from pathlib import Path
    import zlib

    from . import cache, residue

    try:
        code = Path(residue.__file__).read_bytes()
    except OSError:
        return ResidueSet([_residue_plan(p) for p in patterns])
    key = f"{zlib.crc32(code):08x}{zlib.crc32(repr([(p.pattern, p.flags) for p in patterns]).encode()):08x}"
    hit = cache.load("residue", key)
    if isinstance(hit, list) and len(hit) == len(patterns):
        try:
            return ResidueSet([ResiduePattern(p, a) for p, a in zip(patterns, hit)])
        except (KeyError, TypeError, IndexError, ValueError):
            pass
    plans = [_residue_plan(p) for p in patterns]
    cache.save("residue", key, [rp.analysis() for rp in plans])
    return ResidueSet(plans)


def normalize(original: str, residue_patterns: list[tuple] | None = None,
              traditional_ratio: float = 0.05) -> Source:
    """Build the normalized view of ``original``.

    ``residue_patterns`` are (kind, compiled regex[, trigger]) matched against the folded view; each
    match is cut out (replaced by one space, or nothing at a line end) and recorded. A pattern is
    tried only where a literal it needs occurs (:mod:`gipcheck.residue`); ``trigger`` is a hint
    for a pattern the analysis cannot bound.
    """
    text, to_orig = _fold_newlines(original)
    text = fold_width(text)
    b = _Builder(text, to_orig)
    if any(c in b.text for c in _ZERO_WIDTH_CHARS):  # (five searches in C: cheaper than the pattern's)
        b.replace_spans([(m.start(), m.end(), "") for m in _ZERO_WIDTH.finditer(b.text)])
    han, changed = _to_simplified(b)
    script = "traditional" if han >= 20 and changed >= max(5, traditional_ratio * han) else "simplified"

    residue: list[Residue] = []
    if residue_patterns:
        hits: list[tuple[int, int, str]] = []
        lowered: str | None = None
        plans = _residue_set(tuple(p[1] for p in residue_patterns))
        for (kind, pat, *trigger), plan, matches in zip(residue_patterns, plans.plans, plans.matches(b.text)):
            if plan.plan == "scan" and plan.trigger is None and trigger and trigger[0]:
                lowered = b.text.lower() if lowered is None else lowered
                if trigger[0] not in lowered:
                    continue  # no literal found by analysis, but the rule file names one
            keep = _common_prefix_len(matches)
            for m in matches:
                start = m.start()
                if "prefix" in pat.groupindex and m.group("prefix"):
                    start = m.end("prefix") - min(keep, len(m.group("prefix")))
                hits.append((start, m.end(), kind))
        hits.sort()
        spans: list[tuple[int, int, str]] = []
        last_end = -1
        for a, e, kind in hits:
            if a < last_end:  # overlapping matches: keep the first, longest-starting one
                continue
            last_end = e
            oa, oe = b.map[a], _past_crlf(original, b.map[e - 1] + 1)
            residue.append(Residue(kind, oa, oe, original[oa:oe]))
            before = b.text[a - 1] if a > 0 else "\n"
            after = b.text[e] if e < len(b.text) else "\n"
            rep = "" if before in "\n " or after in "\n " else " "
            spans.append((a, e, rep))
        b.replace_spans(spans)
    return Source(original=original, view=b.text, to_orig=b.map, script=script,
                  traditional_chars=changed, residue=residue)
