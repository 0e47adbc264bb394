"""What the report states about itself: year, agency, statistics period, contact, signature.

Facts come with the span they were read from, so checks can point at them. A fact that is
not in the text is None (never guessed): the JSON contract promises that.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .ast import Document, Span
from .cn import cn_int
from .lexicon import TITLE_PARTS, YEAR
from .tables import TableSet

_Y = YEAR
_TITLE = TITLE_PARTS

# The statistics-period sentence in its common phrasings (format.md §7). Years may be left
# out of the second date ("2019年1月1日到12月31日止"); a blanked year ("自 年1月1日") reads as None.
# A line break may fall anywhere in it, before 为 too (a PDF's text, one line per printed line).
_D = r"(?:(?P<{y}>\d{{4}}|[〇○零O一二][〇○零O一二三四五六七八九]{{3}})\s*年)?\s*(?P<{m}>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月\s*(?P<{d}>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日"
_D1 = _D.format(y="y1", m="m1", d="d1")
_D2 = _D.format(y="y2", m="m2", d="d2")
_PERIOD_NOUN = r"(?:统计期限|统计时限|统计时间段|统计时间|统计期间|统计区间|统计周期|统计范围|统计期)"
PERIOD_PATTERNS = [
    re.compile(rf"{_PERIOD_NOUN}[^。\n]{{0,8}}?\s*(?:自|从|为|是|:)?\s*(?:年?\s*)?{_D1}\s*(?:起|开始|始)?\s*(?:至|到|—|-|~|～)\s*(?:年?\s*)?{_D2}\s*止?"),
    re.compile(rf"涵盖[^。\n]{{0,20}}?{_D1}\s*(?:起)?\s*(?:至|到|—|-)\s*{_D2}"),
    re.compile(rf"(?:所列|报告)[^。\n]{{0,12}}?数据[^。\n]{{0,6}}?(?:自|从|为)\s*{_D1}\s*(?:起)?\s*(?:至|到)\s*{_D2}"),
]
# "统计期限为2011年度" / "统计时间为2011年全年": the whole calendar year, stated as such
_WHOLE_YEAR = re.compile(rf"{_PERIOD_NOUN}[^。\n\d]{{0,6}}?(?:为|是|:)\s*(?P<y>(?:19|20)\d\d)\s*年(?:度|全年|1-12月|1至12月)(?![^。\n]{{0,3}}\d+\s*月)")
_UNTIL = re.compile(rf"(?:数据|统计)[^。\n]{{0,12}}?(?:截至|截止)(?:到|于)?\s*{_D2}")

# a centred label may be spaced out in the page ("电 话：", "邮 编：")
_PHONE_LABEL = re.compile(r"(?:联系电话|咨询电话|办公电话|电话/传真|电话、传真|电[ \t\u3000]?话|热线|Tel|TEL)\s*[:：]?\s*")
_PHONE = re.compile(
    r"(?<![\d])(?:\(?0\d{2,3}\)?\s*[-—－–~～ ]?\s*\d{7,8}(?:\s*(?:转|分机|-)\s*\d{1,6})?"
    r"|1[3-9]\d{9}|400[- ]?\d{3}[- ]?\d{4}|800[- ]?\d{3}[- ]?\d{4}|\d{7,8}"
    # an area code with a 5–6 digit number: a short public service number dialled with the
    # area code (0591-12345, 0591-96871), or a number with digits missing (0591-23165);
    # which one is the phone_valid check's to say (its list of service numbers)
    r"|\(?0\d{2,3}\)?\s*[-—－–~～ ]?\s*\d{5,6}|1\d{4}|9[56]\d{3})(?!\d)"
)
_SHORT_WITH_AREA = re.compile(r"\(?0\d{2,3}\)?\s*[-—－–~～ ]?\s*\d{5,6}")
# the address ends at the next contact label when a page runs them together ("…7楼邮 编：350400电 话：…")
_ADDRESS = re.compile(r"(?:通讯地址|通信地址|联系地址|办公地址|详细地址|地址)\s*[:：]?\s*(?P<v>(?![、和及与等])"
                      r"(?:(?!邮[ \t\u3000]?编|邮政编码|电[ \t\u3000]?话|传[ \t\u3000]?真|电子邮箱)[^;；,，。)）\n]){2,60})")
_POSTCODE = re.compile(r"(?:邮[ \t\u3000]?编|邮政编码)\s*[:：]?\s*(?P<v>\d+)")
# ASCII only: Han characters are \w, and a \w+ local part backtracks over whole sentences
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+[@＠][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_CONTACT_CUE = re.compile(r"联系|疑问|咨询|意见|电话|地址|邮编|邮箱")


@dataclass
class Phone:
    raw: str
    normalized: str
    span: Span
    has_area_code: bool
    valid: bool
    odd_separator: str | None


@dataclass
class Period:
    start: dt.date | None
    end: dt.date | None
    span: Span
    text: str
    years_missing: bool = False
    invalid: bool = False


@dataclass
class Facts:
    title: str | None = None
    title_year: int | None = None
    agency: str | None = None
    report_year: int | None = None
    report_year_source: str | None = None
    period: Period | None = None
    phones: list[Phone] = field(default_factory=list)
    address: tuple[str, Span] | None = None
    postcode: tuple[str, Span] | None = None
    email: tuple[str, Span] | None = None
    contact_span: Span | None = None
    publication_date: dt.date | None = None
    script: str = "simplified"
    # the report's tables, read by the tables stage once the profile is known: ``tables.get("t3")``
    # is a PrescribedTable; in JSON {"t3": {row: {col: n}}, "t4": …} in the unified formats,
    # {"stats": {label: {header: n}}} for a 2008-era statistics table
    tables: TableSet = field(default_factory=TableSet)

    def to_json(self, doc: Document) -> dict[str, Any]:
        sig = doc.signature
        return {
            "title": self.title,
            "agency": self.agency,
            "report_year": self.report_year,
            "statistics_period": (
                {"start": _iso(self.period.start), "end": _iso(self.period.end)}
                if self.period and (self.period.start or self.period.end) and not self.period.invalid else None
            ),
            "contact": {
                "phones": [p.normalized for p in self.phones],
                "address": self.address[0] if self.address else None,
                "postcode": self.postcode[0] if self.postcode and len(self.postcode[0]) == 6 else None,
                "email": self.email[0] if self.email else None,
            },
            "signature": (
                {"agency": sig.agency, "date": _iso(sig.date)} if sig is not None else None
            ),
            "script": self.script,
            "tables": self.tables.to_json(),
        }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    v = cn_int(text.replace("O", "〇"))
    return v if v and 1990 <= v <= 2100 else None


def _date(y: int | None, m: str | None, d: str | None) -> dt.date | None:
    if y is None or m is None or d is None:
        return None
    try:
        return dt.date(y, cn_int(m) or 0, cn_int(d) or 0)
    except ValueError:
        return None


def find_period(text: str, offset: int = 0) -> Period | None:
    for pat in PERIOD_PATTERNS:
        m = pat.search(text)
        if m:
            y1 = _year(m.group("y1"))
            y2 = _year(m.group("y2")) or y1
            start, end = _date(y1, m.group("m1"), m.group("d1")), _date(y2, m.group("m2"), m.group("d2"))
            invalid = y1 is not None and (start is None or end is None)
            return Period(start, end, Span(offset + m.start(), offset + m.end()), m.group(0),
                          years_missing=y1 is None, invalid=invalid)
    m = _WHOLE_YEAR.search(text)
    if m:
        y = int(m.group("y"))
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), Span(offset + m.start(), offset + m.end()), m.group(0))
    m = _UNTIL.search(text)
    if m:
        y2 = _year(m.group("y2"))
        end = _date(y2, m.group("m2"), m.group("d2"))
        return Period(None, end, Span(offset + m.start(), offset + m.end()), m.group(0), years_missing=y2 is None)
    return None


def _normalize_phone(raw: str) -> tuple[str, bool, bool, str | None]:
    odd = None
    for ch in "—～~–":
        if ch in raw:
            odd = ch
    main = re.split(r"转|分机", raw)[0]
    digits = re.sub(r"\D", "", main)
    if _SHORT_WITH_AREA.fullmatch(main.strip()):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}", True, False, odd
    if digits.startswith("0") and len(digits) >= 10:
        area = 3 if digits[1] in "12" else 4
        local = digits[area:]
        valid = 7 <= len(local) <= 8 and local[0] in "23456789"
        return f"{digits[:area]}-{local}", True, valid, odd
    if len(digits) == 11 and digits.startswith("1"):
        return digits, True, True, odd
    if digits.startswith(("400", "800")) and len(digits) == 10:
        return digits, True, True, odd
    if len(digits) == 5:  # a short number: valid only if it is a public service number (phone_valid)
        return digits, True, False, odd
    return digits, False, 7 <= len(digits) <= 8, odd


def find_contact(facts: Facts, view: str, end: int) -> None:
    """Phones after a phone label, address, postcode and e-mail, in the body's contact passages."""
    for m in _PHONE_LABEL.finditer(view, 0, end):
        # the numbers right after the label, joined by 、 / , or spaces
        pos = m.end()
        area_code = None
        while True:
            pm = _PHONE.match(view, pos)
            if not pm:
                break
            raw = pm.group(0)
            normalized, area, valid, odd = _normalize_phone(raw)
            if area and "-" in normalized:
                area_code = normalized.split("-")[0]
            elif not area and area_code and valid:  # "0591-87654321、87654322": same area code
                normalized, area = f"{area_code}-{normalized}", True
            if not any(p.normalized == normalized for p in facts.phones):
                facts.phones.append(Phone(raw, normalized, Span(pm.start(), pm.end()), area, valid, odd))
            facts.contact_span = facts.contact_span or Span(m.start(), pm.end())
            sep = re.match(r"\s*[、/,，;或]\s*", view[pm.end():pm.end() + 4])
            if not sep:
                break
            pos = pm.end() + sep.end()
    for pat, attr in ((_ADDRESS, "address"), (_POSTCODE, "postcode")):
        for m in pat.finditer(view, 0, end):
            line_start = view.rfind("\n", 0, m.start()) + 1
            if not _CONTACT_CUE.search(view, line_start, m.end() + 40) and attr == "address":
                continue
            setattr(facts, attr, (m.group("v").strip(), Span(m.start("v"), m.end("v"))))
            facts.contact_span = facts.contact_span or Span(m.start(), m.end())
            break
    m = _EMAIL.search(view, 0, end) if ("@" in view or "＠" in view) else None
    if m:
        facts.email = (m.group(0).replace("＠", "@"), Span(m.start(), m.end()))


