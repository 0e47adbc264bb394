"""The statistics period (GIP201–203) and the report year across the document (GIP501)."""
from __future__ import annotations

import datetime as dt
import re

from ..ast import Span
from . import Context, Hit, Params, check


@check("period_present")
def period_present(ctx: Context, params) -> list[Hit]:
    """Fires when no sentence states the statistics period (a blanked-out year still counts as missing)."""
    per = ctx.facts.period
    if per is None or (per.years_missing and per.start is None and per.end is None):
        return [Hit(per.span if per else None)]
    return []


class CalendarParams(Params):
    # report years whose period may lawfully start later than 1 January, and the earliest start
    late_start: dict[int, str] = {}


@check("period_calendar_year", CalendarParams)
def period_calendar_year(ctx: Context, p: CalendarParams) -> list[Hit]:
    """Fires when the stated period is not 1 January – 31 December of one year."""
    per = ctx.facts.period
    if per is None or per.end is None:
        return []
    if per.start is None:
        return []  # "截至12月31日": only an end date is given; nothing to compare
    ok_start = dt.date(per.end.year, 1, 1)
    allowed = {ok_start}
    if per.end.year in p.late_start:
        allowed.add(dt.date.fromisoformat(p.late_start[per.end.year]))
    if per.start in allowed and per.end == dt.date(per.start.year, 12, 31):
        return []
    return [Hit(per.span, {"start": per.start.isoformat(), "end": per.end.isoformat()})]


@check("period_year_match")
def period_year_match(ctx: Context, params) -> list[Hit]:
    """Fires when the period's year differs from the year in the title."""
    f = ctx.facts
    per = f.period
    if per is None or f.title_year is None:
        return []
    years = {d.year for d in (per.start, per.end) if d}
    if years and f.title_year not in years:
        return [Hit(per.span, {"period_year": "/".join(str(y) for y in sorted(years)), "report_year": f.title_year})]
    return []


@check("year_consistent")
def year_consistent(ctx: Context, params) -> list[Hit]:
    """Fires when a table's year column header is not the report year."""
    f = ctx.facts
    if f.report_year is None:
        return []
    hits = []
    for t in ctx.doc.tables:
        years = []
        for row in t.rows[:3]:
            for cell in row.cells:
                m = re.fullmatch(r"\s*((?:19|20)\d\d)\s*(年|年度)?\s*(数|数据|数量)?\s*", cell.text) or \
                    re.search(r"\(指\s*((?:19|20)\d\d)\s*年", cell.text)
                if m:
                    years.append((int(m.group(1)), cell))
        if years and f.report_year not in {y for y, _ in years}:
            y, cell = years[0]
            hits.append(Hit(cell.span, {"found": str(y), "where": "表头", "where_en": "table header",
                                        "report_year": f.report_year}))
    return hits
