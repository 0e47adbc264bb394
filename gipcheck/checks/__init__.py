"""The registry of check kinds: small functions that YAML rule entries name and parameterize.

A check receives the parsed document, its facts and the entry's validated parameters, and
yields :class:`Hit` objects (a span in the view plus values for the message template). It
never builds a Finding itself: the engine adds severity, message, basis and location.
Add a kind by writing one function with ``@check("name", Params)`` in a module listed in
``MODULES``; add a rule of an existing kind by writing YAML only.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from .. import saferegex
from ..ast import Document, Span
from ..facts import Facts

MODULES = ("document", "structure", "period", "contact", "tables", "prescribed", "figures", "dates", "text", "cross")


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
        saferegex.validate(pattern)  # the engine that will run it (a timeout per match)
    except (re.error, ValueError) as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {pattern!r}") from None
    return pattern


# A regular expression in a rule file: checked when the rules are loaded, not when a report
# happens to reach it.
Regex = Annotated[str, AfterValidator(_compiles)]


class Params(BaseModel):
    """Base class of check parameters: unknown keys are an error in the rule file."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


@dataclass
class Hit:
    span: Span | None
    data: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None
    orig: tuple[int, int] | None = None  # a span in the original text, when there is no view span
    variant: str | None = None  # a named alternative message of the rule (``variants:`` in the catalog)


@dataclass
class Context:
    doc: Document
    facts: Facts
    profile: str
    vocab: dict[str, Any]


CheckFunc = Callable[[Context, Any], Iterable[Hit]]


@dataclass
class CheckSpec:
    name: str
    func: CheckFunc
    params: type[BaseModel] | None
    doc: str
    fields: frozenset[str] | None = None  # the message values it supplies; None: those its built-in rules use


REGISTRY: dict[str, CheckSpec] = {}


def check(name: str, params: type[BaseModel] | None = None,
          fields: Iterable[str] | None = None) -> Callable[[CheckFunc], CheckFunc]:
    def deco(func: CheckFunc) -> CheckFunc:
        REGISTRY[name] = CheckSpec(name, func, params, (func.__doc__ or "").strip(),
                                   frozenset(fields) if fields is not None else None)
        return func

    return deco


@dataclass
class CrossHit:
    """A finding of a cross-report check: about the report at ``path``, at ``place``
    (line, column, end line, end column in the text as read; None for the whole report)."""

    path: str
    place: tuple[int, int, int, int] | None
    data: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None


# Cross-report check kinds (``cross_checks:`` in rule files) receive a
# :class:`gipcheck.cross.stage.Batch` — the small summaries of every report in the run — and
# yield CrossHit objects. They never see a document.
CROSS_REGISTRY: dict[str, CheckSpec] = {}


def cross_check(name: str, params: type[BaseModel] | None = None) -> Callable[[Callable[..., Iterable[CrossHit]]], Any]:
    def deco(func: Callable[..., Iterable[CrossHit]]) -> Any:
        CROSS_REGISTRY[name] = CheckSpec(name, func, params, (func.__doc__ or "").strip())
        return func

    return deco


_loaded = False


def load_all() -> None:
    global _loaded
    if not _loaded:
        for m in MODULES:
            importlib.import_module(f"{__name__}.{m}")
        _loaded = True


_CLAUSE_START = re.compile(r"[。;；!?！？\n]")


def in_part_clause(text: str, pos: int, words: str = r"其中|包括|含") -> bool:
    """True when the sentence up to ``pos`` has 其中/包括/含 in it: a figure stated for a part
    (a sub-unit of a combined report, one channel), not for the whole the table reports."""
    start = max((m.end() for m in _CLAUSE_START.finditer(text, max(0, pos - 200), pos)), default=max(0, pos - 200))
    return re.search(words, text[start:pos]) is not None


def iter_regex(pattern, text: str, offset: int = 0) -> Iterator[tuple[int, int, Any]]:
    for m in pattern.finditer(text):
        yield offset + m.start(), offset + m.end(), m
