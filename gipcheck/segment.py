"""Re-cut the view into real lines before parsing.

The repairs real extractions need: a body flattened onto one long line (a document site or a
crawler that ran every paragraph together, headings inline) is split before its heading
markers, and so is a paragraph that runs numbered siblings together (``(一)…。(二)…``); a signature standing inside such a line (``…常态化。 某县人民政府 2013年1月18日
附件1：…``) gets lines of its own; and a title broken over two short lines is joined into one.
All edit the view through :meth:`Source.edit`, so positions stay exact. How many line breaks
were inferred is kept on the source (``line_cuts``): the structure rules are conservative
about a tree that was guessed from flattened text.
"""
from __future__ import annotations

import re

from .cn import DATE_RE, cn_int
from .lexicon import AGENCY_END, CN_DIGITS, COLUMN_LABEL, H1_MARKER, H2_MARKER, REPORT_TITLE, TITLE_PARTS
from .normalize import Source

_CN = CN_DIGITS
# A heading marker standing inside a long line, after whitespace or a sentence end.
_INLINE_MARKER = re.compile(
    rf"(?:(?<=[ \t。;!?])|(?<=\.\s))[ \t]*(?=(?:[{_CN}]{{1,3}}[、.](?![\d.])|\([{_CN}]{{1,3}}\))\s*\S)"
)
# Any heading marker of the two top levels inside a line (its number decides whether it is
# split where no space or sentence end precedes it).
_ANY_MARKER = re.compile(rf"(?<![{_CN}第(])(?:(?P<h1>{H1_MARKER})|(?P<h2>{H2_MARKER}))")
# A marker whose text runs into figures is the row label of a flattened table
# ("四、结转下年度继续办理1000001", "(一)予以公开270020130"), not a heading; "一、总体情况2021年" is.
_ROW_LABEL = re.compile(r"\s*[^\s。;,:!?]{2,30}?\d{3,}(?![\d年月日.%])")
_H1_INLINE = re.compile(rf"(?:^|[ \t。;])[{_CN}]{{1,3}}、\S")
_SENTENCE_END = re.compile(r"[。;!?,:]")
LONG_LINE = 600  # characters: a line this long with two top-level markers in it is a flattened body
PARAGRAPH_LINE = 200  # a line this long that starts with a marker may hold its numbered siblings
SIGNATURE_LINE = 60  # a line this long may hold an inline signature (with text before or after it)

_DATE = re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern)  # the date pattern without its group names
# "…。 [某县人民政府 ]2013年1月18日 附件1：…" / "… 0 0 某县人民政府 2013年1月18日" (end of line)
_INLINE_SIGNATURE = re.compile(
    rf"(?:(?<=[。;!?])|(?<=[。;!?][ \t])|(?<=\s)(?=[^\s\d。;,:!?、]{{2,30}}[ \t]+(?:{_DATE})))[ \t]*"
    rf"(?P<sig>(?:(?P<agency>[^\s\d。;,:!?、]{{2,30}})[ \t]+)?(?P<date>{_DATE}))"
    r"(?=[ \t]*$|[ \t]+(?:附[件表]|[^\s。;!?]{0,40}统计表))",
    re.M,
)

# "…日常化。 附件1：某县2013年政府信息公开情况统计表 …": an attachment starts a line of its own
_INLINE_ATTACHMENT = re.compile(r"(?:(?<=\s)|(?<=[。;!?]))附[件表]\s*\d{0,2}\s*:")


def _marker_number(m: re.Match[str]) -> tuple[int, int | None]:
    """(level, number) of a marker found by :data:`_ANY_MARKER`."""
    level = 1 if m.group("h1") else 2
    digits = re.sub(rf"[^{_CN}]", "", m.group(0))
    return level, cn_int(digits) if digits else None


def _after_space_or_stop(line: str, a: int) -> bool:
    """Whether an :data:`_INLINE_MARKER` match of ``line`` ends at ``a`` (> 0), without running
    it over the whole line. Such a match is a run of spaces and tabs ending at ``a``; as
    ``finditer`` meets it, it starts where that run starts, or one character later when the
    run's start fails the lookbehind (the run's own space satisfies it there)."""
    if a == 0:
        return False
    r = a
    while r > 0 and line[r - 1] in " \t":
        r -= 1
    for s in ((r, r + 1) if r < a else (r,)):
        m = _INLINE_MARKER.match(line, s)
        if m is not None and m.end() == a:
            return True
    return False


def _cuts_in_line(line: str, strict: bool = False) -> list[int]:
    """Offsets inside ``line`` where a heading starts.

    A marker after whitespace or a sentence end is a heading as before. A marker glued to the
    text before it (``…提供了重要保障10203五、存在的问题（一）存在的…``) is one only when its number
    is the next one expected at its level, and its text is not a table row's label. ``strict``
    (a paragraph, not a whole flattened body): only markers after a sentence end that continue
    the numbering, e.g. ``(一)主动公开…。(二)依申请公开。…(三)…``."""
    first = _ANY_MARKER.match(line)
    first_level = _marker_number(first)[0] if first is not None else None
    if strict and first_level is None:
        return []
    cuts: list[int] = []
    expected = {1: 1, 2: 1}
    for m in _ANY_MARKER.finditer(line):
        a = m.start()
        level, number = _marker_number(m)
        if number is None:
            continue
        if a == 0:  # the line's own leading marker: the numbering the rest continues
            expected[level] = number + 1
            if level == 1:
                expected[2] = 1
            continue
        if _ROW_LABEL.match(line, m.end()):
            continue
        glued = not _after_space_or_stop(line, a)
        if (glued or strict) and number != expected[level]:
            continue
        if strict and (glued or level != first_level):
            continue
        cuts.append(a)
        expected[level] = number + 1
        if level == 1:
            expected[2] = 1
    return cuts


