"""The document tree rules work on: plain dataclasses with spans, never Lark objects.

Spans are offsets into the normalized view (``Source.view``); ``Document.locate`` turns
them into line/column in the text as read.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from .lexicon import fold_label
from .normalize import Source


@dataclass(slots=True)
class Span:
    start: int
    end: int


@dataclass(slots=True)
class Line:
    """One line of the view, as the grammar classified it."""

    kind: str  # h1..h5, meta, docnum, row, para
    start: int
    end: int
    text: str  # the whole line (view)
    marker: str = ""  # heading marker or metadata key, as in the view
    body: str = ""  # text after the marker
    body_start: int = 0
    index: int = 0  # position in Document.lines


@dataclass(slots=True)
class Heading:
    level: int  # 1 = 一、 2 = （一） 3 = 1. / 1、 4 = （1） 5 = ①
    number: int | None
    marker: str  # as in the original text (keeps full-/half-width)
    style: str  # the marker's form, e.g. "一、", "（一）", "(一)", "1.", "1、", "①"
    title: str  # heading text up to the first sentence end
    text: str  # the whole line body
    span: Span
    marker_span: Span
    line: int  # index in Document.lines


@dataclass(slots=True)
class Paragraph:
    text: str
    span: Span
    line: int


@dataclass(slots=True)
class Cell:
    text: str
    value: float | None
    span: Span

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    span: Span

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    rows: list[Row]
    span: Span
    layout: str  # pipe | cell-per-line | tab | columns | grid
    caption: str = ""  # the paragraph or heading just before it
    section: "Section | None" = None
    readable: bool = True
    kind: str | None = None  # metadata | stats-2008 | t2 | t3 | t4 | None


@dataclass
class PrescribedRow:
    """One row of a prescribed table: its key (format.md: new, carry_in, r1 … r7, carry_out;
    rev, lit_direct, lit_after), its label as written, and its value cells in column order."""

    key: str
    label: str
    values: list[Cell]
    span: Span


@dataclass
class PrescribedTable:
    """A table mapped onto its defined rows × columns by the tables stage (``gipcheck/tables``).

    Whatever layout the table came in (pipe rows, a Word or web grid, one cell per line, text
    flattened onto a line), the checks and library users read cells by key:
    ``t3.value("new", "total")``. ``low_confidence`` names the rows placed by their position in
    the template because their label was garbled (key → label as extracted); ``unidentified``
    holds figure rows that could not be placed at all.
    """

    name: str  # the definition's id: t2 | t3 | t4 | stats | a province's own
    columns: tuple[str, ...]
    table: Table | None
    rows: dict[str, PrescribedRow] = field(default_factory=dict)
    unreadable: list[PrescribedRow] = field(default_factory=list)  # rows whose cells could not be aligned
    header_text: str = ""
    order: list[PrescribedRow] = field(default_factory=list)  # the figure rows in document order
    low_confidence: dict[str, str] = field(default_factory=dict)
    unidentified: list[PrescribedRow] = field(default_factory=list)
    maybe: set[str] = field(default_factory=set)  # row keys an unidentified row may be
    col_labels: dict[str, str] = field(default_factory=dict)  # column key → header as written
    families: list[tuple[int, list[int]]] = field(default_factory=list)  # (parent, parts) in ``order``
    blocks: list[Any] | None = None  # table 二: (block definition, Table or None)
    blocks_in_text: set[str] = field(default_factory=set)  # titles of blocks written as text, not a table
    empty: bool = False  # the table's header is there but no row of figures
    extent: Span | None = None  # where a table read from pieces lies, headings between them included

    @property
    def span(self) -> Span | None:
        if self.extent is not None:
            return self.extent
        if self.table is not None:
            return self.table.span
        spans = [r.span for r in self.order or list(self.rows.values())]
        return Span(spans[0].start, spans[-1].end) if spans else None

    def cell(self, row: str, col: str) -> Cell | None:
        r = self.rows.get(row)
        if r is None or len(r.values) != len(self.columns) or col not in self.columns:
            return None
        return r.values[self.columns.index(col)]

    def value(self, row: str, col: str) -> float | None:
        c = self.cell(row, col)
        return c.value if c is not None else None

    def row_like(self, pattern: str) -> PrescribedRow | None:
        """The first row whose label as written matches ``pattern`` (a regex): how the text
        checks find the figures a report states for a row (主动公开(文件|信息) in a 2008 table)."""
        return next((r for r in self.order or list(self.rows.values()) if re.search(pattern, r.label)), None)

    def figures(self, row: PrescribedRow) -> dict[str, float]:
        """A row's figures by column label as written (2017年度, 历年累计), blanks left out."""
        return {self.col_labels.get(k, k): c.value for k, c in zip(self.columns, row.values)
                if c is not None and c.value is not None}

    def to_json(self) -> dict[str, Any]:
        """{row: {column: number or None (blank)}} for the rows that could be read."""
        if self.blocks is not None:
            return _blocks_json(self.blocks)
        if self.col_labels:  # rows and columns by their labels as written (the 2008 statistics table)
            out: dict[str, Any] = {}
            for r in self.order:
                if r.label:
                    out[r.label] = {self.col_labels.get(k, k): (c.value if c is not None else None)
                                    for k, c in zip(self.columns, r.values)}
            return out
        return {key: {col: self.value(key, col) for col in self.columns} for key, r in self.rows.items()
                if len(r.values) == len(self.columns)}


