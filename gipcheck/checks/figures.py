"""Figures stated in the narrative: totals and their parts (GIP407), figures the 2008-era
statistics table also holds (GIP406).

Real reports state a total and then its parts in every shape: ``共N条，其中…a条、b条``, a
total in one sentence and ``其中，…a条，占73%。…b条，占27%。`` over the next two, the parts in
parentheses after the total, or a total under （一）…数量 and its categories under
（二）…类别. Parts are compared with their total only where they are unambiguous: one unit,
no comparison with last year, no second total or nested 其中, no channels (which overlap).
A list that may be partial is only wrong when its parts exceed the total; it is complete
when it ends with a catch-all item (其他…) or its shares add up to 100%.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import Field

from ..ast import Section, Span
from . import Context, Hit, Params, Regex, check, in_part_clause


@dataclass
class Part:
    n: int
    unit: str
    start: int  # view offsets of the number
    end: int
    label: str  # the text between the previous part (or the list start) and this number
    share: float | None  # "占73%" right after it


@dataclass
class Breakdown:
    total: int
    unit: str
    span: Span  # the total's number
    parts: list[Part]
    complete: bool


class BreakdownParams(Params):
    units: str = "人次|条|件|项|个|篇|次|家|人"
    # units that count the same things and get mixed up in one template sentence
    # (回应解读信息数175次，其中当面申请数89件…): parts of another unit of the group are
    # compared with the total when there are enough of them and nothing else they could belong to
    unit_groups: list[list[str]] = Field(default_factory=lambda: [["条", "件", "次"]])
    min_mixed_parts: int = 3
    intro: Regex = r"其中"
    # words that start a new total: a clause holding one ends the list of parts
    total_cue: Regex = r"(?<!公)共(?!享|同|建|治|性|产)|合计|总计|总数|累计|其中"
    catch_all: Regex = r"其他|其它|其余|另有"
    # parts named after channels overlap (one item on the website and on WeChat): not summed
    # (application channels — 当面, 网上, 信函 — are disjoint: one application comes one way)
    overlap: Regex = "网站|门户网|政府网|微博|微信|公众号|公报|报刊|报纸|广播|电视|媒体|客户端|公开栏|APP|App|app"
    # a comparison with another period: its figures are not parts
    compare: Regex = r"比上年|上年|同比|环比|较上|增加|减少|增长|下降|上升|提高|降低|持平"
    # sub-sections holding a total and, right after, its categories (二（一）数量 / 二（二）类别)
    total_section: Regex = r"数量|总数|总体情况|基本情况"
    category_section: Regex = r"类别|分类|类型|构成"


@lru_cache(maxsize=64)
def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p)


# a whole number, not the tail of a longer one or a decimal: ``(?<![\d.])\d+`` written to start
# with the digit, so that re scans for digits in C instead of trying a lookbehind at every
# position (3× faster on a report; the same matches)
_NUMBER = r"\d(?<![\d.]\d)\d*"


def _figure_rx(p: BreakdownParams) -> re.Pattern[str]:
    return _rx(rf"(?P<n>{_NUMBER})\s*(?P<u>{p.units})(?![\d%])")


_SHARE = re.compile(r"\s*[,，]?\s*(?:占|约占)?\s*(?:比例|比重)?\s*(?:为)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%")
_SENTENCE_END = "。\n"


_BRACKETED = re.compile(r"\([^()]*\)|（[^（）]*）")
_LEAD = re.compile(r"\s*[,:]?\s*")


def _parts(text: str, a: int, b: int, p: BreakdownParams) -> list[Part] | None:
    """The figures of ``text[a:b]`` as parts, or None when the stretch holds something that
    makes the list ambiguous (a comparison, a second total)."""
    seg = text[a:b]
    if _rx(p.compare).search(seg) or _rx(p.total_cue).search(seg):
        return None
    # figures inside brackets qualify a part ("(含…3条)"): blank them out
    blanked = _BRACKETED.sub(lambda m: " " * len(m.group(0)), seg) if "(" in seg or "（" in seg else seg
    out, prev = [], 0
    for m in _figure_rx(p).finditer(blanked):
        share = _SHARE.match(blanked, m.end())
        out.append(Part(int(m.group("n")), m.group("u"), a + m.start("n"), a + m.end("n"),
                        seg[prev:m.start()], float(share.group("pct")) if share else None))
        prev = m.end()
    return out


# a count that is not an exact figure ("300多条", "约50条", "三条"): the parts cannot be summed
# exactly, so the list is not taken as complete
_UNCOUNTED = r"\d+\s*(?:多|余)\s*(?:{units})|(?:约|近|逾|超过|大约)\s*\d|[一二两三四五六七八九十百千]+\s*(?:{units})"
_APPROXIMATE = re.compile(r"(?:约|近|逾|超过|大约)\s*$")


def _uncounted(seg: str, p: BreakdownParams) -> bool:
    return _rx(_UNCOUNTED.format(units=p.units)).search(seg) is not None


def _clause_end(text: str, start: int, stops: str) -> int:
    ends = [i for i in (text.find(c, start) for c in stops) if i != -1]
    return min(ends) if ends else len(text)


def _same_unit(parts: list[Part], total_unit: str, before: str, p: BreakdownParams) -> list[Part]:
    same = [x for x in parts if x.unit == total_unit]
    if same:
        return same
    units = {x.unit for x in parts}
    if len(units) != 1 or len(parts) < p.min_mixed_parts:
        return []
    (u,) = units
    group = next((g for g in p.unit_groups if total_unit in g), [])
    # the parts' unit must be of the total's group, and no figure of that unit may come
    # before the total in its sentence (the parts would be of that figure instead)
    if u not in group or any(m.group("u") == u for m in _figure_rx(p).finditer(before)):
        return []
    return parts


def _complete(parts: list[Part], p: BreakdownParams) -> bool:
    if _rx(p.catch_all).search(parts[-1].label):
        return True
    shares = [x.share for x in parts]
    return all(s is not None for s in shares) and abs(sum(shares) - 100) <= 1  # type: ignore[arg-type]


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in _SENTENCE_END) + 1


# the figure a 其中 refers to: the last one before it, with at most a short noun after it
# ("共发布348条信息，其中"), and at most a sentence end in between ("…1913条。其中，")
_BEFORE_INTRO = r"(?P<n>" + _NUMBER + r")\s*(?P<u>{units})(?P<noun>[\u4e00-\u9fff“”\"]{{0,8}})\s*[,:]?\s*(?:。\s*)?(?P<paren>\()?\s*$"
# "在…主动公开的1913条政府信息中，…": the total named at the head of its own list
_HEAD_TOTAL = r"(?P<n>" + _NUMBER + r")\s*(?P<u>{units})[^,。;:\d]{{0,10}}中\s*[,:]"


def _breakdowns(ctx: Context, p: BreakdownParams) -> list[Breakdown]:
    """:func:`find_breakdowns` of the body, once per document and parameters (GIP406 and GIP407
    both need them)."""
    done = ctx.doc.cache.setdefault("breakdowns", [])  # (parameters, breakdowns): found by identity
    for q, got in done:                                 # or equality, not by a repr of every pattern
        if q is p or q == p:
            return got
    got = find_breakdowns(ctx.doc.body_text(), p)
    done.append((p, got))
    return got


def find_breakdowns(text: str, p: BreakdownParams) -> list[Breakdown]:
    """Totals stated with their parts in the running text (one sentence, or a sentence and
    the ones that carry its shares on)."""
    out: list[Breakdown] = []
    before_rx = _rx(_BEFORE_INTRO.format(units=p.units))
    for im in _rx(p.intro).finditer(text):
        window_start = max(0, im.start() - 60)
        tm = before_rx.search(text, window_start, im.start())
        if not tm:
            continue
        intro_end = im.end()
        seg_start = _LEAD.match(text, intro_end).end()  # (it always matches; no copy of the rest of the text)
        if tm.group("paren"):
            close = text.find(")", seg_start)
            if close == -1 or "(" in text[seg_start:close] or "。" in text[seg_start:close]:
                continue
            seg_end = close
        else:
            seg_end = _clause_end(text, seg_start, "。\n")
        b = _collect(text, tm, seg_start, seg_end, p)
        if b is not None:
            out.append(b)
    for hm in _head_totals(text, p):
        seg_start = hm.end()
        seg_end = _clause_end(text, seg_start, "。\n")
        b = _collect(text, hm, seg_start, seg_end, p)
        if b is not None:
            out.append(b)
    return out


_HEAD_END = re.compile(r"中\s*[,:]")
_CLAUSE_STOPS = ",。;:"


def _head_totals(text: str, p: BreakdownParams) -> list[re.Match[str]]:
    r"""``_HEAD_TOTAL``'s matches in ``text``, as its ``finditer`` gives them.

    A match holds none of ``,。;:`` but the ``,``/``:`` it ends with, right after its 中; so each
    one lies in the clause that ends at an occurrence of ``中\s*[,:]``, and is the leftmost
    match searched from that clause's start. Searching only there spares trying the pattern
    at every digit of the text (the units are rule-file data: with a stop in them, the plain
    scan)."""
    head_rx = _rx(_HEAD_TOTAL.format(units=p.units))
    if any(c in p.units for c in _CLAUSE_STOPS):
        return list(head_rx.finditer(text))
    out = []
    for end in _HEAD_END.finditer(text):
        start = max(text.rfind(c, 0, end.start()) for c in _CLAUSE_STOPS) + 1
        m = head_rx.search(text, start, end.end())
        if m is not None:
            out.append(m)
    return out


def _collect(text: str, tm: re.Match[str], seg_start: int, seg_end: int, p: BreakdownParams) -> Breakdown | None:
    total, unit = int(tm.group("n")), tm.group("u")
    if _APPROXIMATE.search(text, max(0, tm.start() - 4), tm.start()):
        return None  # "约500条，其中…": not a total to hold exact parts to
    # the parts run to the end of the sentence, and on over the clauses separated by ";" until
    # one starts a new total (…数18条；对申请的答复总数21条，其中…)
    clauses, pos = [], seg_start
    while pos < seg_end:
        end = _clause_end(text, pos, ";")
        end = min(end, seg_end)
        clauses.append((pos, end))
        pos = end + 1
    parts: list[Part] = []
    for a, b in clauses:
        got = _parts(text, a, b, p)
        if got is None:
            if not parts:
                return None
            break
        shared = parts and all(x.share is not None for x in parts)
        if shared and (sum(x.share for x in parts) >= 99 or any(x.share is None for x in got)):  # type: ignore[misc]
            break  # parts with shares end where the shares add up, or where a clause has none
        parts.extend(got)
    # shares carried over into the next sentences ("…1397条，占73%。各乡镇…534条，占27%。")
    pos = seg_end
    while parts and all(x.share is not None for x in parts) and sum(x.share for x in parts) < 99 \
            and pos < len(text) and text[pos] == "。":  # type: ignore[misc]
        nxt = _clause_end(text, pos + 1, "。\n")
        got = _parts(text, pos + 1, nxt, p)
        if not got or len(got) != 1 or got[0].share is None or got[0].unit != parts[0].unit:
            break
        parts.extend(got)
        pos = nxt
    before = text[_sentence_start(text, tm.start()):tm.start()]
    # "办理建议12件、提案20件，其中…": with another count before it in its clause and no 共/合计,
    # the figure before 其中 need not be the whole the parts add up to
    clause = re.split(r";|其中", before)[-1]
    group = next((g for g in p.unit_groups if unit in g), [unit])
    if not re.search(rf"(?:{p.total_cue})[^,;。]{{0,20}}$", clause) and \
            any(m.group("u") in group for m in _figure_rx(p).finditer(clause)):
        return None
    listed = parts
    parts = _same_unit(parts, unit, before, p)
    if len(parts) < 2:
        return None
    segment = text[seg_start:max(seg_end, pos)]
    if _rx(p.overlap).search(segment):
        return None
    # a list with counts of another unit among its parts (规范性文件200件 among 条) is not complete
    complete = _complete(parts, p) and not _uncounted(segment, p) and len(parts) == len(listed)
    return Breakdown(total, unit, Span(tm.start("n"), tm.end("n")), parts, complete)


_TOPIC_END = re.compile(r"[\s,，。:：;；]")


def _topic(title: str) -> str:
    """A heading's own words: flattened web text may run the first sentence into it."""
    return _TOPIC_END.split(title.strip(), maxsplit=1)[0][:24]


