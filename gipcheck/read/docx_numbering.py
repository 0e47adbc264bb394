"""Word's list numbering and paragraph styles, as Word draws them.

Word stores an auto-numbered heading without its number: ``w:numPr`` points into
``numbering.xml``, whose ``w:lvlText`` (``%1、``) and ``w:numFmt`` (chineseCounting, decimal …)
say how to draw it, with counters per abstract list and restarts per level. ``Numbering.label``
renders the label a paragraph shows on screen (``一、``, ``（一）``, ``1.``) so the text reads as
the document does; ``Styles`` gives a style's numbering and outline level through its
``basedOn`` chain. The .docx reader (``docx.py``) calls these and knows nothing of the rules.
"""
from __future__ import annotations

import re
from typing import Any

from docx.styles import BabelFish  # python-docx: Word's UI style names ("heading 1") for style ids

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --------------------------------------------------------------------------- numbering

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL_S = "零壹贰叁肆伍陆柒捌玖"
_CN_LEGAL_T = "零壹貳參肆伍陸柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    out = ""
    parts = [(1000, units[2]), (100, units[1]), (10, units[0]), (1, "")]
    zero = False
    for value, unit in parts:
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + unit
    if 10 <= n < 20 and digits is _CN_DIGITS:
        out = out[1:]  # 十一, not 一十一
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: A..Z, AA..ZZ, AAA..
    n = max(n, 1)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def format_number(n: int, fmt: str) -> str | None:
    """Render counter ``n`` in Word number format ``fmt``; None for bullets."""
    if fmt == "bullet":
        return None
    if fmt == "none":
        return ""
    if fmt in ("decimal", "cardinalText", "ordinal", "ordinalText"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL_S, "拾佰仟")
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return _chinese(n, _CN_LEGAL_T, "拾佰仟")
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt in ("decimalFullWidth", "decimalFullWidth2", "decimalHalfWidth"):
        return "".join(chr(0xFF10 + int(c)) for c in str(n)) if fmt != "decimalHalfWidth" else str(n)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))
    return str(n)


class _Level:
    __slots__ = ("start", "fmt", "text", "suff", "restart", "legal", "pstyle")

    def __init__(self, el: Any | None = None, base: _Level | None = None) -> None:
        self.start = base.start if base else 1
        self.fmt = base.fmt if base else "decimal"
        self.text = base.text if base else None
        self.suff = base.suff if base else "tab"
        self.restart = base.restart if base else None
        self.legal = base.legal if base else False
        self.pstyle = base.pstyle if base else None
        if el is None:
            return
        for child in el:
            tag, val = child.tag, child.get(W + "val")
            if tag == W + "start" and val is not None and val.lstrip("-").isdigit():
                self.start = int(val)
            elif tag == W + "numFmt" and val:
                self.fmt = val
            elif tag == W + "lvlText":
                self.text = val if val is not None else ""
            elif tag == W + "suff" and val:
                self.suff = val
            elif tag == W + "lvlRestart" and val is not None and val.isdigit():
                self.restart = int(val)
            elif tag == W + "isLgl":
                self.legal = val not in ("0", "false", "off")
            elif tag == W + "pStyle" and val:
                self.pstyle = val