_fold = fold_label  # label folding, defined once (gipcheck.lexicon)


def _blocks_json(blocks: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for b, t in blocks:
        if t is None or len(t.rows) < 2:
            continue
        header = [_fold(c.text) for c in t.rows[0].cells]
        title = re.sub(r"[\\^$]", "", b.title)
        out[title] = {_fold(r.cells[0].text): {header[j]: c.value for j, c in enumerate(r.cells[1:], start=1)
                                               if j < len(header) and header[j]}
                      for r in t.rows[1:] if r.cells and r.cells[0].text}
    return out


@dataclass
class Section:
    heading: Heading
    children: list["Section"] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    parent: "Section | None" = None
    end: int = 0  # view offset where the section ends

    @property
    def level(self) -> int:
        return self.heading.level

    def walk(self) -> Iterator["Section"]:
        """This section and its descendants, depth first in document order (a stack, not
        nested generators: the checks walk the tree many times per report)."""
        stack = [self]
        while stack:
            sec = stack.pop()
            yield sec
            stack.extend(reversed(sec.children))

    def text(self, doc: "Document") -> str:
        return doc.source.view[self.heading.span.start:self.end]


@dataclass
class Signature:
    agency: str | None
    date: dt.date | None
    date_text: str | None
    span: Span


@dataclass
class Title:
    text: str
    span: Span


@dataclass
class Document:
    source: Source
    lines: list[Line]
    front_matter: dict[str, tuple[str, Span]] = field(default_factory=dict)
    doc_number: tuple[str, Span] | None = None
    title: Title | None = None
    intro: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    signature: Signature | None = None
    attachments: list[Paragraph] = field(default_factory=list)
    body_end: int = 0  # view offset where the body ends (signature or appendix start)
    format: str = "text"
    line_sources: list[dict[str, Any]] | None = None
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)  # per-document memo for checks

    @property
    def view(self) -> str:
        return self.source.view

    def locate(self, span: Span) -> tuple[int, int, int, int]:
        return self.source.locate(span.start, span.end)

    def all_sections(self) -> Iterator[Section]:
        for s in self.sections:
            yield from s.walk()

    def body_text(self) -> str:
        """The view up to the signature (or an appendix), where narrative sentences live (made
        once: a dozen checks ask for it, each a copy of the text)."""
        end = self.body_end or len(self.source.view)
        got = self.cache.get("body_text")
        if got is None or got[0] != end or got[1] is not self.source.view:
            got = self.cache["body_text"] = (end, self.source.view, self.source.view[:end])
        return got[2]
