"""Checks on the title and the section structure (GIP101–106)."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Iterable, Iterator

from . import Field

from ..ast import Heading, Span
from ..cn import cn_int
from .. import saferegex
from ..lexicon import CN_DIGITS, fold_label
from . import Context, Hit, Params, Regex, across_lines, any_of, check, may_occur


_fold = fold_label


class TitleParams(Params):
    require_year: bool = True
    require_agency: bool = True


@check("title_present", TitleParams)
def title_present(ctx: Context, p: TitleParams) -> list[Hit]:
    """Fires when no title names the agency, the year and 政府信息公开工作年度报告."""
    doc, f = ctx.doc, ctx.facts
    if doc.title is None:
        first = next((ln for ln in doc.lines if ln.kind == "para" and ln.text.strip()), None)
        if first is not None and first.index <= 3 and len(first.text.strip()) <= 60 and \
                re.search(r"报告|年报|总结", first.text) and not re.search(r"[。;!?]", first.text):
            text = first.text.strip()
            return [Hit(Span(first.start, first.end), {
                "problem": f"标题“{text}”未写明“政府信息公开工作年度报告”",
                "problem_en": f"The title '{text}' does not say 政府信息公开工作年度报告"})]
        return [Hit(None, {"problem": "报告没有标题", "problem_en": "The report has no title"})]
    missing, missing_en = _missing_words(doc.title.text)
    if p.require_year and f.title_year is None:
        missing.append("年度")
        missing_en.append("the year")
    if p.require_agency and not (f.agency and doc.title and f.agency in doc.title.text):
        missing.append("机关名称")
        missing_en.append("the agency")
    if missing:
        return [Hit(doc.title.span, {"problem": "报告标题缺少" + "、".join(missing),
                                     "problem_en": "The title lacks " + " and ".join(missing_en)})]
    return []


def _missing_words(title: str) -> tuple[list[str], list[str]]:
    """Which words of 政府信息公开工作年度报告 a present title leaves out ("…政府信息公开工作报告":
    年度; "…信息公开年度报告": 工作). 信息公开 alone (山西省人民政府2009年度信息公开工作年度报告),
    政务公开 and 年报 are accepted as they are."""
    if "政府信息公开工作年度报告" in title:
        return [], []
    missing, missing_en = [], []
    if not re.search(r"信息公开|政务公开", title):
        missing.append("“政府信息公开”")
        missing_en.append("政府信息公开")
    if "工作" not in title:
        missing.append("“工作”")
        missing_en.append("工作")
    if not re.search(r"年度报告|年报", title):
        missing.append("“年度”" if "报告" in title else "“年度报告”")
        missing_en.append("年度" if "报告" in title else "年度报告")
    return missing, missing_en


class SectionParams(Params):
    key: str
    label: str
    label_en: str
    headings: list[Regex]  # matched against heading titles (whitespace removed)
    sentences: list[Regex] = Field(default_factory=list)  # sentences that also count as the item being covered
    top_level: bool = False  # must be a top-level (一、) heading
    plain_lines: bool = True  # a short unnumbered line with the title also counts
    not_in: list[Regex] = Field(default_factory=list)  # heading regexes that look alike but are something else
    # the item that follows this one: a top-level section right before it whose sub-headings
    # name this item holds its content, its own heading lost (a PDF converter dropped 五、…)
    next_headings: list[Regex] = Field(default_factory=list)


@lru_cache(maxsize=1024)
def _rx(p: str) -> saferegex.SafePattern:
    return saferegex.compile(p)  # rule-file patterns: time-bounded


def _matches(patterns: Iterable[str], text: str) -> bool:
    return any(_rx(p).search(text) for p in patterns)


_SENTENCE_PUNCT = re.compile(r"[。;,!?]")


def _folded_headings(ctx: Context) -> list[tuple[Heading, str]]:
    cache = ctx.doc.cache
    if "headings" not in cache:
        cache["headings"] = [(h, _fold(h.title or h.text)) for h in ctx.doc.headings]
        # folding keeps 。 and ",": a paragraph holding one is no short line, without folding it
        cache["short_paras"] = [(p.span, t) for p in ctx.doc.paragraphs
                                if "。" not in p.text and "," not in p.text
                                and len(t := _fold(p.text)) <= 30 and not _SENTENCE_PUNCT.search(t)]
    return cache["headings"]


def find_section(ctx: Context, p: SectionParams) -> Heading | Span | None:
    """The heading (or short plain line) that holds the item, once per document and item:
    GIP102 and GIP103 both look for each prescribed section."""
    key = ("section", tuple(p.headings), tuple(p.not_in), p.top_level, p.plain_lines)
    cache = ctx.doc.cache
    if key not in cache:
        cache[key] = _find_section(ctx, p)
    return cache[key]


def _find_section(ctx: Context, p: SectionParams) -> Heading | Span | None:
    headings = _folded_headings(ctx)
    cache = ctx.doc.cache
    if "top" not in cache:
        cache["top"] = min((x.level for x in ctx.doc.headings), default=1)
    top = cache["top"]
    # each list of patterns as one compiled test, kept for the rule set's life (checks/__init__.any_of)
    wanted, unlike = any_of(tuple(p.headings)), any_of(tuple(p.not_in))
    joined = across_lines(tuple(p.headings))
    for h, t in (_holding(joined, headings, cache, "headings") if joined is not None else headings):
        if p.top_level and h.level != top:
            continue
        if (joined is not None or wanted(t)) and not unlike(t):
            return h
    if p.plain_lines:
        paras = cache["short_paras"]
        for span, t in (_holding(joined, paras, cache, "short_paras") if joined is not None else paras):
            if (joined is not None or wanted(t)) and not unlike(t):
                return span
    return None


def _holding(rx: Any, items: list[tuple[Any, str]], cache: dict, name: str) -> Iterator[tuple[Any, str]]:
    """The items whose text holds a match of ``rx`` (an :func:`across_lines` pattern), in order:
    one search over the texts joined by newlines (folded texts hold none)."""
    key = ("joined", name)
    if key not in cache:
        starts, pos = [], 0
        for _, t in items:
            starts.append(pos)
            pos += len(t) + 1
        cache[key] = ("\n".join(t for _, t in items), starts)
    text, starts = cache[key]
    last = -1
    for m in rx.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i != last:
            last = i
            yield items[i]


def _start(found: Heading | Span) -> int:
    return found.start if isinstance(found, Span) else found.span.start


def _span(found: Heading | Span) -> Span:
    return found if isinstance(found, Span) else found.span


def _declaration_spans(ctx: Context) -> list[tuple[int, int]]:
    """Sentences in the introduction that list the report's parts: they do not cover an item."""
    cache = ctx.doc.cache
    if "declarations" in cache:
        return cache["declarations"]
    spans = cache["declarations"] = []
    for para in ctx.doc.intro + ctx.doc.paragraphs[:3]:
        # sentence by sentence: a regex `[^。]*(?:组成|…)[^。]*` retries at every position of a
        # long sentence without the word, quadratic on a 5 MB line with no 。
        start = para.span.start
        for sentence in para.text.split("。"):
            if _DECLARES.search(sentence) and re.search(r"(本|全文|报告)", sentence):
                spans.append((start, start + len(sentence)))
            start += len(sentence) + 1
    return spans


