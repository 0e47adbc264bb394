"""The loaded rule set as a run uses it: plain objects, read from the cache when the rule files
are unchanged, so that checking a report needs neither YAML nor pydantic.

Loading and validating the rule files (``gipcheck.rules``: YAML, pydantic) happens only on a
cache miss; its result is turned into the plain classes below and cached as data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# The built-in profile ids, for argument parsers that need them before any rule file is read;
# the profiles themselves (and their years) are declared in rules/*.yaml, and a test checks
# that this tuple names exactly those.
PROFILES = ("gip-2008", "gip-2019", "gip-2021")
Severity = Literal["error", "warning", "info"]


class RuleFileError(Exception):
    """A rule file that cannot be used: ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.en = path, line, message


class Plain:
    """Attribute access like the validated models the values came from; equal by value."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    # the two pydantic methods callers of the validated models used, so they keep working
    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> "Plain":
        import copy

        new = copy.deepcopy(self) if deep else copy.copy(self)
        new.__dict__.update(update or {})
        return new

    def model_dump(self) -> dict[str, Any]:
        def dump(v: Any) -> Any:
            if isinstance(v, Plain):
                return v.model_dump()
            if isinstance(v, (list, tuple)):
                return type(v)(dump(x) for x in v)
            if isinstance(v, dict):
                return {k: dump(x) for k, x in v.items()}
            return v

        return {k: dump(v) for k, v in vars(self).items()}


class Text(Plain):
    zh: str
    en: str


class Example(Plain):
    profile: str | None
    fail: str | None
    pass_: str | None
    fail_hex: str | None


class RuleEntry(Plain):
    id: str
    name: str
    severity: Severity
    summary: Text
    message: Text
    basis: Text | None
    fix: Text | None
    why: Text | None
    examples: list[Example]
    variants: dict[str, Text]


class CheckEntry(Plain):
    rule: str
    check: str
    profiles: list[str] | None
    severity: Severity | None
    message: Text | None
    basis: Text | None
    params: dict[str, Any]


class ProfileInfo(Plain):
    id: str
    years: tuple[int, int]
    basis: Text
    title: Text


PLAIN_CLASSES = {c.__name__: c for c in (Text, Example, RuleEntry, CheckEntry, ProfileInfo)}


@dataclass
class Check:
    """One check entry as it runs: its rule-file entry, the registered function, its validated
    parameters and where it was written. (A written docstring also spares ``dataclass`` computing
    one from the signature at import: a cold start pays for every class.)"""

    entry: CheckEntry
    func: Any
    params: Any
    origin: str  # path:line


@dataclass
class RuleSet:
    """The rules, profiles, checks, vocabulary and table definitions one run uses."""

    rules: dict[str, RuleEntry]
    profiles: dict[str, ProfileInfo]
    checks: list[Check]
    vocabulary: dict[str, Any]
    files: list[str] = field(default_factory=list)
    cross_checks: list[Check] = field(default_factory=list)  # across reports (GIP7, CROSS_REGISTRY)
    tables: list[Any] = field(default_factory=list)  # table definitions (plain tables/defs.py TableDef)
    _by_profile: dict[str, list[Check]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _for_checks: tuple[int, int] = field(default=(0, 0), init=False, repr=False, compare=False)
    _selected: dict[tuple, list[Check]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def selected_checks(self, profile: str, sel: Any) -> list[Check]:
        """:meth:`checks_for` with only the rules ``sel`` (an engine ``Selection``) enables, kept per
        profile and selection: the same few selections check every report of a run."""
        key = (profile, tuple(sel.select), tuple(sel.extend_select), tuple(sel.ignore))
        checks = self.checks_for(profile)  # (clears what it keeps when the checks changed)
        if key not in self._selected:
            if len(self._selected) > 64:
                self._selected.clear()
            self._selected[key] = [c for c in checks if sel.enabled(c.entry.rule)]
        return self._selected[key]

    def checks_for(self, profile: str) -> list[Check]:
        """The checks that run in ``profile``, in rule-file order (computed once per profile)."""
        if self._for_checks != (id(self.checks), len(self.checks)):  # checks replaced or added to
            self._by_profile.clear()
            self._selected.clear()
            self._for_checks = (id(self.checks), len(self.checks))
        got = self._by_profile.get(profile)
        if got is None:
            got = self._by_profile[profile] = [
                c for c in self.checks if c.entry.profiles is None or profile in c.entry.profiles]
        return got

    def tables_for(self, profile: str) -> list[Any]:
        """The table definitions the tables stage reads for this profile."""
        return [t for t in self.tables if t.profiles is None or profile in t.profiles]


def default_files() -> list[Path]:
    from .data import data_dir

    d = data_dir("rules")
    return [d / "catalog.yaml"] + sorted(p for p in d.glob("*.yaml") if p.name != "catalog.yaml") \
        + sorted((d / "tables").glob("*.yaml"))


def load_rules(extra: list[Path] | None = None) -> RuleSet:
    """Load the built-in rule files plus ``extra`` ones, from the cache when they are unchanged.

    Validating the YAML with pydantic costs more than checking a report; the validated rule
    set is cached as plain data under a key made of the rule files' bytes and gipcheck's
    version, so an edited rule file is always validated again."""
    from . import cache

    files = default_files() + list(extra or [])
    key = cache.key_for(files)
    if key is not None:
        hit = _from_cache(cache.load("rules", key, _cache_classes()))
        if hit is not None:
            _trust_shipped(hit)
            return hit
    from .rules import validate_rules

    rs = plain(validate_rules(files))
    _trust_shipped(rs)
    if key is not None:
        cache.save("rules", key, {"rules": rs.rules, "profiles": rs.profiles, "vocabulary": rs.vocabulary,
                                  "files": rs.files, "tables": rs.tables,
                                  "checks": [{"entry": c.entry, "params": c.params, "origin": c.origin}
                                             for c in rs.checks],
                                  "cross_checks": [{"entry": c.entry, "params": c.params, "origin": c.origin}
                                                   for c in rs.cross_checks]})
    return rs


def _trust_shipped(rs: RuleSet) -> None:
    """The patterns gipcheck's own rule files hold run on ``re``, without a time limit: only a
    user's rule file gets the time-bounded engine (a wall-clock limit that a loaded machine can
    reach on an ordinary pattern)."""
    from . import saferegex

    shipped = {str(p) for p in default_files()}
    found: set[str] = set()

    def walk(value: Any, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v, depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                walk(v, depth + 1)
        elif hasattr(value, "__dict__"):
            walk(vars(value), depth + 1)

    for c in rs.checks + rs.cross_checks:
        if c.origin.rsplit(":", 1)[0] in shipped:
            walk(c.params)
    saferegex.trust(found)


def _cache_classes() -> dict[str, type]:
    """The classes a cached rule set may name: all plain, none of them validates anything."""
    from .checks import Params, load_all
    from .tables.defs import CLASSES as TABLE_CLASSES

    load_all()
    return {**PLAIN_CLASSES, **Params.classes(), **TABLE_CLASSES}


def _from_cache(data: Any) -> RuleSet | None:
    """The cached rule set, or None when it does not fit this code (a check it names is gone)."""
    from .checks import CROSS_REGISTRY, REGISTRY

    if not isinstance(data, dict):
        return None
    try:
        lists: dict[str, list[Check]] = {"checks": [], "cross_checks": []}
        for name, registry in (("checks", REGISTRY), ("cross_checks", CROSS_REGISTRY)):
            for c in data[name]:
                spec = registry.get(c["entry"].check)
                if spec is None:
                    return None
                lists[name].append(Check(c["entry"], spec.func, c["params"], c["origin"]))
        return RuleSet(data["rules"], data["profiles"], lists["checks"], data["vocabulary"], data["files"],
                       lists["cross_checks"], data["tables"])
    except (KeyError, TypeError, AttributeError):
        return None


def plain(value: Any) -> Any:
    """Validated models (pydantic) → the plain classes of the same names; params models → their
    Params class. Everything else is kept, containers are walked."""
    if isinstance(value, RuleSet):
        return RuleSet({k: plain(v) for k, v in value.rules.items()},
                       {k: plain(v) for k, v in value.profiles.items()},
                       [Check(plain(c.entry), c.func, plain(c.params), c.origin) for c in value.checks],
                       plain(value.vocabulary), list(value.files),
                       [Check(plain(c.entry), c.func, plain(c.params), c.origin) for c in value.cross_checks],
                       list(value.tables))
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        target = getattr(type(value), "_plain_class", None) or PLAIN_CLASSES.get(type(value).__name__)
        if target is not None:
            obj = target.__new__(target)
            for name in fields:
                object.__setattr__(obj, name, plain(getattr(value, name)))
            return obj
        return value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