# (?<!\d)((?:19|20)\d\d)\s*年 with the lookbehind after the digits (a fifth digit before them), so
# that re scans for the literal 1/2 instead of trying a lookbehind at every position
_YEAR_MENTION = re.compile(r"((?:19|20)\d\d)(?<!\d{5})\s*年")


def _year_from_text(view: str) -> tuple[int | None, str | None]:
    m = re.search(rf"({_Y})\s*年度?[^。\n]{{0,16}}?(?:政府信息公开|政务公开)[^。\n]{{0,10}}(?:年度报告|年报)", view)
    if m:
        return _year(m.group(1)), "text"
    counts = Counter(int(y) for y in _YEAR_MENTION.findall(view))
    if counts:
        (best, n), *rest = counts.most_common(2) + [(None, 0)]
        second = rest[0][1] if rest else 0
        if n >= 3 and n >= 2 * second:
            return best, "text"
    return None, None


_OPENING_YEAR = re.compile(r"^((?:19|20)\d\d)\s*年(?:度|全年|以来|,|，|我|本)")


def _year_from_opening(doc: Document) -> tuple[int | None, str | None]:
    """A report whose title names no year opens its account with it: "2020年，我街…",
    "2020年度我街办未接到…" — the first paragraph of the body that starts with a year."""
    for para in doc.paragraphs[:12]:
        m = _OPENING_YEAR.match(para.text)
        if m:
            return int(m.group(1)), "text"
    return None, None


