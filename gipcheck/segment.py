"""Re-cut the view into real lines before parsing.

Two repairs that real extractions need: a body flattened onto one long line (a document site
that ran every paragraph together, headings inline) is split before its heading markers; and a
title broken over two short lines is joined into one. Both edit the view through the offset
map, so positions stay exact.
"""
from __future__ import annotations

import re

from .normalize import Source, _Builder

_CN = "一二三四五六七八九十"
# A heading marker standing inside a long line, after whitespace or a sentence end.
_INLINE_MARKER = re.compile(
    rf"(?:(?<=[ \t。;!?])|(?<=\.\s))[ \t]*(?=(?:[{_CN}]{{1,3}}[、.](?![\d.])|\([{_CN}]{{1,3}}\))\s*\S)"
)
_H1_INLINE = re.compile(rf"(?:^|[ \t。;])[{_CN}]{{1,3}}、\S")
_TITLE_HINT = re.compile(r"政府信息公开.{0,12}(年度报告|年报|工作报告)|信息公开工作年度报告|政务公开.{0,8}年度报告")
_SENTENCE_END = re.compile(r"[。;!?,:]")
LONG_LINE = 600  # characters; shorter lines are left alone


def split_inline_headings(src: Source) -> int:
    """Split very long lines that hold several top-level headings; return how many cuts."""
    view = src.view
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for line in view.split("\n"):
        if len(line) >= LONG_LINE and len(_H1_INLINE.findall(line)) >= 2:
            for m in _INLINE_MARKER.finditer(line):
                a, b = pos + m.start(), pos + m.end()
                if a == pos:
                    continue
                # eat the whitespace before the marker so the new line starts at the marker
                while a > pos and view[a - 1] in " \t":
                    a -= 1
                if spans and a <= spans[-1][1]:
                    continue
                spans.append((a, b, "\n"))
        pos += len(line) + 1
    if spans:
        b = _Builder(src.view, src.to_orig)
        b.replace_spans(spans)
        src.view, src.to_orig = b.text, b.map
    return len(spans)


def join_broken_title(src: Source, search_lines: int = 12) -> bool:
    """Join a title that was broken over two adjacent short lines (one title, two lines)."""
    view = src.view
    lines = view.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    seen = 0
    for i, line in enumerate(lines[:-1]):
        s = line.strip()
        if not s:
            continue
        seen += 1
        if seen > search_lines:
            break
        nxt = lines[i + 1].strip()
        if not nxt or len(s) > 40 or len(nxt) > 40:
            continue
        if _SENTENCE_END.search(s) or _TITLE_HINT.search(s) or _TITLE_HINT.search(nxt):
            continue
        if _TITLE_HINT.search(s + nxt):
            # cut the newline (and the indentation of the second line)
            a = offsets[i] + len(line.rstrip())
            b = offsets[i + 1] + (len(lines[i + 1]) - len(lines[i + 1].lstrip()))
            builder = _Builder(view, src.to_orig)
            builder.replace_spans([(a, b, "")])
            src.view, src.to_orig = builder.text, builder.map
            return True
    return False


def segment(src: Source) -> Source:
    split_inline_headings(src)
    join_broken_title(src)
    if not src.view.endswith("\n"):
        end = src.to_orig[-1]
        src.view += "\n"
        src.to_orig.append(end)
    return src
