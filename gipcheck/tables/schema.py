"""The schema of a rule file's ``tables:`` (pydantic), used only when rule files are validated
(a cache miss): each model names the plain class of :mod:`gipcheck.tables.defs` it becomes
(``ruleset.plain``), so checking a report never imports pydantic.
"""
from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..ruleset import Text
from . import defs


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {pattern!r}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    _plain_class: ClassVar[type]


class Name(_Model):
    _plain_class = Text
    zh: str
    en: str


class _Labelled(_Model):
    """What a row and a column both are: a key, a prescribed label (in two languages) and an
    optional pattern for the label as written."""

    key: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    label: str
    label_en: str | None = None
    match: Regex | None = None


class RowDef(_Labelled):
    _plain_class = defs.RowDef
    short: str | None = None
    short_en: str | None = None
    aliases: list[Regex] = Field(default_factory=list)
    after: str | None = None


class ColumnDef(_Labelled):
    _plain_class = defs.ColumnDef
    signed: bool = False
    required: bool = False


class IdentityDef(_Model):
    _plain_class = defs.IdentityDef
    expr: str
    group: str = "sums"
    what: Name | None = None
    exhaustive: bool = True
    overlapping: bool = False

    @model_validator(mode="after")
    def _parses(self) -> "IdentityDef":
        defs.parse_identity(self.expr)
        return self


class BlockDef(_Model):
    _plain_class = defs.BlockDef
    title: Regex
    columns: list[Regex]
    rows: list[Regex]
    signed: list[Regex] = Field(default_factory=list)


class FamilyDef(_Model):
    _plain_class = defs.FamilyDef
    intro: Regex = r"^其中"
    child: Regex = r"^\d+[.、]"
    catch_all: Regex = r"其他|其它"
    overlapping_parents: list[Regex] = Field(default_factory=list)
    what: Name = Name.model_construct(zh="“{total}”（{col}）应为各分项之和 {sum}（{expr}）",
                                      en="'{total}' ({col}) should be the sum of its parts, {sum} ({expr})")


class TableDef(_Model):
    _plain_class = defs.TableDef
    id: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    profiles: list[str] | None = None
    extends: str | None = None
    reader: Literal["rows", "groups", "blocks", "stats-2008"] = "rows"
    name: Name | None = None
    rows: list[RowDef] = Field(default_factory=list)
    columns: list[ColumnDef] = Field(default_factory=list)
    identities: list[IdentityDef] = Field(default_factory=list)
    min_rows: int = 4
    blank_reads_as_zero: bool = True
    header: list[Regex] = Field(default_factory=list)
    blocks: list[BlockDef] = Field(default_factory=list)
    row_hints: list[Regex] = Field(default_factory=list)
    families: FamilyDef | None = None
    year_column: Regex = r"(19|20)\d\d|本年|本期"
    cumulative_column: Regex = r"累计"

    @model_validator(mode="after")
    def _keys_known(self) -> "TableDef":
        if self.extends is None:
            if self.id is None or self.name is None:
                raise ValueError("a table needs an id and a name (zh, en), or extends: the id of one")
            defs.check_identities(self)
        return self
