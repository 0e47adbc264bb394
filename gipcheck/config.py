"""Configuration: ``[tool.gipcheck]`` in pyproject.toml or ``.gipcheck.yaml``, found by searching
upward from each checked file (the closest wins, as in ruff), ``--config FILE`` to override,
``--isolated`` to ignore. A config may ``extend`` another (yamllint's ``extends``).

Mistakes are reported as ``FILE:LINE: what is wrong`` (exit code 2).
"""
from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .read.base import Limits
from .rules import RuleFileError, _line_of, _strip_lines, load_yaml, read_yaml_text

CONFIG_NAMES = (".gipcheck.yaml", ".gipcheck.yml")
_RULE_PREFIX = re.compile(r"^GIP\d{0,3}$|^ALL$")


class ConfigError(RuleFileError):
    """A configuration file that cannot be used: ``path:line: message``."""

    @classmethod
    def from_error(cls, exc: RuleFileError) -> "ConfigError":
        err = cls("", 0, "")
        err.args = exc.args
        return err


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

    def apply(self, limits: Limits) -> Limits:
        """The reader's limits with this configuration's values put in."""
        for key, value in (("max_file_bytes", self.max_file_mb), ("max_unzipped_bytes", self.max_unzipped_mb)):
            if value:
                setattr(limits, key, value * 1024 * 1024)
        for key in ("max_pages", "max_line_chars", "max_html_depth", "max_seconds"):
            if getattr(self, key):
                setattr(limits, key, getattr(self, key))
        return limits


def _prefixes(v: list[str]) -> list[str]:
    out = []
    for item in v:
        item = str(item).strip().upper()
        if not _RULE_PREFIX.match(item):
            raise ValueError(f"{item!r} is not a rule id or prefix (GIP201, GIP2, GIP)")
        out.append("" if item == "ALL" else item)
    return out


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
        for k in v:
            if not re.match(r"^GIP\d{3}$", k):
                raise ValueError(f"{k!r} is not a rule id (severity overrides name one rule, e.g. GIP602)")
        return v


@dataclass
class Config:
    """A loaded configuration: the model, where it came from, and its folder (globs are relative to it)."""

    model: ConfigModel = field(default_factory=ConfigModel)
    path: Path | None = None

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

    def to_json(self) -> dict[str, Any]:
        data = self.model.model_dump(by_alias=True, exclude_none=True)
        data.pop("extend", None)
        return {"config": str(self.path) if self.path else None, **data}


def _resolve(file: str | Path) -> Path:
    """An absolute path, even for a symlink loop (``resolve`` raises RuntimeError there)."""
    try:
        return Path(file).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(file))


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


def _validate(data: Any, path: Path, line_of) -> ConfigModel:
    if not isinstance(data, dict):
        raise ConfigError(str(path), 1, "the configuration must be a mapping of keys")
    try:
        return ConfigModel.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(x) for x in loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}"
        raise ConfigError(str(path), line_of(loc), f"{where}: {msg}") from None


def load_config_file(path: Path, _seen: tuple[Path, ...] = ()) -> Config:
    path = path.resolve()
    if path in _seen:
        raise ConfigError(str(path), 1, "extend forms a cycle")
    try:
        text = read_yaml_text(path)  # size and encoding checks serve TOML as well
    except RuleFileError as exc:
        raise ConfigError.from_error(exc) from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise ConfigError(str(path), int(m.group(1)) if m else 1, f"not valid TOML: {exc}") from None
        section = data.get("tool", {}).get("gipcheck")
        if section is None:
            raise ConfigError(str(path), 1, "no [tool.gipcheck] table")
        model = _validate(section, path, lambda loc: _toml_line(text, loc))
    else:
        try:
            raw = load_yaml(path, text) or {}
        except RuleFileError as exc:
            raise ConfigError.from_error(exc) from None
        model = _validate(_strip_lines(raw) if isinstance(raw, dict) else raw, path, lambda loc: _line_of(raw, loc))
    cfg = Config(model, path)
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
        cfg = Config(ConfigModel.model_validate(merged), path)
    return cfg


def _has_tool_section(pyproject: Path) -> bool:
    """True when the file has ``[tool.gipcheck]``; a broken file that names it is an error
    (``FILE:LINE``), not silently no configuration; one that does not name it is not ours."""
    try:
        text = pyproject.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False
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
