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
import string
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .checks.models import validate_params
from .tables.defs import TableDef as PlainTableDef, merge as merge_tables
from .tables.schema import TableDef

from .ruleset import PROFILES, Check, RuleFileError, RuleSet, Severity, default_files, load_rules, plain  # noqa: F401


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
    previous: str | None = None  # cross-report rules: the same agency's report of the year before
    other: str | None = None  # cross-report rules: another agency's report in the same run


class RuleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str = Field(pattern=r"^[A-Z]{2,8}\d{3,4}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    severity: Severity
    summary: Text
    message: Text
    variants: dict[str, Text] = Field(default_factory=dict)  # alternative messages a check may choose (Hit.variant)
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
    cross_checks: list[CheckEntry] = Field(default_factory=list)  # across reports (GIP7)
    vocabulary: dict[str, Any] = Field(default_factory=dict)
    tables: list[TableDef] = Field(default_factory=list)  # table definitions (rules/tables/*.yaml)


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (as key ``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

if getattr(yaml, "__with_libyaml__", False):
    class _FastLineLoader(yaml.CSafeLoader):
        """The same loader on libyaml, for the rule files gipcheck ships (10x faster: a cache miss
        spent most of its time parsing them in Python). Files from users keep the Python loader."""

    _FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
else:  # pragma: no cover - a PyYAML built without libyaml
    _FastLineLoader = _LineLoader  # type: ignore[misc]


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


def load_file(path: Path, shipped: bool = False) -> tuple[RuleFile, Any]:
    if shipped:  # gipcheck's own files: trusted, read with libyaml
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_FastLineLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise RuleFileError(str(path), (mark.line + 1) if mark else 1,
                                f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
        except OSError as exc:
            raise RuleFileError(str(path), 1, f"cannot read: {exc.strerror}") from None
    else:  # a user's file: bounded in size, depth and alias expansion
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


def _merge_vocab(into: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge_vocab(into[k], v)
        elif isinstance(v, list) and isinstance(into.get(k), list):
            into[k] = into[k] + v
        else:
            into[k] = v


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders(message: Text) -> set[str]:
    return set(_PLACEHOLDER.findall(message.zh)) | set(_PLACEHOLDER.findall(message.en))


def _well_formed(message: Text, where: str, path: Path, line: int) -> None:
    """A message is a format template: braces only around a value's name."""
    for lang in ("zh", "en"):
        text = getattr(message, lang)
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise RuleFileError(str(path), line, f"{where}.{lang}: {exc} (write a value as {{name}})") from None
        for f in fields:
            if not re.fullmatch(r"\w+", f):
                raise RuleFileError(str(path), line, f"{where}.{lang}: {{{f}}} is not a value name (write {{name}})")


def _check_placeholders(message: Text, rule: RuleEntry, path: Path, line: int) -> None:
    """A check entry's own message may use only the values its rule's message uses: every
    check of a rule provides those, so nothing is left as a literal {name} in a finding."""
    allowed = placeholders(rule.message)
    for lang in ("zh", "en"):
        for name in _PLACEHOLDER.findall(getattr(message, lang)):
            if name not in allowed:
                can = ", ".join("{" + a + "}" for a in sorted(allowed)) or "no placeholders"
                raise RuleFileError(str(path), line, f"message.{lang} uses {{{name}}}; {rule.id} messages can use {can}")


def validate_rules(files: list[Path]) -> RuleSet:
    """Read and validate rule files (a cache miss: ``ruleset.load_rules`` caches the result)."""
    return _load_rules(files)


def _supplied(spec: Any, builtin: dict[str, set[str]]) -> set[str] | None:
    """The values a check kind puts into its hits: declared with ``@check(..., fields=)``, or
    else those its built-in rules' messages use (tests/test_messages.py renders every one of
    them, so each is known to be supplied). None: nothing is known about the kind."""
    if spec.fields is not None:
        return set(spec.fields)
    return builtin.get(spec.name)


def _check_supplied(message: Text, kind: str, supplied: set[str] | None, path: Path, line: int) -> None:
    if supplied is None:
        return
    for lang in ("zh", "en"):
        for name in _PLACEHOLDER.findall(getattr(message, lang)):
            if name not in supplied:
                can = ", ".join("{" + a + "}" for a in sorted(supplied)) or "no values"
                raise RuleFileError(str(path), line,
                                    f"message.{lang} uses {{{name}}}, which check {kind} does not supply (it supplies {can})")


def _load_rules(files: list[Path]) -> RuleSet:
    from .checks import CROSS_REGISTRY, REGISTRY, load_all

    load_all()
    shipped = set(default_files())
    rs = RuleSet({}, {}, [], {})
    pending: list[tuple[CheckEntry, Any, Path, int, bool]] = []
    table_defs: list[tuple[TableDef, Path, int]] = []
    for path in files:
        parsed, raw = load_file(path, shipped=path in shipped)
        rs.files.append(str(path))
        for i, r in enumerate(parsed.rules):
            if r.id in rs.rules:
                raise RuleFileError(str(path), _line_of(raw, ("rules", i)), f"rule {r.id} is defined twice")
            _well_formed(r.message, f"rules.{i}.message", path, _line_of(raw, ("rules", i)))
            for name, v in r.variants.items():
                _well_formed(v, f"rules.{i}.variants.{name}", path, _line_of(raw, ("rules", i)))
            rs.rules[r.id] = r
        for p in parsed.profiles:
            rs.profiles[p.id] = p
        _merge_vocab(rs.vocabulary, parsed.vocabulary)
        for i, c in enumerate(parsed.checks):
            pending.append((c, raw, path, _line_of(raw, ("checks", i)), False))
        for i, c in enumerate(parsed.cross_checks):
            pending.append((c, raw, path, _line_of(raw, ("cross_checks", i)), True))
        for i, t in enumerate(parsed.tables):
            for p in t.profiles or []:
                if p not in PROFILES:
                    raise RuleFileError(str(path), _line_of(raw, ("tables", i)),
                                        f"tables.{i}.profiles: unknown profile {p!r} (known: {', '.join(PROFILES)})")
            table_defs.append((t, path, _line_of(raw, ("tables", i))))
    done: list[PlainTableDef] = []
    for t, path, line in table_defs:
        try:
            done = merge_tables(done + [plain(t)])
        except ValueError as exc:
            raise RuleFileError(str(path), line, f"table {t.extends or t.id}: {exc}") from None
    rs.tables = done
    builtin_files = {str(p) for p in default_files()}
    builtin: dict[str, set[str]] = {}
    for c, raw, path, line, _cross in pending:
        if str(path) in builtin_files and c.rule in rs.rules:
            rule = rs.rules[c.rule]
            used = placeholders(c.message or rule.message)
            for v in rule.variants.values():
                used |= placeholders(v)
            builtin.setdefault(c.check, set()).update(used)
    for c, raw, path, line, cross in pending:
        unknown = [p for p in c.profiles or [] if p not in rs.profiles]
        if unknown:  # the profiles are those rules/*.yaml declare (with their years): one list
            raise RuleFileError(str(path), line, f"unknown profile {unknown[0]!r} (known: {', '.join(rs.profiles)})")
        registry = CROSS_REGISTRY if cross else REGISTRY
        if c.rule not in rs.rules:
            raise RuleFileError(str(path), line, f"check names rule {c.rule!r}, which no rule file defines")
        if c.check not in registry:
            raise RuleFileError(str(path), line, f"unknown check {c.check!r} (known: {', '.join(sorted(registry))})")
        if c.message is not None:
            _well_formed(c.message, "message", path, line)
            _check_placeholders(c.message, rs.rules[c.rule], path, line)
        spec = registry[c.check]
        _check_supplied(c.message or rs.rules[c.rule].message, c.check, _supplied(spec, builtin), path, line)
        try:
            params = validate_params(spec.params, c.params, str(path) in builtin_files) if spec.params else c.params
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise RuleFileError(str(path), line, f"params of {c.check} for {c.rule}: {where}: {err['msg']}") from None
        (rs.cross_checks if cross else rs.checks).append(Check(c, spec.func, params, f"{path}:{line}"))
    return rs