def _common(a: str, b: str, least: int = 4) -> str:
    best = ""
    for i in range(len(a)):
        for j in range(i + least, len(a) + 1):
            if a[i:j] in b and j - i > len(best):
                best = a[i:j]
    return best.rstrip("的")


def section_breakdowns(ctx: Context, p: BreakdownParams) -> list[Breakdown]:
    """A total under （一）…的数量 and its categories under the next sub-section （二）…的类别
    (same parent, the same topic in both headings): compared only when the categories are a
    complete list of their own and the total is the one figure the first section gives for
    the topic."""
    doc, view = ctx.doc, ctx.doc.view
    out: list[Breakdown] = []
    groups: list[list[Section]] = [doc.sections] + [s.children for s in doc.all_sections() if len(s.children) > 1]
    total_rx, category_rx = _rx(p.total_section), _rx(p.category_section)
    for siblings in groups:
        for s1, s2 in zip(siblings, siblings[1:]):
            t1 = _topic(s1.heading.title)
            if not total_rx.search(t1):
                continue
            t2 = _topic(s2.heading.title)
            if not category_rx.search(t2):
                continue
            topic = _common(t1, t2)
            if len(topic) < 4:
                continue
            b = _category_list(view, s2, p)
            if b is None:
                continue
            total = _section_total(view, s1, topic, b.unit, p)
            if total is None:
                continue
            n, span = total
            out.append(Breakdown(n, b.unit, span, b.parts, True))
    return out


