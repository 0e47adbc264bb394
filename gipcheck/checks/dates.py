"""Dates: the signature (GIP503), the legal deadline (GIP504), impossible dates (GIP505)."""
from __future__ import annotations

import datetime as dt
import re

from ..ast import Span
from ..cn import DATE_RE, date_parts
from ..deadline import legal_deadline
from . import Context, Hit, Params, Regex, check


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
        for key in ("发布日期", "发布时间", "成文日期", "生成日期"):
            if key in doc.front_matter:
                span = doc.front_matter[key][1]
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
        return [Hit(span, {"date": date.isoformat(), "deadline": deadline.isoformat(), "which": which},
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
    matches = [m for a, b in spans for m in DATE_RE.finditer(text, a, min(b, len(text)))]
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
