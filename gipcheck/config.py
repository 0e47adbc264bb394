"""Configuration: ``[tool.gipcheck]`` in pyproject.toml or ``.gipcheck.yaml``, found by searching
upward from each checked file (the closest wins, as in ruff), ``--config FILE`` to override,
``--isolated`` to ignore. A config may ``extend`` another (yamllint's ``extends``).

Mistakes are reported as ``FILE:LINE: what is wrong`` (exit code 2).
"""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ruleset import RuleFileError

if TYPE_CHECKING:
    from .config_model import ConfigModel

CONFIG_NAMES = (".gipcheck.yaml", ".gipcheck.yml")


class ConfigError(RuleFileError):
    """A configuration file that cannot be used: ``path:line: message``, in either language."""

    def __init__(self, path: str, line: int, message: str, zh: str | None = None) -> None:
        super().__init__(path, line, message)
        self.path, self.line, self.en, self.zh = path, line, message, zh or message

    @classmethod
    def from_error(cls, exc: RuleFileError) -> "ConfigError":
        return cls(exc.path, exc.line, exc.en)

    def message(self, lang: str = "zh") -> str:
        return f"{self.path}:{self.line}: {self.zh if lang == 'zh' else self.en}"


class _Defaults:
    """The configuration when there is no file: ConfigModel's defaults as plain values, so a
    run without a configuration file needs no pydantic (tests/test_cache.py keeps them equal)."""

    def __init__(self) -> None:
        self.extend: str | None = None
        self.profile: str | None = None
        self.select: list[str] | None = None
        self.extend_select: list[str] = []
        self.ignore: list[str] = []
        self.per_file_ignores: dict[str, list[str]] = {}
        self.severity: dict[str, str] = {}
        self.fail_on: str | None = None
        self.lang: str | None = None
        self.extend_rules: list[str] = []
        self.limits = None

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        from .config_model import ConfigModel

        return ConfigModel().model_dump(**kwargs)


def __getattr__(name: str) -> Any:
    """``ConfigModel`` and ``LimitsConfig`` live in config_model (imported on first use)."""
    if name in ("ConfigModel", "LimitsConfig"):
        from . import config_model

        return getattr(config_model, name)
    raise AttributeError(name)


@dataclass
class Config:
    """A loaded configuration: the model, where it came from, and its folder (globs are relative to it)."""

    model: ConfigModel | _Defaults = field(default_factory=_Defaults)
    path: Path | None = None
    text: str = ""  # the file as written, to point at the line of a mistake found later

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None

    def extra_rules(self) -> list[str]:
        base = self.root or Path.cwd()
        return [str((base / p).resolve()) for p in self.model.extend_rules]

    def ignores_for(self, file: str | Path) -> list[str]:
        """Rules ignored for this file by per-file-ignores (globs relative to the config folder)."""
        out: list[str] = []
        p = _resolve(file)
        rel = p.as_posix()
        if self.root is not None:
            try:
                rel = p.relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        for pattern, rules in self.model.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(p.name, pattern):
                out.extend(rules)
        return out

    def line_of(self, item: str) -> int:
        """The line where a value is written (first occurrence as a whole word), else 1."""
        pattern = re.compile(rf"(?<![\w-]){re.escape(item)}(?![\w-])", re.IGNORECASE)
        for i, line in enumerate(self.text.split("\n"), 1):
            if pattern.search(line.split("#", 1)[0]):
                return i
        return 1

    def to_json(self) -> dict[str, Any]:
        data = self.model.model_dump(by_alias=True, exclude_none=True)
        data.pop("extend", None)
        return {"config": str(self.path) if self.path else None, **data}


def _toml_line(text: str, loc: tuple[Any, ...]) -> int:
    lines = text.split("\n")
    start = next((i for i, ln in enumerate(lines) if re.match(r"\s*\[tool\.gipcheck", ln)), 0)
    for part in loc:
        if isinstance(part, str):
            for i in range(start, len(lines)):
                if re.match(rf'\s*"?{re.escape(part)}"?\s*=', lines[i]) or re.match(rf"\s*\[tool\.gipcheck\.{re.escape(part)}\]", lines[i]):
                    start = i
                    break
    return start + 1


def _yaml_line(raw: Any, text: str, loc: tuple[Any, ...]) -> int:
    """The line of a value in a YAML config: from the loader's marks, else the line where its
    key (as written, kebab-case) starts."""
    from .config_model import _kebab
    from .rules import _line_of

    kebab = tuple(_kebab(p) if isinstance(p, str) else p for p in loc)
    line = _line_of(raw, kebab)
    if line == 1 and kebab and isinstance(kebab[0], str):
        for i, ln in enumerate(text.split("\n"), 1):
            if re.match(rf"\s*['\"]?{re.escape(kebab[0])}['\"]?\s*:", ln):
                return i
    return line


def _schema(name: str = "ConfigModel") -> Any:
    from . import config_model

    return getattr(config_model, name)


def _validation_error() -> type[Exception]:
    from pydantic import ValidationError

    return ValidationError


def _validate(data: Any, path: Path, line_of) -> ConfigModel:
    if not isinstance(data, dict):
        raise ConfigError(str(path), 1, "the configuration must be a mapping of keys", "配置文件应为“键: 值”的映射")
    try:
        return _schema().model_validate(data)
    except _validation_error() as exc:
        from .i18n import config_error

        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(x) for x in loc)
        model = _schema("LimitsConfig") if loc and loc[0] == "limits" else _schema()
        zh, en = config_error(err, where, model)
        raise ConfigError(str(path), line_of(loc), en, zh) from None