def _section_total(view: str, sec: Section, topic: str, unit: str, p: BreakdownParams) -> tuple[int, Span] | None:
    start, end = sec.heading.span.start, sec.end
    found = []
    rx = _rx(re.escape(topic) + rf"[^,。;\d]{{0,6}}?(?P<n>\d+)\s*(?P<u>{p.units})(?![\d%])")
    for m in rx.finditer(view, start, end):
        if m.group("u") != unit or in_part_clause(view, m.start("n")) or _SHARE.match(view, m.end()):
            continue
        found.append((int(m.group("n")), Span(m.start("n"), m.end("n"))))
    if not found or len({n for n, _ in found}) != 1:
        return None
    return found[0]


def _category_list(view: str, sec: Section, p: BreakdownParams) -> Breakdown | None:
    """The first sentence of the section that lists three or more figures of one unit, when it
    is complete (a catch-all last item or shares adding up to 100%) and names no total."""
    pos, end = sec.heading.marker_span.end, sec.end
    while pos < end:
        stop = min(_clause_end(view, pos, "。\n"), end)
        sentence = view[pos:stop]
        figures = list(_figure_rx(p).finditer(sentence))
        if len(figures) >= 3:
            if _rx(p.intro).search(sentence) or _rx(_HEAD_TOTAL.format(units=p.units)).search(sentence):
                return None  # the list names its own total: find_breakdowns has it
            head = re.search(r"[:：]", sentence[:figures[0].start()])
            parts = _parts(view, pos + (head.end() if head else 0), stop, p)
            if not parts or len({x.unit for x in parts}) != 1 or _rx(p.overlap).search(sentence):
                return None
            if not _complete(parts, p) or _uncounted(sentence, p):
                return None
            return Breakdown(0, parts[0].unit, Span(pos, pos), parts, True)
        pos = stop + 1
    return None


