"""The registry of check kinds: small functions that YAML rule entries name and parameterize.

A check receives the parsed document, its facts and the entry's validated parameters, and
yields :class:`Hit` objects (a span in the view plus values for the message template). It
never builds a Finding itself: the engine adds severity, message, basis and location.
Add a kind by writing one function with ``@check("name", Params)`` in a module listed in
``MODULES``; add a rule of an existing kind by writing YAML only.
"""
from __future__ import annotations

import copy
import importlib
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterable, Iterator

from .. import saferegex
from ..ast import Document, Span
from ..facts import Facts

MODULES = ("document", "structure", "period", "contact", "tables", "prescribed", "figures", "dates", "text", "cross")

# A regular expression in a rule file: checked when the rules are loaded, not when a report
# happens to reach it (checks/models.py gives it its validator). In a Params annotation only.
Regex = str

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<required>"})()


class FieldSpec:
    """What :func:`Field` declares: a default (or a factory) and pydantic's constraints."""

    __slots__ = ("default", "default_factory", "constraints")

    def __init__(self, default: Any, default_factory: Callable[[], Any] | None, constraints: dict[str, Any]) -> None:
        self.default, self.default_factory, self.constraints = default, default_factory, constraints

    def value(self) -> Any:
        return self.default_factory() if self.default_factory is not None else copy.copy(self.default)


def Field(default: Any = _MISSING, *, default_factory: Callable[[], Any] | None = None, **constraints: Any) -> Any:  # noqa: N802
    """A Params field with a default factory or pydantic constraints (``pattern=``, ``ge=`` …),
    as ``pydantic.Field`` is written; applied when a rule file is validated."""
    return FieldSpec(default, default_factory, constraints)


class Params:
    """Base class of check parameters: annotated fields with defaults, as a pydantic model is
    written. It is a plain class so that checking a report needs no pydantic: a rule file's
    values are validated (unknown keys are an error) against a model made from the annotations
    only when the rules are loaded from YAML (checks/models.py), then kept as these objects."""

    _classes: ClassVar[dict[str, type["Params"]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Params._classes[cls.__name__] = cls

    def __init__(self, **values: Any) -> None:
        for name, (_ann, default) in self.fields().items():
            if name in values:
                setattr(self, name, values.pop(name))
            elif default is _MISSING:
                raise TypeError(f"{type(self).__name__}: missing {name}")
            else:
                setattr(self, name, default.value() if isinstance(default, FieldSpec) else copy.copy(default))
        if values:
            raise TypeError(f"{type(self).__name__}: unknown {', '.join(values)}")

    @classmethod
    def fields(cls) -> dict[str, tuple[Any, Any]]:
        """name → (annotation, default or _MISSING), base classes' fields first."""
        out: dict[str, tuple[Any, Any]] = {}
        for klass in reversed(cls.__mro__):
            if klass is Params or not issubclass(klass, Params):
                continue
            for name, ann in vars(klass).get("__annotations__", {}).items():
                if not name.startswith("_"):
                    out[name] = (ann, vars(klass).get(name, out.get(name, (None, _MISSING))[1]))
        return out

    @staticmethod
    def classes() -> dict[str, type["Params"]]:
        return dict(Params._classes)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


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
    params: type[Params] | None
    doc: str
    fields: frozenset[str] | None = None  # the message values it supplies; None: those its built-in rules use


REGISTRY: dict[str, CheckSpec] = {}


def check(name: str, params: type[Params] | None = None,
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


@lru_cache(maxsize=2048)
def any_of(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A test "does any of ``patterns`` occur in the text", compiled once for the rule set's
    life: one alternation ``(?:p1)|(?:p2)|…`` (it matches somewhere exactly when one of them
    does), or the patterns one by one when joining them could change a meaning (numbered
    backreferences, group names used twice, inline global flags)."""
    if not patterns:
        return _never
    if len(patterns) > 1 and not any(_UNJOINABLE.search(p) for p in patterns):
        try:
            # time-bounded unless every part is gipcheck's own
            joined = saferegex.compile("|".join(f"(?:{p})" for p in patterns), 0, patterns)
            return lambda text: joined.search(text) is not None
        except (re.error, ValueError, Exception):  # noqa: BLE001 - an unjoinable set: one by one
            pass
    compiled = [saferegex.compile(p) for p in patterns]
    return lambda text: any(c.search(text) for c in compiled)


def _never(_text: str) -> bool:
    return False


def may_occur(pattern: str, text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text``: a literal every match holds
    (:func:`gipcheck.residue.required_literals`) is absent — a few searches in C instead of the
    pattern tried at every position. True when there is no such literal to rely on."""
    needs = _needed_literals(pattern)
    return needs is None or any(lit in text for lit in needs)


@lru_cache(maxsize=1024)
def _needed_literals(pattern: str) -> tuple[str, ...] | None:
    from ..residue import required_literals

    try:
        return required_literals(re.compile(pattern))
    except (re.error, ValueError):  # a pattern only the regex package reads: scanned whole
        return None


@lru_cache(maxsize=2048)
def across_lines(patterns: tuple[str, ...]) -> Any:
    """:func:`any_of` for many one-line texts at once: the alternation compiled MULTILINE, to
    search the texts joined by newlines, each match naming a text that holds one (one scan in C
    instead of a search per text). None when joining could change a match: a part that can match
    a newline or see past one (``\\s``, ``[^…]``, ``\\A``, inline flags …), or parts that cannot
    be joined at all; then the texts are searched one by one."""
    if not patterns or any(_CROSSES_LINES.search(p) for p in patterns) or \
            (len(patterns) > 1 and any(_UNJOINABLE.search(p) for p in patterns)):
        return None
    try:
        return saferegex.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE, patterns)
    except Exception:  # noqa: BLE001 - the one-by-one search reports what is wrong with it
        return None


# what may match a newline, or behave otherwise beside one than at the edge of a text
_CROSSES_LINES = re.compile(r"\\[sWDAZnrxuUN0-7pPG]|\[\^|\(\?[aiLmsux]")


_UNJOINABLE = re.compile(r"\\[1-9]|\(\?P[=<]|\(\?<[A-Za-z_]|\(\?\(|\(\?[aiLmsux]+\)")

_CLAUSE_START = re.compile(r"[。;；!?！？\n]")


def in_part_clause(text: str, pos: int, words: str = r"其中|包括|含") -> bool:
    """True when the sentence up to ``pos`` has 其中/包括/含 in it: a figure stated for a part
    (a sub-unit of a combined report, one channel), not for the whole the table reports."""
    start = max((m.end() for m in _CLAUSE_START.finditer(text, max(0, pos - 200), pos)), default=max(0, pos - 200))
    return re.search(words, text[start:pos]) is not None


def iter_regex(pattern, text: str, offset: int = 0) -> Iterator[tuple[int, int, Any]]:
    for m in pattern.finditer(text):
        yield offset + m.start(), offset + m.end(), m