class Numbering:
    """Word's list numbering: counters per abstract list, rendered from ``w:lvlText``."""

    def __init__(self, numbering_el: Any | None, styles: "Styles") -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, _Level | None]]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.seen_nums: set[str] = set()
        self.styles = styles
        if numbering_el is None:
            return
        for an in numbering_el.iterchildren(W + "abstractNum"):
            aid = an.get(W + "abstractNumId")
            if aid is None:
                continue
            levels: dict[int, _Level] = {}
            for lvl in an.iterchildren(W + "lvl"):
                ilvl = lvl.get(W + "ilvl")
                if ilvl is not None and ilvl.isdigit():
                    levels[int(ilvl)] = _Level(lvl)
            self.abstract[aid] = levels
            link = an.find(W + "numStyleLink")
            if link is not None and link.get(W + "val"):
                self.style_link[aid] = link.get(W + "val")
        for num in numbering_el.iterchildren(W + "num"):
            nid = num.get(W + "numId")
            ref = num.find(W + "abstractNumId")
            if nid is None or ref is None:
                continue
            overrides: dict[int, tuple[int | None, _Level | None]] = {}
            for ov in num.iterchildren(W + "lvlOverride"):
                ilvl = ov.get(W + "ilvl")
                if ilvl is None or not ilvl.isdigit():
                    continue
                so = ov.find(W + "startOverride")
                start = None
                if so is not None and (so.get(W + "val") or "").isdigit():
                    start = int(so.get(W + "val"))
                lvl_el = ov.find(W + "lvl")
                overrides[int(ilvl)] = (start, _Level(lvl_el) if lvl_el is not None else None)
            self.nums[nid] = (ref.get(W + "val"), overrides)

    def _abstract_for(self, num_id: str, depth: int = 0) -> str | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid = entry[0]
        if aid in self.style_link and depth < 3:
            linked = self.styles.num_pr(self.style_link[aid])
            if linked and linked[0] != num_id:
                return self._abstract_for(linked[0], depth + 1) or aid
        return aid

    def label(self, num_id: str, ilvl: int | None, style_id: str | None) -> tuple[str, str] | None:
        """Advance the counters for one numbered paragraph; return (label, suffix) or None."""
        if num_id in ("0", "") or num_id not in self.nums:
            return None
        aid = self._abstract_for(num_id)
        levels = self.abstract.get(aid or "", {})
        overrides = self.nums[num_id][1]
        if ilvl is None:
            ilvl = next((k for k, lv in levels.items() if style_id and lv.pstyle == style_id), 0)
        ilvl = max(0, min(ilvl, 8))

        def level(k: int) -> _Level:
            start, lv = overrides.get(k, (None, None))
            base = lv or levels.get(k) or _Level()
            if start is not None:
                copy = _Level(None, base)
                copy.start = start
                return copy
            return base

        counters = self.counters.setdefault(aid or num_id, {})
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for k, (start, _lv) in overrides.items():
                if start is not None:
                    counters.pop(k, None)
                    for deeper in [d for d in counters if d > k]:
                        counters.pop(deeper)
        cur = level(ilvl)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else cur.start
        for deeper in [d for d in counters if d > ilvl]:
            restart = level(deeper).restart
            if restart is None or (restart != 0 and ilvl < restart):
                counters.pop(deeper)
        if cur.text is None or cur.fmt == "bullet":
            return None

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = level(k)
            n = counters.get(k, lv.start)
            fmt = "decimal" if (cur.legal and k < ilvl and lv.fmt not in ("none",)) else lv.fmt
            return format_number(n, fmt) or ""

        text = re.sub(r"%([1-9])", sub, cur.text)
        return text, cur.suff


# --------------------------------------------------------------------------- styles


class Styles:
    """Paragraph styles by id: name, parent, numbering and outline level."""

    def __init__(self, styles_el: Any | None) -> None:
        self.by_id: dict[str, Any] = {}
        self.default: str | None = None
        if styles_el is None:
            return
        for st in styles_el.iterchildren(W + "style"):
            if st.get(W + "type") not in (None, "paragraph"):
                continue
            sid = st.get(W + "styleId")
            if not sid:
                continue
            self.by_id[sid] = st
            if st.get(W + "default") in ("1", "true", "on"):
                self.default = sid

    def _chain(self, sid: str | None):
        seen = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            yield sid, st
            based = st.find(W + "basedOn")
            sid = based.get(W + "val") if based is not None else None

    def name(self, sid: str | None) -> str | None:
        st = self.by_id.get(sid or "")
        if st is None:
            return None
        el = st.find(W + "name")
        name = el.get(W + "val") if el is not None else None
        return BabelFish.internal2ui(name) if name else sid

    def num_pr(self, sid: str | None) -> tuple[str, int | None] | None:
        for _sid, st in self._chain(sid):
            np = st.find(f"{W}pPr/{W}numPr")
            if np is not None:
                nid = np.find(W + "numId")
                il = np.find(W + "ilvl")
                if nid is not None:
                    ilvl = il.get(W + "val") if il is not None else None
                    return nid.get(W + "val") or "", int(ilvl) if ilvl and ilvl.isdigit() else None
        return None

    def outline_level(self, sid: str | None) -> int | None:
        for _sid, st in self._chain(sid):
            ol = st.find(f"{W}pPr/{W}outlineLvl")
            if ol is not None and (ol.get(W + "val") or "").isdigit():
                return int(ol.get(W + "val"))
            nm = st.find(W + "name")
            m = re.match(r"(?i)^(?:heading|标题|標題)\s*([1-9])$", (nm.get(W + "val") if nm is not None else "") or "")
            if m:
                return int(m.group(1)) - 1
            if (nm.get(W + "val") if nm is not None else "") in ("Title", "标题", "標題"):
                return 0
        return None
