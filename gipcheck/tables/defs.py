"""Table definitions as data (``rules/tables/*.yaml``), as the tables stage and checks use them.

A definition names a table's rows and columns (key, label, the patterns that recognise the label
as written), which cells may be blank or negative, and its identities written as equations over
those keys:

    total = sum(np..oth)            # per row: the terms are column keys
    r7 = sum(r1..r6_3)              # per column: the terms are row keys
    new + carry_in = r7 + carry_out # per column, both sides sums
    cumulative >= year              # an inequality

``a..b`` is every key from ``a`` to ``b`` in the definition's order. A file given with ``--rules``
may add a whole table of its own or ``extends:`` a built-in one with more rows or identities.

The classes here are plain (the rule set is cached as their data, and checking a report needs
no pydantic); a rule file's ``tables:`` are validated by :mod:`gipcheck.tables.schema` on a
cache miss and turned into these. The functions below read only attributes, so the schema's
validators use them too.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from ..ruleset import Plain, Text as Name

Side = tuple[str, ...]


class RowDef(Plain):
    key: str
    label: str  # the prescribed label, as users read it in messages
    label_en: str | None
    short: str | None  # a short name for equations in messages (本年新收)
    short_en: str | None
    match: str | None  # regex on the folded label as written; default: the label itself
    aliases: list[str]
    after: str | None  # in an ``extends`` entry: insert after this row (default: at the end)

    def patterns(self) -> list[str]:
        return [self.match or re.escape(self.label)] + list(self.aliases)


class ColumnDef(Plain):
    key: str
    label: str
    label_en: str | None
    match: str | None  # regex on the folded header text
    signed: bool  # may be negative (本年增/减)
    required: bool  # blank where the row has figures is an error (a 总计)


class IdentityDef(Plain):
    expr: str  # "r7 = sum(r1..r6_3)", "new + carry_in = r7 + carry_out", "cumulative >= year"
    group: str  # the check entry that runs it picks identities by group (GIP404 sums, GIP405 balance)
    what: Name | None  # message text; placeholders {row} {col} {total} {lhs_names} {rhs_names}
    exhaustive: bool  # the parts are all there is: a sum below the total is an error, else a warning
    overlapping: bool  # the parts may overlap (one item in two channels): only part <= total

    def parsed(self) -> tuple[str, Side, Side]:
        return parse_identity(self.expr)


class BlockDef(Plain):
    """One block of table 二 (第二十条第…项): its caption, column and row labels."""

    title: str
    columns: list[str]
    rows: list[str]
    signed: list[str]


class FamilyDef(Plain):
    """How a 2008-era table nests rows: a row "其中：1.…" and the numbered rows after it are the
    parts of the row before; the identity parent = sum(parts) holds per column."""

    intro: str
    child: str
    catch_all: str
    overlapping_parents: list[str]
    what: Name


class TableDef(Plain):
    id: str | None  # required unless ``extends``
    profiles: list[str] | None
    extends: str | None  # add rows/identities to a table defined elsewhere
    reader: Literal["rows", "groups", "blocks", "stats-2008"]
    name: Name | None
    rows: list[RowDef]
    columns: list[ColumnDef]
    identities: list[IdentityDef]
    min_rows: int  # rows recognised before a table counts as this one
    blank_reads_as_zero: bool
    # reader "groups" (table 四): the header words that identify it; one row of len(rows)×len(columns) figures
    header: list[str]
    # reader "blocks" (table 二)
    blocks: list[BlockDef]
    # reader "stats-2008": which labels make a statistics table, how its rows nest, its column roles
    row_hints: list[str]
    families: FamilyDef | None
    year_column: str
    cumulative_column: str

    def row_keys(self) -> list[str]:
        return [r.key for r in self.rows]

    def col_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def row(self, key: str) -> RowDef | None:
        return next((r for r in self.rows if r.key == key), None)

    def column(self, key: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.key == key), None)


CLASSES: dict[str, type] = {c.__name__: c for c in (RowDef, ColumnDef, IdentityDef, BlockDef, FamilyDef, TableDef)}

_TERM = r"[A-Za-z][A-Za-z0-9_]*"


@lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(an equation, one side of it): compiled on first use, not when a check module is imported."""
    side = re.compile(rf"^\s*(?:sum\(\s*(?P<a>{_TERM})\s*\.\.\s*(?P<b>{_TERM})\s*\)|(?P<terms>{_TERM}(?:\s*\+\s*{_TERM})*))\s*$")
    return re.compile(r"^(?P<l>[^=<>]+?)\s*(?P<op>=|>=|<=)\s*(?P<r>[^=<>]+)$"), side