@check("text_breakdown", BreakdownParams)
def text_breakdown(ctx: Context, p: BreakdownParams) -> list[Hit]:
    """Fires when a total stated in the text and its listed parts do not add up: parts that
    exceed the total, or a complete list (catch-all item, shares of 100%) that misses it."""
    text = ctx.doc.body_text()
    hits: list[Hit] = []
    seen: set[tuple[int, int]] = set()
    for b in _breakdowns(ctx, p) + section_breakdowns(ctx, p):
        s = sum(x.n for x in b.parts)
        if not (s > b.total or (b.complete and s != b.total)):
            continue
        key = (b.span.start, b.parts[0].start)
        if key in seen:
            continue
        seen.add(key)
        hits.append(Hit(Span(b.span.start, b.span.end), {
            "total": b.total, "sum": s, "expr": "+".join(str(x.n) for x in b.parts), "unit": b.unit}))
    hits.sort(key=lambda h: h.span.start)
    return hits


class TextTableParams(Params):
    table: str = "stats"  # the table the figures are compared with (facts.tables)
    figures: list[dict[str, Regex]]  # {text: regex with (?P<n>…), row: regex on the row label}


def _table_rows(ctx: Context, table_id: str, pattern: str) -> tuple[str, set[float], tuple[int, int] | None] | None:
    """(row label, the row's figures, the table's span) of the first row whose label matches,
    read from the tables view: a table object with ``row_like``/``figures``/``span`` (the tables
    stage) or the plain numbers {label: {column: n}}."""
    tables = ctx.facts.tables
    t = tables.get(table_id) if hasattr(tables, "get") else None
    if t is None:
        return None
    if hasattr(t, "row_like"):
        row = t.row_like(pattern)
        if row is None:
            return None
        span = t.span
        return row.label, {v for v in t.figures(row).values() if v is not None}, \
            ((span.start, span.end) if span is not None else None)
    label = next((k for k in t if re.search(pattern, re.sub(r"\s", "", k))), None)
    if label is None:
        return None
    return label, {v for v in t[label].values() if v is not None}, None


