"""Reader "blocks": table 二 of the unified format, one block per 第二十条 item.

A web page often holds all blocks in one table: it is split at each block's title row, and the
title becomes the block's caption. Blocks are matched by caption first, then (for a block
without one) by its first column label. Rows and columns are kept by their labels as written.
"""
from __future__ import annotations

import re

from ..ast import Span, Table
from .defs import BlockDef, TableDef
from .util import fold, rx

_BLOCK_TITLE = re.compile(r"^第二十条第\(?[一二三四五六七八九十]+\)?项$")


def _candidates(doc) -> list[Table]:
    out: list[Table] = []
    for t in doc.tables:
        starts = [i for i, r in enumerate(t.rows)
                  if [c for c in r.cells if not c.blank] and all(_BLOCK_TITLE.match(fold(c.text)) for c in r.cells if not c.blank)]
        if not starts:
            out.append(t)
            continue
        if starts[0] > 0:
            out.append(Table(t.rows[:starts[0]], t.span, t.layout, t.caption, t.section))
        for a, b in zip(starts, starts[1:] + [len(t.rows)]):
            title = next(c.text for c in t.rows[a].cells if not c.blank)
            rows = t.rows[a + 1:b]
            if rows:
                out.append(Table(rows, Span(rows[0].span.start, rows[-1].span.end), t.layout, title, t.section))
    return out


_PIECE_GAP = 100  # characters between a block's table and a piece of it: a heading at most


def _absorb_pieces(doc, tables: list[Table], out: list[tuple[BlockDef, Table | None]], taken: set[int]) -> None:
    """A block whose rows a converter put in tables of their own right after it (its header
    row alone, then 规章 and 行政规范性文件 each under a heading): the rows join the block."""
    view = doc.source.view
    where = {id(t): k for k, t in enumerate(tables)}
    for i, (b, t) in enumerate(out):
        if t is None:
            continue
        rows, end, k = list(t.rows), t.span.end, where[id(t)] + 1
        while k < len(tables):
            nxt = tables[k]
            first = fold(nxt.rows[0].cells[0].text) if nxt.rows and nxt.rows[0].cells else ""
            if id(nxt) in taken or len(view[end:nxt.span.start].strip()) > _PIECE_GAP \
                    or not any(rx(r).search(first) for r in b.rows):
                break
            rows += nxt.rows
            end = nxt.span.end
            taken.add(id(nxt))
            k += 1
        if len(rows) > len(t.rows):
            out[i] = (b, Table(rows, Span(t.span.start, end), t.layout, t.caption, t.section))


def in_text(doc, found: list[tuple[BlockDef, Table | None]]) -> set[str]:
    """Titles of the blocks no table holds but the text does: the title, then each of the
    block's row labels within a few lines (a PDF table read as lines of text). Present, not
    missing; their figures are not read."""
    view = doc.source.view
    out: set[str] = set()
    for b, t in found:
        if t is not None or not b.rows:
            continue
        for m in rx(b.title).finditer(fold(view)):
            after = fold(view[m.end():m.end() + 300])
            if all(rx(r).search(after) for r in b.rows):
                out.add(b.title)
                break
    return out


def find_blocks(doc, d: TableDef) -> list[tuple[BlockDef, Table | None]]:
    out: list[tuple[BlockDef, Table | None]] = []
    taken: set[int] = set()
    tables = _candidates(doc)
    for b in d.blocks:  # by caption (第二十条第…项) first
        found = next((t for t in tables if id(t) not in taken and rx(b.title).search(fold(t.caption))), None)
        if found is not None:
            taken.add(id(found))
        out.append((b, found))
    for i, (b, found) in enumerate(out):  # then, for blocks without a caption, by their first column label
        if found is None and b.columns:
            for t in tables:
                head = fold(" ".join(c.text for c in t.rows[0].cells)) if t.rows else ""
                if id(t) not in taken and rx(b.columns[0]).search(head) and len(t.rows) <= len(b.rows) + 2:
                    taken.add(id(t))
                    out[i] = (b, t)
                    break
    _absorb_pieces(doc, tables, out, taken)
    return out


def block_title(b: BlockDef) -> str:
    return re.sub(r"[\\^$]", "", b.title)
