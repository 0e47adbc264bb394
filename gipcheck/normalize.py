"""Text as read → the normalized view rules match on, with a map back to the original.

The view folds full-width forms to half-width, converts Traditional to Simplified, turns
``\\r\\n``/``\\r`` into ``\\n`` and cuts out conversion residue (download-site banners, page
numbers, web-page chrome). Every character of the view remembers the offset of the character
it came from, so a finding located in the view points at the original line and column.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

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


def fold_width(text: str) -> str:
    """Full-width forms to half-width, 1:1. A regex over the few characters that change is
    several times faster than str.translate over every character of a Chinese text."""
    return _WIDTH_CHARS.sub(lambda m: _WIDTH_MAP[m.group()], text)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # deferred: loading the dictionaries costs a few ms

    return opencc.OpenCC("t2s")


class OffsetMap:
    """View offset → original offset, one entry per view character plus an end sentinel.

    Most reports need no edit that changes length, so the map starts as the identity and
    builds a real table only when an edit needs one (saves an array the size of the text,
    and the time to build it, for every such report)."""

    __slots__ = ("_n", "_arr")

    def __init__(self, n: int = 0, arr: array | None = None) -> None:
        self._n = n  # entries of the identity map (len(view) + 1)
        self._arr = arr

    @classmethod
    def identity(cls, text_len: int) -> "OffsetMap":
        return cls(text_len + 1)

    @property
    def is_identity(self) -> bool:
        return self._arr is None

    def __len__(self) -> int:
        return len(self._arr) if self._arr is not None else self._n

    def __getitem__(self, i):
        if self._arr is not None:
            return self._arr[i]
        if isinstance(i, slice):
            return range(self._n)[i]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("offset map index out of range")
        return i

    def __iter__(self):
        return iter(self._arr) if self._arr is not None else iter(range(self._n))

    def append(self, value: int) -> None:
        if self._arr is None:
            if value == self._n:  # still the identity
                self._n += 1
                return
            self._arr = array("l", range(self._n))
        self._arr.append(value)


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
            starts = [0]
            text = self.original
            for m in re.finditer(r"\r\n|\r|\n", text):
                starts.append(m.end())
            self._line_starts = starts
        return self._line_starts

    def orig_offset(self, view_offset: int) -> int:
        view_offset = max(0, min(view_offset, len(self.view)))
        return self.to_orig[view_offset]

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
        starts = self.line_starts
        text = self.original
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
        new_map = array("l")
        pos = 0
        for a, b, rep in spans:
            parts.append(self.text[pos:a])
            new_map.extend(self.map[pos:a])
            parts.append(rep)
            anchor = self.map[a] if a < len(self.map) else self.map[-1]
            new_map.extend([anchor] * len(rep))
            pos = b
        parts.append(self.text[pos:])
        new_map.extend(self.map[pos:])  # includes the end sentinel
        self.text = "".join(parts)
        self.map = OffsetMap(arr=new_map)


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


_HAN = re.compile("[\u4e00-\u9fff]")


def _to_simplified(b: _Builder) -> tuple[int, int]:
    """Convert Traditional → Simplified; return (han chars, changed chars).

    The whole text is converted in one call; only when a phrase changed length (rare) is it
    done again line by line, so the offset map stays exact.
    """
    cc = _t2s()
    text = b.text
    if text.isascii():
        return 0, 0
    conv = _convert(cc, text)
    if conv == text:
        return 0, 0  # nothing Traditional: the script is Simplified whatever the Han count
    han = len(_HAN.findall(text))
    if len(conv) == len(text):
        b.text = conv
        return han, sum(map(str.__ne__, text, conv))
    return han, _to_simplified_by_line(b, cc)


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


def normalize(original: str, residue_patterns: list[tuple] | None = None,
              traditional_ratio: float = 0.05) -> Source:
    """Build the normalized view of ``original``.

    ``residue_patterns`` are (kind, compiled regex[, trigger]) matched against the folded view; each
    match is cut out (replaced by one space, or nothing at a line end) and recorded.
    """
    text, to_orig = _fold_newlines(original)
    text = fold_width(text)
    b = _Builder(text, to_orig)
    zw = [(m.start(), m.end(), "") for m in _ZERO_WIDTH.finditer(b.text)]
    b.replace_spans(zw)
    han, changed = _to_simplified(b)
    script = "traditional" if han >= 20 and changed >= max(5, traditional_ratio * han) else "simplified"

    residue: list[Residue] = []
    if residue_patterns:
        hits: list[tuple[int, int, str]] = []
        lowered = b.text.lower() if any(len(p) > 2 and p[2] for p in residue_patterns) else b.text
        for kind, pat, *trigger in residue_patterns:
            if trigger and trigger[0] and trigger[0] not in lowered:
                continue
            matches = [m for m in pat.finditer(b.text) if m.end() > m.start()]
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