@lru_cache(maxsize=1)
def _default_breakdown() -> BreakdownParams:
    """GIP406's breakdown parameters (the defaults), made once: building Params walks the class."""
    return BreakdownParams()


@check("text_table_2008", TextTableParams)
def text_table_2008(ctx: Context, p: TextTableParams) -> list[Hit]:
    """Fires when the figures the text states for a statistics-table row match none of its cells.

    A row's figure is often stated several times — for the whole agency and for its parts — so
    a part's figure (in a 其中 clause, one item of a stated breakdown, or with its share "占27%")
    is not compared, and the row fires only when no statement agrees with the table, at the
    first one."""
    body = ctx.doc.body_text()
    parts = {(x.start, x.end) for b in _breakdowns(ctx, _default_breakdown()) for x in b.parts}
    in_tables = [(t.span.start, t.span.end) for t in ctx.doc.tables]
    stated: dict[str, tuple[set[float], list[re.Match[str]]]] = {}
    for fig in p.figures:
        found = _table_rows(ctx, p.table, fig["row"])
        if found is None:
            continue
        label, values, span = found
        if not values:
            continue
        if span is not None:
            in_tables.append(span)
        mine = stated.setdefault(label, (values, []))[1]
        for m in _rx(fig["text"]).finditer(body):
            if any(a <= m.start() < b for a, b in in_tables):
                continue  # the table's own cells, flattened into the text
            if in_part_clause(body, m.start(), r"其中|包括") or (m.start("n"), m.end("n")) in parts \
                    or _SHARE.match(body, m.end()):
                continue
            if not any(x.start("n") == m.start("n") for x in mine):
                mine.append(m)
    hits = []
    for label, (values, matches) in stated.items():
        if not matches or any(float(m.group("n")) in values for m in matches):
            continue  # the text agrees with the table somewhere; other statements are about parts
        m = min(matches, key=lambda x: x.start())
        ordered = sorted(values)
        hits.append(Hit(Span(m.start("n"), m.end("n")), {
            "label": label, "text_value": m.group("n"),
            "table_value": "、".join(_fmt(v) for v in ordered), "table_value_en": ", ".join(_fmt(v) for v in ordered)},
            variant="alternatives" if len(ordered) > 1 else None))  # the year column and 历年累计
    hits.sort(key=lambda h: h.span.start)
    return hits


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