_DECLARES = re.compile(r"组成|包括|包含|分为|构成")


@check("section_present", SectionParams)
def section_present(ctx: Context, p: SectionParams) -> list[Hit]:
    """Fires when a required content item appears neither as a heading nor as a sentence.

    Where the sections were inferred from flattened text, the item's prescribed title standing
    after a heading marker anywhere in the text (outside the introduction's list of parts) is
    evidence enough: the heading is there, the segmenter did not split it."""
    if find_section(ctx, p):
        return []
    if ctx.doc.source.line_cuts and _title_in_text(ctx, p):
        return []
    if p.next_headings and _content_without_heading(ctx, p):
        return []
    if p.sentences and not p.top_level:
        body = ctx.doc.body_text()
        skip = _declaration_spans(ctx)
        for pat in p.sentences:
            if not may_occur(pat, body):
                continue
            for m in _rx(pat).finditer(body):
                if not any(a <= m.start() < b for a, b in skip):
                    return []
    return [Hit(_where_it_belongs(ctx, p), {"item": p.label, "item_en": p.label_en, "key": p.key})]


def _content_without_heading(ctx: Context, p: SectionParams) -> bool:
    """The item's content is there, its heading is not: sub-headings naming it ((一)主要问题、
    (二)改进情况) close the top-level section that comes right before the item after it."""
    wanted, following = any_of(tuple(p.headings)), any_of(tuple(p.next_headings))
    tops = ctx.doc.sections
    for sec, nxt in zip(tops, tops[1:]):
        if following(_fold(nxt.heading.title or nxt.heading.text)):
            return any(wanted(_fold(c.heading.title or c.heading.text)) for c in sec.children)
    return False