def split_inline_headings(src: Source) -> int:
    """Split very long lines that hold several top-level headings; return how many cuts."""
    view = src.view
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for line in view.split("\n"):
        flattened = len(line) >= LONG_LINE and len(_H1_INLINE.findall(line)) >= 2
        if flattened or len(line) >= PARAGRAPH_LINE:
            for cut in _cuts_in_line(line, strict=not flattened):
                a = b = pos + cut
                # eat the whitespace before the marker so the new line starts at the marker
                while a > pos and view[a - 1] in " \t":
                    a -= 1
                if a == pos or (spans and a <= spans[-1][1]):
                    continue
                spans.append((a, b, "\n"))
        pos += len(line) + 1
    src.edit(spans)
    return len(spans)


def _may_hold_signature(line: str) -> bool:
    """False when neither :data:`_INLINE_SIGNATURE` nor :data:`_INLINE_ATTACHMENT` can match in
    ``line``: a signature's date ends the line (in 日 or a digit) or comes before 附件/附表/…统计表,
    and an attachment marker has 附. Skipping such lines saves trying the signature pattern at
    every position of every long paragraph."""
    tail = line.rstrip(" \t")
    return tail.endswith("日") or tail[-1:].isdecimal() or "附" in line or "统计表" in line


def split_inline_signature(src: Source) -> int:
    """Give an agency-and-date signature, and an attachment, inside a long line lines of their own."""
    view = src.view
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for line in view.split("\n"):
        if len(line) >= SIGNATURE_LINE and _may_hold_signature(line):
            for m in _INLINE_ATTACHMENT.finditer(line):
                start = pos + m.start()
                while start > pos and view[start - 1] in " \t":
                    start -= 1
                if start > pos:
                    spans.append((start, pos + m.start(), "\n"))
            for m in _INLINE_SIGNATURE.finditer(line):
                agency = m.group("agency")
                if agency and not AGENCY_END.search(agency):
                    continue
                a, e = pos + m.start("sig"), pos + m.end("sig")
                if m.start("sig") > 0:
                    start = a
                    while start > pos and view[start - 1] in " \t":
                        start -= 1
                    spans.append((start, a, "\n"))
                if m.end("sig") < len(line.rstrip()):
                    end = e
                    while end < pos + len(line) and view[end] in " \t":
                        end += 1
                    spans.append((e, end, "\n"))
        pos += len(line) + 1
    spans = sorted(set(spans))
    kept: list[tuple[int, int, str]] = []
    for span in spans:  # an attachment right after a signature's date: one cut, not two
        if not kept or span[0] >= kept[-1][1] and span[0] != kept[-1][0]:
            kept.append(span)
    src.edit(kept)
    return len(kept)


def _agency_only(text: str) -> bool:
    """A title's first line that holds the agency (and maybe the year) but not the report name."""
    return bool(AGENCY_END.search(text) or re.search(r"(?:19|20)\d\d\s*年度?$", text))


def join_broken_title(src: Source, search_lines: int = 12) -> bool:
    """Join a title that was broken over two adjacent short lines (one title, two lines).

    Either half may be the one that names the report: ``某县人民政府`` / ``2024年政府信息公开工作年度报告``,
    ``某县2019年`` / ``政府信息公开工作年度报告``, or a phrase split in its middle. A column label
    (``政府信息公开年报``) is not half of a title."""
    view = src.view
    lines = view.split("\n")
    seen = 0
    at = 0  # where line i starts (the loop stops within the first few lines: no table of all)
    for i, line in enumerate(lines[:-1]):
        start, at = at, at + len(line) + 1
        s = line.strip()
        if not s:
            continue
        seen += 1
        if seen > search_lines:
            break
        nxt = lines[i + 1].strip()
        if not nxt or len(s) > 40 or len(nxt) > 40:
            continue
        if _SENTENCE_END.search(s) or _SENTENCE_END.search(nxt) or REPORT_TITLE.search(s) or COLUMN_LABEL.match(s):
            continue
        if REPORT_TITLE.search(nxt):
            # the report's name on the second line: join only a first line that is the agency
            # (or agency and year), and only when the second names no agency of its own
            parts = TITLE_PARTS.search(nxt)
            own_agency = parts is not None and parts.group("pre").strip()
            if not _agency_only(s) or own_agency or (parts is None and not REPORT_TITLE.match(nxt)
                                                     and not re.match(r"^(?:19|20)\d\d\s*年", nxt)):
                continue
        elif not REPORT_TITLE.search(s + nxt):
            continue
        # cut the newline (and the indentation of the second line)
        a = start + len(line.rstrip())
        b = at + (len(lines[i + 1]) - len(lines[i + 1].lstrip()))
        src.edit([(a, b, "")])
        return True
    return False


def segment(src: Source) -> Source:
    cuts = split_inline_headings(src)
    cuts += split_inline_signature(src)
    src.line_cuts = cuts
    join_broken_title(src)
    if not src.view.endswith("\n"):
        end = src.to_orig[-1]
        src.view += "\n"
        src.to_orig.append(end)
    return src
