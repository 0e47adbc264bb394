"""Dates: the signature (GIP503), the legal deadline (GIP504), impossible dates (GIP505)."""
from __future__ import annotations

import datetime as dt
import re

from ..ast import Span
from ..cn import DATE_RE, date_parts, parse_date
from ..deadline import legal_deadline
from . import Context, Hit, Params, Regex, check


_WHICH_EN = {"发布日期": "publication date", "发布时间": "publication date", "成文日期": "date of writing",
             "生成日期": "date of creation", "落款日期": "signature date"}
# front-matter keys that date the page itself, in the order facts.publication_date reads them
PUBLICATION_KEYS = ("发布日期", "发布时间", "成文日期", "生成日期")
# the keys whose date the signature cannot be later than (the page was published, or the
# document written, on that day)
_PUBLISHED_KEYS = ("发布日期", "发布时间", "成文日期")


@check("signature_present")
def signature_present(ctx: Context, params) -> list[Hit]:
    """Fires when the report does not end with the issuing agency and a date."""
    if ctx.doc.signature is not None:
        return []
    end = ctx.doc.body_end or len(ctx.doc.view)
    text = ctx.doc.view[:end].rstrip()
    start = text.rfind("\n") + 1
    return [Hit(Span(start, len(text)))]


class DeadlineParams(Params):
    # agency kind → deadline "MM-DD" in the year after the report year (None: no legal deadline)
    deadlines: dict[str, str | None]
    # agency kind → regex on the agency name; the first that matches decides; "default" otherwise
    kinds: dict[str, Regex]
    info_kinds: list[str] = []  # kinds whose lateness is only an info (no deadline in the 条例)


@check("publication_late", DeadlineParams)
def publication_late(ctx: Context, p: DeadlineParams) -> list[Hit]:
    """Fires when the publication (or, failing that, signature) date is after the legal deadline."""
    f, doc = ctx.facts, ctx.doc
    if f.report_year is None:
        return []
    date, span, which = None, None, ""
    if f.publication_date:
        date, which = f.publication_date, "发布日期"
        for key in PUBLICATION_KEYS:
            if key in doc.front_matter and parse_date(doc.front_matter[key][0]) == date:
                span, which = doc.front_matter[key][1], key  # say which date was judged
                break
    elif doc.signature and doc.signature.date:
        date, span, which = doc.signature.date, doc.signature.span, "落款日期"
    if date is None:
        return []
    agency = f.agency or (doc.signature.agency if doc.signature else "") or ""
    deadline, kind = legal_deadline(agency, f.report_year, p.kinds, p.deadlines)
    if deadline is None:
        return []
    if date > deadline:
        return [Hit(span, {"date": date.isoformat(), "deadline": deadline.isoformat(), "which": which,
                           "which_en": _WHICH_EN.get(which, "date")},
                    severity="info" if kind in p.info_kinds else None)]
    return []


_FUTURE = re.compile(r"将|计划|拟|预计|之前|以前|前完成|前将|届时|今后|下一步|下步|力争|争取|截至|截止|预算")


@check("date_invalid")
def date_invalid(ctx: Context, params) -> list[Hit]:
    """Fires on a date that does not exist, or a past event dated after the report itself."""
    doc = ctx.doc
    text = doc.body_text()
    sig = doc.signature.date if doc.signature else None
    hits = []
    spans = [(p.span.start, p.span.end) for p in doc.paragraphs] + [(h.span.start, h.span.end) for h in doc.headings]
    matches = [m for a, b in spans if _may_hold_date(text, a, b) for m in DATE_RE.finditer(text, a, min(b, len(text)))]
    hits.extend(_signature_date_hits(doc))
    for m in sorted(matches, key=lambda m: m.start()):
        y, mo, d = date_parts(m)
        if not (y and mo and d):
            continue
        try:
            date = dt.date(y, mo, d)
        except ValueError:
            hits.append(Hit(Span(m.start(), m.end()), {"date": m.group(0), "problem": "日期不存在",
                                                        "problem_en": "does not exist"}))
            continue
        if sig and date > sig:
            ls = text.rfind("\n", 0, m.start()) + 1
            sent_start = max(ls, max(text.rfind(c, 0, m.start()) for c in "。;") + 1)
            sent_end = min(x for x in (text.find("。", m.end()), text.find("\n", m.end()), len(text)) if x != -1)
            if _FUTURE.search(text, sent_start, sent_end):
                continue
            hits.append(Hit(Span(m.start(), m.end()), {"date": m.group(0),
                                                        "problem": f"晚于报告落款日期 {sig.isoformat()}",
                                                        "problem_en": f"is after the report's own date {sig.isoformat()}"}))
    return hits


def _may_hold_date(text: str, a: int, b: int) -> bool:
    """False when ``text[a:b]`` cannot hold a DATE_RE match: one holds 年, 月 and 日, or two of
    - . / (a few finds and counts in C spare the regex most paragraphs: "2017年，我局…")."""
    if text.find("年", a, b) != -1 and text.find("月", a, b) != -1 and text.find("日", a, b) != -1:
        return True
    return text.count("-", a, b) + text.count(".", a, b) + text.count("/", a, b) >= 2


def _impossible(text: str) -> bool:
    """True when ``text`` holds a full date (年月日) that is not in the calendar (2017年2月30日)."""
    m = DATE_RE.search(text)
    if not m:
        return False
    y, mo, d = date_parts(m)
    if not (y and mo and d):
        return False
    try:
        dt.date(y, mo, d)
    except ValueError:
        return True
    return False


def _signature_date_hits(doc) -> list[Hit]:
    """The dates outside the body: the signature's (impossible, or after the page's own
    publication date) and the front matter's (impossible)."""
    hits = []
    sig = doc.signature
    if sig is not None and sig.date is None and sig.date_text and _impossible(sig.date_text):
        hits.append(Hit(sig.span, {"date": sig.date_text, "problem": "日期不存在", "problem_en": "does not exist"}))
    for key, (value, span) in doc.front_matter.items():
        if key in PUBLICATION_KEYS and _impossible(value):
            hits.append(Hit(span, {"date": value.strip(), "problem": "日期不存在", "problem_en": "does not exist"}))
    if sig is not None and sig.date is not None:
        for key in _PUBLISHED_KEYS:
            if key not in doc.front_matter:
                continue
            published = parse_date(doc.front_matter[key][0])
            if published is not None and sig.date > published:
                # the page's date may come from a web system rather than the report: a warning
                hits.append(Hit(sig.span, {"date": sig.date_text or sig.date.isoformat(),
                                           "problem": f"（落款日期）晚于网页标注的{key} {published.isoformat()}",
                                           "problem_en": f"(the signature date) is after the page's {key} {published.isoformat()}"},
                                severity="warning"))
            break
    return hits
