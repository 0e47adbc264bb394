"""The legal deadline for publishing a report, by the kind of agency that publishes it.

The kinds and their deadlines are data (GIP504's parameters in the profile files): the
2008 条例 art. 31 gives 31 March to everyone; the 2019 条例 art. 49–50 gives departments
31 January and 县级以上人民政府 31 March. The GIP504 check and the batch summary both ask here.
"""
from __future__ import annotations

import datetime as dt
import re


def agency_kind(agency: str | None, kinds: dict[str, str]) -> str:
    """The first kind whose regex matches the agency's name; ``default`` otherwise."""
    for kind, pattern in kinds.items():
        if agency and re.search(pattern, agency):
            return kind
    return "default"


def legal_deadline(agency: str | None, report_year: int, kinds: dict[str, str],
                   deadlines: dict[str, str | None]) -> tuple[dt.date | None, str]:
    """(the deadline in the year after ``report_year``, or None where the 条例 sets none; the kind)."""
    kind = agency_kind(agency, kinds)
    md = deadlines.get(kind, deadlines.get("default"))
    if not md:
        return None, kind
    month, day = (int(x) for x in md.split("-"))
    return dt.date(report_year + 1, month, day), kind