def _title_in_text(ctx: Context, p: SectionParams) -> bool:
    title = re.sub(rf"^[{CN_DIGITS}]{{1,3}}、", "", p.label)
    pattern = re.compile(rf"(?:[{CN_DIGITS}]{{1,3}}、|\([{CN_DIGITS}]{{1,3}}\)|\d{{1,2}}[、.])\s*{re.escape(title)}")
    skip = _declaration_spans(ctx)
    body = ctx.doc.view[:ctx.doc.body_end]
    return any(not any(a <= m.start() < b for a, b in skip) for m in pattern.finditer(body))


def _where_it_belongs(ctx: Context, p: SectionParams) -> Span | None:
    """For a numbered prescribed section (三、…): the start of the first top-level heading
    numbered after it, where the missing section should be inserted; else None (line 1)."""
    m = re.match(r"^([一二三四五六七八九十]{1,3})、", p.label)
    if not (p.top_level and m):
        return None
    n = cn_int(m.group(1)) or 0
    top = min((h.level for h in ctx.doc.headings), default=1)
    later = [h for h in ctx.doc.headings if h.level == top and h.number is not None and h.number > n]
    if not later:
        return None
    start = later[0].span.start
    return Span(start, start)


class OrderParams(Params):
    sections: list[SectionParams]


@check("section_order", OrderParams)
def section_order(ctx: Context, p: OrderParams) -> list[Hit]:
    """Fires at the first required section that comes before one it should follow."""
    found = []
    for i, sp in enumerate(p.sections):
        h = find_section(ctx, sp)
        if h:
            found.append((i, h))
    hits = []
    for (i, h), (j, h2) in zip(found, found[1:]):
        if _start(h2) < _start(h):
            hits.append(Hit(_span(h2), {"item": p.sections[j].label, "item_en": p.sections[j].label_en,
                                      "after": p.sections[i].label, "after_en": p.sections[i].label_en}))
    return hits[:1]


@check("heading_numbering")
def heading_numbering(ctx: Context, params) -> list[Hit]:
    """Fires on a gap, repeat or wrong start within one run of sibling headings."""
    hits: list[Hit] = []
    view = ctx.doc.view
    inferred = ctx.doc.source.line_cuts > 0
    in_tables = _prescribed_table_spans(ctx)

    def unsplit(h: Heading, expected: int, since: int) -> bool:
        """The expected markers are in the text before ``h``, only not read as headings — a gap
        of the extraction, not of the report: anywhere in a tree inferred from flattened text,
        at the start of a line otherwise ("2.2020年，街道…", which the grammar takes for a number)."""
        between = view[since:h.span.start]
        for k in range(expected, h.number):
            marker = _marker_like(h, k)
            if inferred:
                if marker not in between:
                    return False
            elif not re.search(r"(?:^|\n)[ \t]*" + re.escape(marker), between):
                return False
        return True

    def run(siblings: list[Heading], since: int) -> None:
        expected = 1
        for h in siblings:
            if any(t.start <= h.span.start < t.end for t in in_tables):
                continue  # a row label of a table read as one (its markers number rows, not parts)
            if h.number is None:
                return
            if h.number == 1 and expected > 1 and h.level >= 3:
                expected = 2  # a second numbered list under the same heading starts again at 1
                since = h.span.end
                continue
            if h.number != expected and not (h.number > expected and unsplit(h, expected, since)):
                kind = "repeat" if h.number < expected else ("start" if expected == 1 else "gap")
                hits.append(Hit(h.marker_span, {"marker": h.marker, "expected": _marker_like(h, expected),
                                                "kind": kind}))
            expected = h.number + 1
            since = h.span.end

    def children_by_level(secs, since: int) -> None:
        # siblings: consecutive children of one parent with the same level
        groups: dict[int, list[Heading]] = {}
        for s in secs:
            groups.setdefault(s.level, []).append(s.heading)
        for g in groups.values():
            run(g, since)
        for s in secs:
            children_by_level(s.children, s.heading.span.end)

    children_by_level(ctx.doc.sections, 0)
    return hits


