"""Checks on the title and the section structure (GIP101–106)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from pydantic import Field

from ..ast import Heading, Span
from ..cn import cn_int
from .. import saferegex
from . import Context, Hit, Params, Regex, check


def _fold(text: str) -> str:
    """Compare labels without whitespace and quotes (format.md: label matching)."""
    return re.sub(r"[\s\"'“”‘’「」『』]", "", text)


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
    missing, missing_en = [], []
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


class SectionParams(Params):
    key: str
    label: str
    label_en: str
    headings: list[Regex]  # matched against heading titles (whitespace removed)
    sentences: list[Regex] = Field(default_factory=list)  # sentences that also count as the item being covered
    top_level: bool = False  # must be a top-level (一、) heading
    plain_lines: bool = True  # a short unnumbered line with the title also counts
    not_in: list[Regex] = Field(default_factory=list)  # heading regexes that look alike but are something else


@lru_cache(maxsize=1024)
def _rx(p: str) -> saferegex.SafePattern:
    return saferegex.compile(p)  # rule-file patterns: time-bounded


def _matches(patterns: Iterable[str], text: str) -> bool:
    return any(_rx(p).search(text) for p in patterns)


def _folded_headings(ctx: Context) -> list[tuple[Heading, str]]:
    cache = ctx.doc.__dict__.setdefault("_cache", {})
    if "headings" not in cache:
        cache["headings"] = [(h, _fold(h.title or h.text)) for h in ctx.doc.headings]
        cache["short_paras"] = [(p.span, t) for p in ctx.doc.paragraphs
                                if len(t := _fold(p.text)) <= 30 and not re.search(r"[。;,!?]", t)]
    return cache["headings"]


def find_section(ctx: Context, p: SectionParams) -> Heading | Span | None:
    top = min((x.level for x in ctx.doc.headings), default=1)
    for h, t in _folded_headings(ctx):
        if p.top_level and h.level != top:
            continue
        if _matches(p.headings, t) and not _matches(p.not_in, t):
            return h
    if p.plain_lines:
        for span, t in ctx.doc.__dict__["_cache"]["short_paras"]:
            if _matches(p.headings, t) and not _matches(p.not_in, t):
                return span
    return None


def _start(found: Heading | Span) -> int:
    return found.start if isinstance(found, Span) else found.span.start


def _span(found: Heading | Span) -> Span:
    return found if isinstance(found, Span) else found.span


def _declaration_spans(ctx: Context) -> list[tuple[int, int]]:
    """Sentences in the introduction that list the report's parts: they do not cover an item."""
    cache = ctx.doc.__dict__.setdefault("_cache", {})
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
    """Fires when a required content item appears neither as a heading nor as a sentence."""
    if find_section(ctx, p):
        return []
    if p.sentences and not p.top_level:
        body = ctx.doc.body_text()
        skip = _declaration_spans(ctx)
        for pat in p.sentences:
            for m in _rx(pat).finditer(body):
                if not any(a <= m.start() < b for a, b in skip):
                    return []
    return [Hit(_where_it_belongs(ctx, p), {"item": p.label, "item_en": p.label_en, "key": p.key})]


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

    def run(siblings: list[Heading]) -> None:
        expected = 1
        for h in siblings:
            if h.number is None:
                return
            if h.number == 1 and expected > 1 and h.level >= 3:
                expected = 2  # a second numbered list under the same heading starts again at 1
                continue
            if h.number != expected:
                kind = "repeat" if h.number < expected else ("start" if expected == 1 else "gap")
                hits.append(Hit(h.marker_span, {"marker": h.marker, "expected": _marker_like(h, expected),
                                                "kind": kind}))
            expected = h.number + 1

    def children_by_level(secs) -> None:
        # siblings: consecutive children of one parent with the same level
        groups: dict[int, list[Heading]] = {}
        for s in secs:
            groups.setdefault(s.level, []).append(s.heading)
        for g in groups.values():
            run(g)
        for s in secs:
            children_by_level(s.children)

    children_by_level(ctx.doc.sections)
    return hits


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
    """Fires when the introduction says the report has N parts and the body has another number."""
    doc = ctx.doc
    top = [s for s in doc.sections]
    if not top:
        return []
    for para in doc.intro + doc.paragraphs[:2]:
        m = _PARTS.search(para.text)
        if m and re.search(r"本报告|全文|报告", para.text[: m.end()]):
            n = cn_int(m.group("n"))
            if n and n != len(top) and top[0].level == 1:
                a = para.span.start + m.start("n")
                return [Hit(Span(a, a + len(m.group("n"))), {"declared": n, "found": len(top)})]
    return []