def _side(text: str) -> Side:
    m = _patterns()[1].match(text)
    if not m:
        raise ValueError(f"cannot read {text!r}: write keys joined by +, or sum(first..last)")
    if m.group("a"):
        return ("..", m.group("a"), m.group("b"))
    return tuple(t.strip() for t in m.group("terms").split("+"))


def parse_identity(expr: str) -> tuple[str, Side, Side]:
    """(operator, left side, right side) of an identity; a side is its keys or ("..", first, last)."""
    m = _patterns()[0].match(expr.strip())
    if not m:
        raise ValueError(f"identity {expr!r}: write LEFT = RIGHT (or >=, <=)")
    return m.group("op"), _side(m.group("l")), _side(m.group("r"))


def expand(side: tuple, order: list[str]) -> list[str]:
    """The keys of one side of an identity, ranges expanded in the definition's order."""
    if len(side) == 3 and side[0] == "..":
        a, b = order.index(side[1]), order.index(side[2])
        return order[a:b + 1]
    return list(side)


def terms_axis(d: Any, ident: Any) -> tuple[str, list[str], list[str]]:
    """(axis, left keys, right keys): axis "rows" when the terms are row keys (checked in every
    column), "columns" when they are column keys (checked in every row)."""
    op, left, right = parse_identity(ident.expr)
    row_keys, col_keys = [r.key for r in d.rows], [c.key for c in d.columns]
    for axis, order in (("rows", row_keys), ("columns", col_keys)):
        names = [t for side in (left, right) for t in (side[1:] if side[:1] == ("..",) else side)]
        if names and all(n in order for n in names):
            return axis, expand(left, order), expand(right, order)
    raise ValueError(f"identity {ident.expr!r}: its keys must all be row keys or all column keys of table {d.id}"
                     f" (rows: {', '.join(row_keys) or '-'}; columns: {', '.join(col_keys) or '-'})")


def check_identities(d: Any) -> None:
    """No key defined twice, and every identity's keys on one axis of ``d`` (a model or a TableDef)."""
    for kind, keys in (("row", [r.key for r in d.rows]), ("column", [c.key for c in d.columns])):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"{kind} key {dup[0]!r} is defined twice")
    for ident in d.identities:
        axis, left, right = terms_axis(d, ident)
        if not left or not right:
            raise ValueError(f"identity {ident.expr!r}: an empty range")


def merge(defs: list[TableDef]) -> list[TableDef]:
    """Apply ``extends`` entries to the tables they name (in file order)."""
    out: list[TableDef] = []
    for d in defs:
        if d.extends is None:
            out.append(d.model_copy(deep=True))
            continue
        targets = [t for t in out if t.id == d.extends and (d.profiles is None or t.profiles is None
                                                             or set(d.profiles) & set(t.profiles))]
        if not targets:
            raise ValueError(f"extends {d.extends!r}: no table of that id for these profiles")
        for t in targets:
            for r in d.rows:
                if r.key in t.row_keys():
                    raise ValueError(f"extends {d.extends!r}: row {r.key!r} already exists")
                at = t.row_keys().index(r.after) + 1 if r.after in t.row_keys() else len(t.rows)
                t.rows.insert(at, r)
            t.identities.extend(d.identities)
            check_identities(t)
    return out
