"""Table definitions as data (``rules/tables/*.yaml``), validated by pydantic when the rules load.

A definition names a table's rows and columns (key, label, the patterns that recognise the label
as written), which cells may be blank or negative, and its identities written as equations over
those keys:

    total = sum(np..oth)            # per row: the terms are column keys
    r7 = sum(r1..r6_3)              # per column: the terms are row keys
    new + carry_in = r7 + carry_out # per column, both sides sums
    cumulative >= year              # an inequality

``a..b`` is every key from ``a`` to ``b`` in the definition's order. A file given with ``--rules``
may add a whole table of its own or ``extends:`` a built-in one with more rows or identities.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {pattern!r}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Name(_Model):
    zh: str
    en: str


class RowDef(_Model):
    key: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    label: str  # the prescribed label, as users read it in messages
    label_en: str | None = None
    short: str | None = None  # a short name for equations in messages (本年新收)
    short_en: str | None = None
    match: Regex | None = None  # regex on the folded label as written; default: the label itself
    aliases: list[Regex] = Field(default_factory=list)
    after: str | None = None  # in an ``extends`` entry: insert after this row (default: at the end)

    def patterns(self) -> list[str]:
        return [self.match or re.escape(self.label)] + list(self.aliases)


class ColumnDef(_Model):
    key: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    label: str
    label_en: str | None = None
    match: Regex | None = None  # regex on the folded header text
    signed: bool = False  # may be negative (本年增/减)
    required: bool = False  # blank where the row has figures is an error (a 总计)


_TERM = r"[A-Za-z][A-Za-z0-9_]*"
_SIDE = re.compile(rf"^\s*(?:sum\(\s*(?P<a>{_TERM})\s*\.\.\s*(?P<b>{_TERM})\s*\)|(?P<terms>{_TERM}(?:\s*\+\s*{_TERM})*))\s*$")


def _side(text: str) -> tuple[str, ...] | tuple[str, str, str]:
    m = _SIDE.match(text)
    if not m:
        raise ValueError(f"cannot read {text!r}: write keys joined by +, or sum(first..last)")
    if m.group("a"):
        return ("..", m.group("a"), m.group("b"))
    return tuple(t.strip() for t in m.group("terms").split("+"))


class IdentityDef(_Model):
    expr: str  # "r7 = sum(r1..r6_3)", "new + carry_in = r7 + carry_out", "cumulative >= year"
    group: str = "sums"  # the check entry that runs it picks identities by group (GIP404 sums, GIP405 balance)
    what: Name | None = None  # message text; placeholders {row} {col} {total} {lhs_names} {rhs_names}
    exhaustive: bool = True  # the parts are all there is: a sum below the total is an error, else a warning
    overlapping: bool = False  # the parts may overlap (one item in two channels): only part <= total

    @model_validator(mode="after")
    def _parses(self) -> "IdentityDef":
        self.parsed()
        return self

    def parsed(self) -> tuple[str, tuple, tuple]:
        m = re.match(r"^(?P<l>[^=<>]+?)\s*(?P<op>=|>=|<=)\s*(?P<r>[^=<>]+)$", self.expr.strip())
        if not m:
            raise ValueError(f"identity {self.expr!r}: write LEFT = RIGHT (or >=, <=)")
        return m.group("op"), _side(m.group("l")), _side(m.group("r"))


class BlockDef(_Model):
    """One block of table 二 (第二十条第…项): its caption, column and row labels."""

    title: Regex
    columns: list[Regex]
    rows: list[Regex]
    signed: list[Regex] = Field(default_factory=list)


class FamilyDef(_Model):
    """How a 2008-era table nests rows: a row "其中：1.…" and the numbered rows after it are the
    parts of the row before; the identity parent = sum(parts) holds per column."""

    intro: Regex = r"^其中"
    child: Regex = r"^\d+[.、]"
    catch_all: Regex = r"其他|其它"
    overlapping_parents: list[Regex] = Field(default_factory=list)
    what: Name = Name(zh="“{total}”（{col}）应为各分项之和 {sum}（{expr}）",
                      en="'{total}' ({col}) should be the sum of its parts, {sum} ({expr})")


class TableDef(_Model):
    id: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")  # required unless ``extends``
    profiles: list[str] | None = None
    extends: str | None = None  # add rows/identities to a table defined elsewhere
    reader: Literal["rows", "groups", "blocks", "stats-2008"] = "rows"
    name: Name | None = None
    rows: list[RowDef] = Field(default_factory=list)
    columns: list[ColumnDef] = Field(default_factory=list)
    identities: list[IdentityDef] = Field(default_factory=list)
    min_rows: int = 4  # rows recognised before a table counts as this one
    blank_reads_as_zero: bool = True
    # reader "groups" (table 四): the header words that identify it; one row of len(rows)×len(columns) figures
    header: list[Regex] = Field(default_factory=list)
    # reader "blocks" (table 二)
    blocks: list[BlockDef] = Field(default_factory=list)
    # reader "stats-2008": which labels make a statistics table, how its rows nest, its column roles
    row_hints: list[Regex] = Field(default_factory=list)
    families: FamilyDef | None = None
    year_column: Regex = r"(19|20)\d\d|本年|本期"
    cumulative_column: Regex = r"累计"

    @model_validator(mode="after")
    def _keys_known(self) -> "TableDef":
        if self.extends is None:
            if self.id is None or self.name is None:
                raise ValueError("a table needs an id and a name (zh, en), or extends: the id of one")
            check_identities(self)
        return self

    def row_keys(self) -> list[str]:
        return [r.key for r in self.rows]

    def col_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def row(self, key: str) -> RowDef | None:
        return next((r for r in self.rows if r.key == key), None)

    def column(self, key: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.key == key), None)


def expand(side: tuple, order: list[str]) -> list[str]:
    """The keys of one side of an identity, ranges expanded in the definition's order."""
    if len(side) == 3 and side[0] == "..":
        a, b = order.index(side[1]), order.index(side[2])
        return order[a:b + 1]
    return list(side)


def terms_axis(d: TableDef, ident: IdentityDef) -> tuple[str, list[str], list[str]]:
    """(axis, left keys, right keys): axis "rows" when the terms are row keys (checked in every
    column), "columns" when they are column keys (checked in every row)."""
    op, left, right = ident.parsed()
    for axis, order in (("rows", d.row_keys()), ("columns", d.col_keys())):
        names = [t for side in (left, right) for t in (side[1:] if side[:1] == ("..",) else side)]
        if names and all(n in order for n in names):
            return axis, expand(left, order), expand(right, order)
    raise ValueError(f"identity {ident.expr!r}: its keys must all be row keys or all column keys of table {d.id}"
                     f" (rows: {', '.join(d.row_keys()) or '-'}; columns: {', '.join(d.col_keys()) or '-'})")


def check_identities(d: TableDef) -> None:
    for kind, keys in (("row", d.row_keys()), ("column", d.col_keys())):
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