def _prescribed_table_spans(ctx: Context) -> list[Span]:
    """Where the tables stage read a prescribed table: a PDF table drawn without rules comes
    as text lines, and a row label such as （三）不予公开 there is no heading."""
    tables = getattr(ctx.facts, "tables", None)
    if tables is None:
        return []
    found = [t for table_id in tables.found for t in tables.all(table_id)]
    return [t.span for t in found if t.span is not None]


def _marker_like(h: Heading, n: int) -> str:
    digits = "一二三四五六七八九十"
    if h.level in (1, 2):
        cn = digits[n - 1] if 1 <= n <= 10 else ("十" + digits[n - 11] if 11 <= n <= 19 else str(n))
        return re.sub(r"[一二三四五六七八九十]+", cn, h.marker.strip())
    if h.level == 5:
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    return re.sub(r"\d+", str(n), h.marker.strip())


@check("heading_style_mixed")
def heading_style_mixed(ctx: Context, params) -> list[Hit]:
    """Fires at the first heading whose marker form differs from the level's usual form."""
    by_level: dict[int, list[Heading]] = {}
    for h in ctx.doc.headings:
        by_level.setdefault(h.level, []).append(h)
    hits = []
    for level, hs in by_level.items():
        styles = [h.style for h in hs]
        common = max(set(styles), key=styles.count)
        odd = [h for h in hs if h.style != common]
        if odd:
            hits.append(Hit(odd[0].marker_span, {"found": odd[0].style, "usual": common, "count": len(odd)}))
    return hits


_PARTS = re.compile(r"(?:由|包括|分为|共)[^。]{0,200}?(?P<n>[一二三四五六七八九十]|\d{1,2})\s*(?:个)?(?:部分|方面内容|大部分)")


@check("declared_parts")
def declared_parts(ctx: Context, params) -> list[Hit]:
    """Fires when the introduction says the report has N parts and the body has another number.

    An appended statistics table that the introduction names as a part (…和政府信息公开情况统计表
    共五个部分) counts as one when it stands outside the numbered sections. Where the sections
    were inferred from flattened text, fewer sections than declared is no finding while the
    missing parts' markers are in the text (a heading the segmenter did not split)."""
    doc = ctx.doc
    top = [s for s in doc.sections]
    if not top:
        return []
    for para in doc.intro + doc.paragraphs[:2]:
        m = _PARTS.search(para.text)
        if m and re.search(r"本报告|全文|报告", para.text[: m.end()]):
            n = cn_int(m.group("n"))
            found = len(top)
            if "统计表" in m.group(0) and not any("统计表" in s.heading.text for s in top) and _stats_after(doc, top[-1]):
                found += 1
            if n and n != found and top[0].level == 1:
                if found < n and doc.source.line_cuts and _unsplit_markers(doc, top[-1], found + 1, n):
                    return []
                a = para.span.start + m.start("n")
                return [Hit(Span(a, a + len(m.group("n"))), {"declared": n, "found": found})]
    return []


def _stats_after(doc, last) -> bool:
    """A statistics table after the last numbered section: a line or caption naming 统计表."""
    start = last.heading.span.end
    return any("统计表" in p.text[:60] for p in doc.attachments + doc.paragraphs if p.span.start >= start) or \
        any("统计表" in (t.caption or "") for t in doc.tables if t.span.start >= start)


def _unsplit_markers(doc, last, first: int, n: int) -> bool:
    """Whether the top-level markers first…n all occur, in order, after the last section's heading."""
    view, pos = doc.view, last.heading.span.end
    for k in range(first, n + 1):
        marker = _marker_like(last.heading, k)
        i = view.find(marker, pos)
        if i < 0:
            return False
        pos = i + len(marker)
    return True
