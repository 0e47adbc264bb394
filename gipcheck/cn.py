"""Reading the numbers and dates Chinese reports are written with."""
from __future__ import annotations

import datetime as dt
import re

_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = "〇○零一二两三四五六七八九十百"


def cn_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 九十九 → 99, 二〇一七 → 2017 (digit by digit), 12 → 12."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" not in text and "百" not in text:
        if all(ch in _DIGITS for ch in text):
            value = 0
            for ch in text:
                value = value * 10 + _DIGITS[ch]
            return value
        return None
    total = 0
    m = re.fullmatch(r"(?:([一二两三四五六七八九])百)?(?:([一二三四五六七八九])?(十))?([一二三四五六七八九])?", text)
    if not m or not any(m.groups()):
        return None
    if m.group(1):
        total += _DIGITS[m.group(1)] * 100
    if m.group(3):
        total += (_DIGITS[m.group(2)] if m.group(2) else 1) * 10
    if m.group(4):
        total += _DIGITS[m.group(4)]
    return total


_NUM = r"[0-9〇○零一二三四五六七八九十OoＯ]"
DATE_RE = re.compile(
    rf"(?P<y>{_NUM}{{4}})\s*年\s*(?P<m>{_NUM}{{1,3}})\s*月\s*(?P<d>{_NUM}{{1,3}})\s*日"
    r"|(?P<y2>(?:19|20)\d\d)\s*[-./]\s*(?P<m2>\d{1,2})\s*[-./]\s*(?P<d2>\d{1,2})(?!\d)"
)


def date_parts(m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    if m.group("y"):
        return cn_int(m.group("y")), cn_int(m.group("m")), cn_int(m.group("d"))
    return int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))


def parse_date(text: str) -> dt.date | None:
    """The first full date in ``text`` if it exists in the calendar, else None."""
    m = DATE_RE.search(text)
    if not m:
        return None
    y, mo, d = date_parts(m)
    try:
        return dt.date(y, mo, d) if y and mo and d else None
    except ValueError:
        return None


_AMOUNT = re.compile(r"^[-+−]?\d+(?:,\d{3})*(?:\.\d+)?$")
_UNIT = re.compile(r"(万元|亿元|元|件|条|个|项|次|人次|篇|期|家|人|%|‰)$")


# the units _UNIT names, longest first: the leftmost match of an alternation anchored at the end
# is the longest of them the text ends with
_UNITS = tuple(sorted(_UNIT.pattern[1:-2].split("|"), key=len, reverse=True))


def _strip_unit(t: str) -> str:
    """``_UNIT.sub("", t)``: one trailing unit off, without trying the pattern at every position."""
    if not t.endswith(_UNITS):  # one call in C for the usual case: a label, no unit
        return t
    for u in _UNITS:
        if t.endswith(u):
            return t[:-len(u)]
    return t


def parse_number(text: str) -> float | None:
    """A table cell's number: '19', '251000元', '5949.088667', '-3', '1,234' → value; else None."""
    if text.isdigit() and text.isascii() and len(text) <= 15:  # most cells, as the lines below read them
        return int(text)
    t = text.strip().replace(" ", "").replace("−", "-")
    if not t:
        return None
    if t.isascii() and t.isdigit():  # most cells: what the patterns below would accept as they are
        if len(t) <= 15:
            return int(t)  # what float() then int() gives below 2**53
        v = float(t)
        return int(v) if v.is_integer() else v
    t = _strip_unit(t)
    if not _AMOUNT.match(t):
        return None
    v = float(t.replace(",", ""))
    return int(v) if v.is_integer() and "." not in t else v
