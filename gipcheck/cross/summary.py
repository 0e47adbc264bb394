"""The small record a checked report leaves for the batch: who, which year, the figures
cross-report rules compare, and its sentences as hashes — never the document itself.

Built in the worker that checked the report (it needs the document), sent back with the
:class:`~gipcheck.model.FileResult`, and kept until the batch ends: about 10–20 KB a report.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from contextlib import contextmanager
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..ast import Document
from ..facts import Facts
from .identity import agency_key, report_agency
from ..normalize import OffsetMap, Source
from .sentences import Sentences, boilerplate_pattern, split

# the table rows cross-report rules compare: the facts key and the label that locates the row
_T3_ROWS = {"carry_in": r"上年结转", "carry_out": r"结转下年度"}
_T2_BLOCK = "第二十条第(一)项"


@dataclass
class Place:
    """A place in the text as read, for a finding: 1-based line and column, code points."""

    line: int
    column: int
    end_line: int
    end_column: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.line, self.column, self.end_line, self.end_column)


@dataclass
class ReportSummary:
    path: str
    agency: str | None
    agency_key: str | None
    year: int | None
    profile: str | None
    format: str | None = None
    title: str | None = None
    publication_date: str | None = None
    signature_date: str | None = None
    deadline: str | None = None
    days_late: int | None = None
    counts: dict[str, int] = field(default_factory=dict)  # error/warning/info
    rule_counts: dict[str, int] = field(default_factory=dict)
    # table figures (see :attr:`figures`) as compact JSON: a tenth of the nested dicts' memory
    figures_json: str = "{}"
    places: dict[str, Place] = field(default_factory=dict)  # where the compared rows are
    explains_in_force: bool = False  # the text says the in-force count was re-counted (清理…)
    sentences: Sentences = field(default_factory=Sentences)
    text_z: bytes = b""  # the text as read, compressed: excerpts, places and names, when reported
    unreadable: bool = False
    lang: str = "zh"  # the language this report's findings are written in
    # the cross-report rules this report's settings enable → a severity the settings give ("" for none)
    rules_on: dict[str, str] = field(default_factory=dict)

    @property
    def figures(self) -> dict[str, Any]:
        """Table figures: {"t3": {row: {col: n}}} for carry_in/carry_out and the main rows,
        {"t2": {label: {column: n}}} for 第二十条第(一)项, {"t4": …} (decoded at each use: few use them)."""
        return json.loads(self.figures_json)

    @figures.setter
    def figures(self, value: dict[str, Any]) -> None:
        self.figures_json = json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    @property
    def template(self) -> array:
        return self.sentences.template

    def text(self) -> str:
        src = getattr(self, "_src", None)  # opened: the text already decompressed
        if src is not None:
            return src.original
        return zlib.decompress(self.text_z).decode("utf-8") if self.text_z else ""

    def _source(self) -> Source:
        src = getattr(self, "_src", None)
        if src is None:
            text = self.text()
            src = Source(text, text, OffsetMap.identity(len(text)))
        return src

    @contextmanager
    def opened(self) -> Iterator["ReportSummary"]:
        """Keep the decompressed text while a finding is written, and drop it after: a batch
        never holds more than the few texts it is quoting from. Opened again inside, it keeps the
        text it has (decompressed once) until the outermost ``with`` ends."""
        outermost = getattr(self, "_src", None) is None
        self._src = self._source()
        try:
            yield self
        finally:
            if outermost:
                self._src = None

    def place(self, i: int) -> Place:
        """Sentence ``i``'s place in the text as read (computed only for what is reported)."""
        src = self._source()
        line, col = src.line_col(self.sentences.start[i])
        end_line, end_col = src.line_col(self.sentences.end[i])
        return Place(line, col, end_line, end_col)

    def sentence(self, i: int) -> str:
        """Sentence ``i`` as written."""
        return self._source().original[self.sentences.start[i]:self.sentences.end[i]].replace("\n", "")

    def excerpt(self, i: int, width: int = 40) -> str:
        text = self.sentence(i)
        return text if len(text) <= width else text[: width - 1] + "…"

    def __getstate__(self) -> dict[str, Any]:  # sent between processes without the cached Source
        state = dict(self.__dict__)
        state.pop("_src", None)
        return state


def _figures(tables: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    t3 = tables.get("t3") or {}
    keep = {k: v for k, v in t3.items() if k in ("new", "carry_in", "r1", "r2", "r7", "carry_out")}
    if keep:
        out["t3"] = keep
    t2 = (tables.get("t2") or {}).get(_T2_BLOCK)
    if t2:
        out["t2"] = t2
    if tables.get("t4"):
        out["t4"] = tables["t4"]
    return out


def _row_place(doc: Document, facts: Facts, table: str, row: str, pattern: str) -> Place | None:
    """Where a compared row is: its span from the tables stage, else the first line naming it."""
    t = facts.tables.get(table)
    r = t.rows.get(row) if t is not None else None
    if r is not None:
        return Place(*doc.source.locate(r.span.start, r.span.end))
    m = re.search(pattern, doc.view)
    if not m:
        return None
    line_end = doc.view.find("\n", m.start())
    return Place(*doc.source.locate(m.start(), line_end if line_end != -1 else len(doc.view)))


@lru_cache(maxsize=8)
def _boilerplate(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    return boilerplate_pattern(list(phrases))


def summarize(doc: Document, facts: Facts, profile: str | None, path: str, findings: list[Any],
              vocab: dict[str, Any], deadline: tuple[dt.date | None, dt.date | None] = (None, None),
              opts: Any = None, cross_rules: tuple[str, ...] = ()) -> ReportSummary:
    """The batch's record of one checked report (``deadline``: the date judged and the legal
    deadline; ``opts``: the file's options, whose language and selection its cross-report
    findings follow)."""
    judged, due = deadline
    agency = report_agency(doc, facts)
    cross = vocab.get("cross", {})
    s = ReportSummary(
        path=path, agency=agency, agency_key=agency_key(agency, cross.get("agency_forms", [])),
        year=facts.report_year, profile=profile, format=doc.format, title=facts.title,
        publication_date=facts.publication_date.isoformat() if facts.publication_date else None,
        signature_date=doc.signature.date.isoformat() if doc.signature and doc.signature.date else None,
        deadline=due.isoformat() if due else None,
        days_late=(judged - due).days if judged and due and judged > due else (0 if judged and due else None),
    )
    if opts is not None:
        s.lang = opts.lang
        s.rules_on = {rid: opts.selection.severity.get(rid, "") for rid in cross_rules if opts.selection.enabled(rid)}
    else:
        s.rules_on = {rid: "" for rid in cross_rules}
    sev = Counter(f.severity for f in findings)
    s.counts = {k: sev.get(k, 0) for k in ("error", "warning", "info")}
    s.rule_counts = dict(Counter(f.rule for f in findings))
    figures = _figures(facts.tables.to_json())
    s.figures = figures
    for key, pattern in _T3_ROWS.items():
        if key in figures.get("t3", {}):
            place = _row_place(doc, facts, "t3", key, pattern)
            if place:
                s.places[key] = place
    if "t2" in figures:
        place = _row_place(doc, facts, "t2", "", r"行政规范性文件|规范性文件")
        if place:
            s.places["t2"] = place
    body = doc.body_text()
    s.explains_in_force = any(w in body for w in cross.get("in_force_explained", []))
    s.sentences = split(doc, _boilerplate(tuple(cross.get("boilerplate", []))))
    s.text_z = zlib.compress(doc.source.original.encode("utf-8"), 1)
    return s
