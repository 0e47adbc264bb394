"""The configuration's schema (pydantic): loaded only when a configuration file is read, so a
run without one needs no pydantic (``gipcheck.config`` uses plain defaults then)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .ruleids import well_shaped


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class LimitsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, defer_build=True)
    max_file_mb: int | None = Field(default=None, gt=0)
    max_unzipped_mb: int | None = Field(default=None, gt=0)
    max_pages: int | None = Field(default=None, gt=0)
    max_line_chars: int | None = Field(default=None, gt=0)
    max_html_depth: int | None = Field(default=None, gt=0)
    max_seconds: float | None = Field(default=None, gt=0)


def _selector(item: Any) -> str:
    """Syntax only: an id or prefix (GIP201, GIP2, FJ), a rule name (repeated-word) or ALL.
    Whether it names a loaded rule is checked once the rules are known (:func:`check_rule_ids`)."""
    text = str(item).strip()
    if not well_shaped(text):
        raise ValueError(f"{text!r} is not a rule id, prefix or name (GIP201, GIP2, repeated-word)")
    if text.upper() == "ALL":
        return ""
    return text.lower() if "-" in text else text.upper()


def _prefixes(v: list[str]) -> list[str]:
    return [_selector(item) for item in v]


class ConfigModel(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, defer_build=True)
    extend: str | None = None
    profile: Literal["gip-2008", "gip-2019", "gip-2021"] | None = None
    select: list[str] | None = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict)
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    fail_on: Literal["error", "warning", "info"] | None = None
    lang: Literal["zh", "en"] | None = None
    extend_rules: list[str] = Field(default_factory=list)
    limits: LimitsConfig | None = None

    @field_validator("select", "extend_select", "ignore")
    @classmethod
    def _check_prefixes(cls, v):
        return None if v is None else _prefixes(v)

    @field_validator("per_file_ignores")
    @classmethod
    def _check_pfi(cls, v):
        return {k: _prefixes(x) for k, x in v.items()}

    @field_validator("severity")
    @classmethod
    def _check_severity_keys(cls, v):
        return {_selector(k): sev for k, sev in v.items()}