def load_config_file(path: Path, _seen: tuple[Path, ...] = ()) -> Config:
    path = path.resolve()
    if path in _seen:
        raise ConfigError(str(path), 1, "extend forms a cycle", "extend 形成了循环引用")
    from .rules import read_yaml_text

    try:
        text = read_yaml_text(path)  # size and encoding checks serve TOML as well
    except RuleFileError as exc:
        raise ConfigError.from_error(exc) from None
    if path.suffix == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise ConfigError(str(path), int(m.group(1)) if m else 1, f"not valid TOML: {exc}", f"不是有效的 TOML：{exc}") from None
        section = data.get("tool", {}).get("gipcheck")
        if section is None:
            raise ConfigError(str(path), 1, "no [tool.gipcheck] table", "没有 [tool.gipcheck] 表")
        model = _validate(section, path, lambda loc: _toml_line(text, loc))
    else:
        from .rules import _strip_lines, load_yaml  # only for a YAML config: a run without one needs no YAML

        try:
            raw = load_yaml(path, text) or {}
        except RuleFileError as exc:
            raise ConfigError.from_error(exc) from None
        model = _validate(_strip_lines(raw) if isinstance(raw, dict) else raw, path, lambda loc: _yaml_line(raw, text, loc))
    cfg = Config(model, path, text)
    if model.extend:
        base = load_config_file((path.parent / model.extend), _seen + (path,))
        merged = base.model.model_dump()
        mine = model.model_dump(exclude_unset=True)
        for k, v in mine.items():
            if k in ("ignore", "extend_select", "extend_rules") and merged.get(k):
                base_items = merged[k] if k != "extend_rules" else [str((base.root / x).resolve()) for x in merged[k]]
                merged[k] = base_items + [x for x in v if x not in base_items]
            elif k in ("per_file_ignores", "severity"):
                merged[k] = {**merged.get(k, {}), **v}
            else:
                merged[k] = v
        if "extend_rules" not in mine and base.model.extend_rules:
            merged["extend_rules"] = [str((base.root / x).resolve()) for x in base.model.extend_rules]
        merged["extend"] = None
        cfg = Config(_schema().model_validate(merged), path, text)
    return cfg


def check_rule_ids(cfg: Config, rs: Any) -> None:
    """Every rule a configuration names must be a loaded rule (built-in, or from its
    extend-rules): ``ignore: [GIP999]`` is an error with a "did you mean", not a no-op."""
    from .ruleids import UnknownRule, resolve

    m = cfg.model
    lists = [("select", m.select or []), ("extend-select", m.extend_select), ("ignore", m.ignore),
             ("severity", list(m.severity))]
    lists += [(f"per-file-ignores.{k}", v) for k, v in m.per_file_ignores.items()]
    for key, items in lists:
        for item in items:
            if item == "":
                continue
            try:
                resolve(item, rs)
            except UnknownRule as err:
                raise UnknownRuleInConfig(str(cfg.path), cfg.line_of(item), err, key) from None


class UnknownRuleInConfig(ConfigError):
    """An unknown rule in a configuration file, reported in the user's language."""

    def __init__(self, path: str, line: int, err: Any, key: str) -> None:
        super().__init__(path, line, f"{key}: {err.message('en')}", f"{key}：{err.message('zh')}")


def _has_tool_section(pyproject: Path) -> bool:
    """True when the file has ``[tool.gipcheck]``; a broken file that names it is an error
    (``FILE:LINE``), not silently no configuration; one that does not name it is not ours."""
    try:
        text = pyproject.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False
    if "gipcheck" not in text:
        return False  # no gipcheck table can be there: no need to parse the TOML
    import tomllib

    try:
        return "gipcheck" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as exc:
        if re.search(r"^\s*\[\s*tool\s*\.\s*gipcheck", text, re.M) or re.search(r"^\s*\[\s*tool\s*\]", text, re.M):
            m = re.search(r"line (\d+)", str(exc))
            raise ConfigError(str(pyproject), int(m.group(1)) if m else 1, f"not valid TOML: {exc}") from None
        return False


@lru_cache(maxsize=256)
def _find_in(directory: Path) -> Path | None:
    for name in CONFIG_NAMES:
        if (directory / name).is_file():
            return directory / name
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file() and _has_tool_section(pyproject):
        return pyproject
    return None


def find_config(file: str | Path) -> Path | None:
    """The closest configuration file above ``file`` (its own folder first)."""
    p = _resolve(file)
    try:
        d = p if p.is_dir() else p.parent
    except OSError:  # an unreadable folder: look from its parent
        d = p.parent
    for directory in (d, *d.parents):
        try:
            found = _find_in(directory)
        except OSError:  # a folder we may not look into holds no configuration we can use
            continue
        if found:
            return found
    return None


def _resolve(file: str | Path) -> Path:
    """An absolute path, even for a symlink loop (``resolve`` raises RuntimeError there)."""
    try:
        return Path(file).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(file))


_LOADED: dict[Path, Config] = {}


def config_for(file: str | Path, explicit: str | None = None, isolated: bool = False) -> Config:
    if isolated:
        return Config()
    path = Path(explicit).resolve() if explicit else find_config(file)
    if path is None:
        return Config()
    if path not in _LOADED:
        _LOADED[path] = load_config_file(path)
    return _LOADED[path]