def extract(doc: Document) -> Facts:
    f = Facts(script=doc.source.script)
    view = doc.view
    if doc.title:
        f.title = doc.title.text
        m = _TITLE.search(doc.title.text)
        if m:
            f.title_year = _year(m.group("year"))
            pre = re.sub(r"^(关于印发|关于公布|关于发布|关于)", "", m.group("pre").strip())
            agency = pre.strip(" 的") or m.group("post").strip(" 的")
            f.agency = agency or None
    body_end = doc.body_end or len(view)
    f.period = find_period(view[:body_end])
    if f.title_year:
        f.report_year, f.report_year_source = f.title_year, "title"
    elif f.period and (f.period.end or f.period.start):
        f.report_year, f.report_year_source = (f.period.end or f.period.start).year, "statistics_period"
    else:
        for key in ("组配分类", "主题分类"):
            if key in doc.front_matter:
                y = re.search(r"((?:19|20)\d\d)\s*年度", doc.front_matter[key][0])
                if y:
                    f.report_year, f.report_year_source = int(y.group(1)), "front_matter"
                    break
        if f.report_year is None:
            f.report_year, f.report_year_source = _year_from_text(view[:body_end])
        if f.report_year is None:
            f.report_year, f.report_year_source = _year_from_opening(doc)
    if f.agency is None and doc.signature and doc.signature.agency:
        f.agency = doc.signature.agency
    find_contact(f, view, body_end)
    for key in ("发布日期", "发布时间", "成文日期", "生成日期"):
        if key in doc.front_matter:
            from .cn import parse_date

            d = parse_date(doc.front_matter[key][0])
            if d:
                f.publication_date = d
                break
    return f
