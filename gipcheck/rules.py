"""Load and validate rules/*.yaml: the rule catalog, the profiles and their checks.

Three kinds of YAML document, all validated by pydantic models:
- ``catalog.yaml``: one entry per rule id (name, default severity, messages, basis, examples);
- profile files (``common.yaml``, ``gip-2008.yaml`` …): ``checks`` — which registered check
  function runs for which rule, with what parameters, in which profiles — and ``vocabulary``;
- user files (``extend-rules``) in the same shape as profile files.
A mistake is reported as ``FILE:LINE: what is wrong`` (exit code 2), never a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .data import data_dir

PROFILES = ("gip-2008", "gip-2019", "gip-2021")
Severity = Literal["error", "warning", "info"]


class RuleFileError(Exception):
    """A rule file that cannot be used: ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    zh: str
    en: str


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)
    profile: str | None = None
    fail: str | None = None
    pass_: str | None = Field(default=None, alias="pass")
    fail_hex: str | None = None  # raw bytes, for input-level rules (GIP001)


class RuleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str = Field(pattern=r"^[A-Z]{2,8}\d{3,4}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    severity: Severity
    summary: Text
    message: Text
    basis: Text | None = None
    fix: Text | None = None
    why: Text | None = None
    examples: list[Example] = Field(default_factory=list)


class CheckEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    rule: str
    check: str
    profiles: list[str] | None = None  # default: all
    severity: Severity | None = None
    message: Text | None = None
    basis: Text | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("profiles")
    @classmethod
    def _known_profiles(cls, v: list[str] | None) -> list[str] | None:
        for p in v or []:
            if p not in PROFILES:
                raise ValueError(f"unknown profile {p!r} (known: {', '.join(PROFILES)})")
        return v


class ProfileInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    years: tuple[int, int]
    basis: Text
    title: Text


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    templates: dict[str, str] = Field(default_factory=dict)  # YAML anchors for long example texts
    rules: list[RuleEntry] = Field(default_factory=list)
    profiles: list[ProfileInfo] = Field(default_factory=list)
    checks: list[CheckEntry] = Field(default_factory=list)
    vocabulary: dict[str, Any] = Field(default_factory=dict)


@dataclass
class Check:
    entry: CheckEntry
    func: Any
    params: Any
    origin: str  # path:line


@dataclass
class RuleSet:
    rules: dict[str, RuleEntry]
    profiles: dict[str, ProfileInfo]
    checks: list[Check]
    vocabulary: dict[str, Any]
    files: list[str] = field(default_factory=list)

    def checks_for(self, profile: str) -> list[Check]:
        return [c for c in self.checks if c.entry.profiles is None or profile in c.entry.profiles]


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (as key ``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _line_of(raw: Any, loc: tuple[Any, ...]) -> int:
    line = raw.get("__line__", 1) if isinstance(raw, dict) else 1
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "__line__" in node:
            line = node["__line__"]
    return line


MAX_YAML_BYTES = 5 * 1024 * 1024  # the built-in rule files together are ~0.2 MB
MAX_YAML_NODES = 200_000  # after expanding aliases: a "billion laughs" file is refused, not built
MAX_YAML_DEPTH = 200


def _node_count(root: yaml.Node, path: str) -> None:
    """Count the nodes the document expands to (an alias counts as what it points at), memoized
    per node so that counting a billion laughs costs as much as reading it."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_YAML_DEPTH:
            line = node.start_mark.line + 1
            raise RuleFileError(path, line, f"YAML nested more than {MAX_YAML_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = [x for pair in node.value for x in pair] if isinstance(node, yaml.MappingNode) else list(node.value)
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > MAX_YAML_NODES:
                line = node.start_mark.line + 1
                raise RuleFileError(path, line, f"YAML expands to more than {MAX_YAML_NODES} values "
                                                f"(aliases of aliases: an alias bomb?)")
            sizes[id(node)] = total
            continue
        if id(node) in sizes:
            continue
        sizes[id(node)] = 1  # a cycle (an alias of an enclosing node) counts once
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)


def read_yaml_text(path: Path) -> str:
    """A rule or config file's text: refused when huge or not UTF-8, as ``FILE:LINE: what``."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise RuleFileError(str(path), 1, f"too large ({size // 1024 // 1024} MB; the limit is "
                                              f"{MAX_YAML_BYTES // 1024 // 1024} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise RuleFileError(str(path), 1, f"cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RuleFileError(str(path), line, "not UTF-8 (save the file as UTF-8; GBK is not read)") from None


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a rule or config file with line numbers, bounded in depth and expansion."""
    text = read_yaml_text(path) if text is None else text
    loader = _LineLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise RuleFileError(str(path), 1, f"YAML nested more than {MAX_YAML_DEPTH} levels deep") from None
        if node is None:
            return None
        _node_count(node, str(path))
        try:
            return loader.construct_document(node)
        except RecursionError:
            raise RuleFileError(str(path), node.start_mark.line + 1, "YAML nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleFileError(str(path), (mark.line + 1) if mark else 1,
                            f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    finally:
        loader.dispose()


def _check_vocabulary(vocab: dict[str, Any], raw: Any, path: Path) -> None:
    """``vocabulary.residue`` entries are compiled by the normalizer: validate them here."""
    residue = vocab.get("residue")
    if residue is None:
        return
    raw_list = raw.get("vocabulary", {}).get("residue") if isinstance(raw, dict) else None
    base = _line_of(raw, ("vocabulary",)) if isinstance(raw, dict) else 1

    def line(i: int) -> int:
        item = raw_list[i] if isinstance(raw_list, list) and i < len(raw_list) else None
        return item.get("__line__", base) if isinstance(item, dict) else base

    if not isinstance(residue, list):
        raise RuleFileError(str(path), base, "vocabulary.residue: must be a list of {kind, pattern, trigger}")
    for i, entry in enumerate(residue):
        where = f"vocabulary.residue.{i}"
        if not isinstance(entry, dict):
            raise RuleFileError(str(path), line(i), f"{where}: must be a mapping with kind and pattern")
        unknown = set(entry) - {"kind", "pattern", "trigger"}
        if unknown:
            raise RuleFileError(str(path), line(i), f"{where}: unknown key {sorted(unknown)[0]!r}")
        for key in ("kind", "pattern"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise RuleFileError(str(path), line(i), f"{where}.{key}: a non-empty string is required")
        if "trigger" in entry and not isinstance(entry["trigger"], str):
            raise RuleFileError(str(path), line(i), f"{where}.trigger: must be a string")
        try:
            re.compile(entry["pattern"], re.IGNORECASE | re.MULTILINE)
        except (re.error, RecursionError, OverflowError) as exc:
            raise RuleFileError(str(path), line(i), f"{where}.pattern: not a valid regular expression ({exc})") from None


def load_file(path: Path) -> tuple[RuleFile, Any]:
    raw = load_yaml(path)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RuleFileError(str(path), 1, "a rule file must be a mapping with rules/checks/vocabulary")
    try:
        parsed = RuleFile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise RuleFileError(str(path), _line_of(raw, tuple(err["loc"])), f"{where}: {err['msg']}") from None
    _check_vocabulary(parsed.vocabulary, raw, path)
    return parsed, raw


def default_files() -> list[Path]:
    d = data_dir("rules")
    return [d / "catalog.yaml"] + sorted(p for p in d.glob("*.yaml") if p.name != "catalog.yaml")


def _merge_vocab(into: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge_vocab(into[k], v)
        elif isinstance(v, list) and isinstance(into.get(k), list):
            into[k] = into[k] + v
        else:
            into[k] = v


def load_rules(extra: list[Path] | None = None) -> RuleSet:
    """Load the built-in rule files plus ``extra`` ones, from the cache when they are unchanged.

    Validating the YAML with pydantic costs more than checking a report; the validated rule
    set is cached (pickle) under a key made of the rule files' bytes and gipcheck's version,
    so an edited rule file is always validated again.
    """
    from . import cache

    files = default_files() + list(extra or [])
    key = cache.key_for(files)
    if key is not None:
        hit = cache.load("rules", key)
        if isinstance(hit, RuleSet):
            from .checks import load_all

            load_all()  # the check functions the cached entries refer to
            return hit
    rs = _load_rules(files)
    if key is not None:
        cache.save("rules", key, rs)
    return rs


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _check_placeholders(message: Text, rule: RuleEntry, path: Path, line: int) -> None:
    """A check entry's own message may use only the values its rule's message uses: every
    check of a rule provides those, so nothing is left as a literal {name} in a finding."""
    allowed = set(_PLACEHOLDER.findall(rule.message.zh)) | set(_PLACEHOLDER.findall(rule.message.en))
    for lang in ("zh", "en"):
        for name in _PLACEHOLDER.findall(getattr(message, lang)):
            if name not in allowed:
                can = ", ".join("{" + a + "}" for a in sorted(allowed)) or "no placeholders"
                raise RuleFileError(str(path), line, f"message.{lang} uses {{{name}}}; {rule.id} messages can use {can}")


def _load_rules(files: list[Path]) -> RuleSet:
    from .checks import REGISTRY, load_all

    load_all()
    rs = RuleSet({}, {}, [], {})
    pending: list[tuple[CheckEntry, Any, Path, int]] = []
    for path in files:
        parsed, raw = load_file(path)
        rs.files.append(str(path))
        for i, r in enumerate(parsed.rules):
            if r.id in rs.rules:
                raise RuleFileError(str(path), _line_of(raw, ("rules", i)), f"rule {r.id} is defined twice")
            rs.rules[r.id] = r
        for p in parsed.profiles:
            rs.profiles[p.id] = p
        _merge_vocab(rs.vocabulary, parsed.vocabulary)
        for i, c in enumerate(parsed.checks):
            pending.append((c, raw, path, _line_of(raw, ("checks", i))))
    for c, raw, path, line in pending:
        if c.rule not in rs.rules:
            raise RuleFileError(str(path), line, f"check names rule {c.rule!r}, which no rule file defines")
        if c.check not in REGISTRY:
            raise RuleFileError(str(path), line, f"unknown check {c.check!r} (known: {', '.join(sorted(REGISTRY))})")
        if c.message is not None:
            _check_placeholders(c.message, rs.rules[c.rule], path, line)
        spec = REGISTRY[c.check]
        try:
            params = spec.params.model_validate(c.params) if spec.params else c.params
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise RuleFileError(str(path), line, f"params of {c.check} for {c.rule}: {where}: {err['msg']}") from None
        rs.checks.append(Check(c, spec.func, params, f"{path}:{line}"))
    return rs
