"""The tables stage: read the profile's tables once per document, after parsing and before the checks.

Input: the parsed :class:`~gipcheck.ast.Document` and the profile's table definitions
(``rules/tables/*.yaml``, plus any ``tables:`` of a user rule file). Output: a :class:`TableSet`
on ``facts.tables`` — one :class:`~gipcheck.ast.PrescribedTable` per table found, and for a table
that is present but cannot be read (digits run together), where and why. The table checks only
read this; no check reads a table itself.

For library users and the text checks (GIP406 compares the text's figures with these)::

    >>> t3 = facts.tables.get("t3")                  # None when the report has no table 三
    >>> t3.value("new", "total"), t3.low_confidence  # cells by key; rows placed by position
    >>> stats = facts.tables.get("stats")            # the 2008 statistics table
    >>> stats.figures(stats.row_like("主动公开"))     # {"2017年度": 17.0, "历年累计": 192.0}

In the JSON contract they are ``facts.tables`` as numbers (``TableSet.to_json``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..ast import Document, PrescribedTable, Span
from . import blocks, groups, rows, stats2008
from .defs import TableDef
from .util import fold, rx


@dataclass
class Unreadable:
    """A table that is there but whose cells cannot be separated without guessing."""

    span: Span | None
    why: str  # run-together | flattened | lines:N


@dataclass
class TableSet:
    defs: dict[str, TableDef] = field(default_factory=dict)
    found: dict[str, PrescribedTable] = field(default_factory=dict)
    more: dict[str, list[PrescribedTable]] = field(default_factory=dict)  # further tables of one kind (2008)
    present: set[str] = field(default_factory=set)  # present, read or not
    unreadable: dict[str, Unreadable] = field(default_factory=dict)
    failed: bool = False  # the stage itself failed (GIP005): nothing is known about the tables

    def get(self, table_id: str) -> PrescribedTable | None:
        return self.found.get(table_id)

    def all(self, table_id: str) -> list[PrescribedTable]:
        first = self.found.get(table_id)
        return ([first] if first is not None else []) + self.more.get(table_id, [])

    def __contains__(self, table_id: object) -> bool:
        return table_id in self.found

    def __getitem__(self, table_id: str) -> PrescribedTable:
        return self.found[table_id]

    def to_json(self) -> dict[str, Any]:
        """The tables as numbers, as the JSON contract's ``facts.tables`` gives them."""
        out = {k: v.to_json() for k, v in self.found.items()}
        return {k: v for k, v in out.items() if v or self.found[k].blocks is None}


def _labels_in_text(doc: Document, d: TableDef) -> Span | None:
    """Where a unified-format table is plainly in the text (its label and most of its prescribed
    row labels) although no table could be cut out of it: present, not missing."""
    view = doc.source.view
    folded = fold(view)
    if d.reader == "rows":
        pats = [r.patterns()[0].rstrip("$") for r in d.rows]
        hits = sum(1 for p in pats if rx(p).search(folded))
        ok = len(d.rows) >= 4 and hits * 2 >= len(d.rows)
        first = next((rx(p).search(view) for p in pats if rx(p).search(view)), None)
    elif d.reader == "groups":
        labels = [r.label for r in d.rows]
        first = None
        ok = bool(labels) and all(rx(w).search(folded) for w in labels)
        if ok and all(rx(w).search(folded) for w in d.header):
            first = rx(labels[0]).search(view)
        elif ok:
            first = _figure_run(view, labels[0], len(d.rows) * len(d.columns))
            ok = first is not None
    elif d.reader == "blocks":
        titled = [b for b in d.blocks if rx(b.title).search(folded)]
        ok = len(titled) >= 2 and all(any(rx(c).search(folded) for c in b.columns) for b in titled)
        first = rx(titled[0].title).search(view) if ok else None
    else:
        return None
    if not ok:
        return None
    return Span(first.start(), first.end()) if first else Span(0, 0)


def _figure_run(view: str, label: str, n: int) -> re.Match[str] | None:
    """Exactly ``n`` figures in a row, separated by nothing but spaces and rules, after the
    table's first label: its figures are there although its header words were broken up (a
    PDF's column headers 结果/维持 read line by line)."""
    run = re.compile(rf"(?<![\d.])(?:\d+(?:\.\d+)?[ \t|]+){{{n - 1}}}\d+(?:\.\d+)?(?![\d.])")
    for at in rx(label).finditer(view):
        if run.search(view, at.start(), at.start() + 1500):
            return at
    return None


def build(doc: Document, defs: list[TableDef]) -> TableSet:
    ts = TableSet(defs={d.id: d for d in defs})
    for d in defs:
        if d.reader == "stats-2008":
            found, present, bad = stats2008.read(doc, d)
            if found:
                ts.found[d.id] = found[0]
                ts.more[d.id] = found[1:]
            if present:
                ts.present.add(d.id)
            if bad is not None:
                ts.unreadable[d.id] = Unreadable(bad[0], bad[1])
            continue
        if d.reader == "rows":
            pt = rows.read(doc, d)
        elif d.reader == "groups":
            pt = groups.read(doc, d)
        else:
            found_blocks = blocks.find_blocks(doc, d)
            pt = None
            if any(t is not None for _, t in found_blocks):
                pt = PrescribedTable(d.id, (), None)
                pt.blocks = found_blocks
                pt.blocks_in_text = blocks.in_text(doc, found_blocks)
        if pt is not None:
            ts.found[d.id] = pt
            ts.present.add(d.id)
            continue
        span = _labels_in_text(doc, d)
        if span is not None:
            ts.present.add(d.id)
            after = doc.source.view[span.start:span.start + 800]
            ts.unreadable[d.id] = Unreadable(span, "run-together" if re.search(r"\d{5,}", after) else "flattened")
    return ts


__all__ = ["TableSet", "Unreadable", "build", "TableDef"]
