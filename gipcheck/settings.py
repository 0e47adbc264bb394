"""What applies to one file: its closest configuration, overridden by what the caller said.

The CLI and the library resolve settings here and nowhere else, so ``gipcheck.check(path)``
and ``gipcheck check PATH`` see the same ``.gipcheck.yaml`` / ``[tool.gipcheck]``, limits and
fail-on. Resolution runs in the calling process (configuration errors surface there, as
``FILE:LINE: what`` and exit code 2); workers only receive the resolved :class:`Options`.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .engine import Selection
from .read import Limits

if TYPE_CHECKING:
    from .config import Config


@dataclass
class Options:
    """Everything a check of one file needs, already resolved (picklable: it crosses to workers)."""

    profile: str | None = None
    lang: str = "zh"
    selection: Selection = field(default_factory=Selection)
    extra_rules: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    fail_on: str = "error"


@dataclass(frozen=True)
class Settings:
    """What the caller says for a whole run. ``None`` or empty means "as each file's configuration says".

    ``config`` names one configuration file for every file (no search); ``isolated`` ignores all of
    them; ``rules`` are extra rule files; ``baseline`` a baseline file whose findings are hidden.
    """

    profile: str | None = None
    lang: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    config: str | None = None
    isolated: bool = False
    fail_on: str | None = None
    baseline: str | None = None
    stdin_filename: str | None = None  # the name of a report read from stdin (``-``): config lookup, messages


def limits_from(cfg: Config) -> Limits:
    """The configuration's ``limits`` over the defaults: ``max-…-mb`` keys become bytes, others are as named."""
    limits = Limits()
    if cfg.model.limits is None:
        return limits
    names = {f.name for f in dataclasses.fields(Limits)}
    for key, value in cfg.model.limits.model_dump(exclude_none=True).items():
        if key.endswith("_mb") and f"{key[:-3]}_bytes" in names:
            setattr(limits, f"{key[:-3]}_bytes", value * 1024 * 1024)
        elif key in names:
            setattr(limits, key, value)
    return limits


def resolve(path: str, settings: Settings | None = None) -> Options:
    """Options for the file at ``path`` (for text or stdin: the folder whose configuration applies)."""
    from .config import config_for  # pydantic and yaml only when settings are resolved

    s = settings or Settings()
    try:
        c = config_for(path, s.config, s.isolated)
        per_file = c.ignores_for(path)
    except (OSError, RuntimeError):  # a path that cannot be resolved (a symlink loop): its folder's config
        c = config_for(os.path.dirname(os.path.abspath(path)), s.config, s.isolated)
        per_file = []
    cfg = c.model
    select = list(s.select) if s.select is not None else list(cfg.select or [])
    ignore = list(cfg.ignore) + per_file + list(s.ignore)
    sel = Selection(select, ignore, list(cfg.extend_select) + list(s.extend_select), dict(cfg.severity))
    return Options(profile=s.profile or cfg.profile, lang=s.lang or cfg.lang or "zh", selection=sel,
                   extra_rules=tuple(c.extra_rules() + [str(Path(r).resolve()) for r in s.rules]),
                   limits=limits_from(c), fail_on=s.fail_on or cfg.fail_on or "error")


class Resolver:
    """:func:`resolve` for many files, remembered per folder: files side by side share one configuration,
    so a batch pays for the search once per folder (per-file ignores and symlinks still resolve per file)."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self._by_folder: dict[str, Options | None] = {}

    def options(self, path: str) -> Options:
        if path == "-" or os.path.islink(path):
            return resolve(self.settings.stdin_filename or "." if path == "-" else path, self.settings)
        folder = os.path.dirname(path)
        opts = self._by_folder.get(folder)
        if opts is None:
            opts = resolve(path, self.settings)
            if not _has_per_file_ignores(path, self.settings):
                self._by_folder[folder] = opts
        return opts


def _has_per_file_ignores(path: str, settings: Settings) -> bool:
    from .config import config_for

    try:
        return bool(config_for(path, settings.config, settings.isolated).model.per_file_ignores)
    except (OSError, RuntimeError):
        return True
