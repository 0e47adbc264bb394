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
from typing import TYPE_CHECKING, Literal

from .engine import Selection
from .model import SEVERITIES, Severity
from .read import Limits
from .ruleids import LANGS, PROFILES, check_choice

Profile = Literal["gip-2008", "gip-2019", "gip-2021"]
Lang = Literal["zh", "en"]

if TYPE_CHECKING:
    from .config import Config


@dataclass
class Options:
    """How to check one file, already resolved: the profile (None: from the report year), the message
    language, which rules run (:class:`Selection`), extra rule files, reading limits and the fail-on
    severity. Picklable: it crosses to workers. A profile, language or severity gipcheck does not
    know is a ValueError here, not a silent default."""

    profile: Profile | None = None
    lang: Lang = "zh"
    selection: Selection = field(default_factory=Selection)
    extra_rules: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    fail_on: Severity = "error"
    cross: bool = False  # keep a small summary of the report for the cross-report rules (GIP7)

    def __post_init__(self) -> None:
        check_choice(self.profile, PROFILES, "profile")
        check_choice(self.lang, LANGS, "lang")
        check_choice(self.fail_on, SEVERITIES, "fail_on")


@dataclass(frozen=True)
class Settings:
    """What the caller says for a whole run. ``None`` or empty means "as each file's configuration says".

    ``config`` names one configuration file for every file (no search); ``isolated`` ignores all of
    them; ``rules`` are extra rule files; ``severity`` per-rule overrides (over the configuration's);
    ``limits`` replace the configuration's; ``baseline`` a baseline file (or its loaded content)
    whose findings are hidden. ``origin="cli"`` names rule selectors in errors as flags
    (``--select``) rather than keywords (``select``).
    """

    profile: str | None = None
    lang: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    limits: Limits | None = None
    config: str | None = None
    isolated: bool = False
    fail_on: str | None = None
    baseline: str | dict | None = None
    stdin_filename: str | None = None  # the name of a report read from stdin (``-``): config lookup, messages
    origin: str = "api"
    cross: bool = False  # summaries for the cross-report rules (GIP7): set by check_paths when they run


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
    """Options for the file at ``path`` (for text or stdin: the folder whose configuration applies).

    Every rule a configuration or the caller names must be a loaded rule (built-in, or from the
    configuration's ``extend-rules`` and the caller's rule files): an unknown one raises
    :class:`~gipcheck.ruleids.UnknownRule` (or, in a configuration, an error naming its file and line)."""
    from .api import rules  # the rule-set cache lives with the API
    from .config import check_rule_ids, config_for  # pydantic and yaml only when settings are resolved
    from .ruleids import resolve as rule_id, resolve_all

    s = settings or Settings()
    try:
        c = config_for(path, s.config, s.isolated)
        per_file = c.ignores_for(path)
    except (OSError, RuntimeError):  # a path that cannot be resolved (a symlink loop): its folder's config
        c = config_for(os.path.dirname(os.path.abspath(path)), s.config, s.isolated)
        per_file = []
    cfg = c.model
    extra = tuple(c.extra_rules() + [str(Path(r).resolve()) for r in s.rules])
    rs = rules(extra)
    check_rule_ids(c, rs)  # ignore: [GIP999] in a config is an error naming the file and line

    def said(key: str) -> str:
        return "--" + key.replace("_", "-") if s.origin == "cli" else key

    select = (resolve_all(s.select, rs, said("select")) if s.select is not None
              else resolve_all(cfg.select or [], rs))
    ignore = resolve_all(list(cfg.ignore) + per_file, rs) + resolve_all(s.ignore, rs, said("ignore"))
    extend = resolve_all(cfg.extend_select, rs) + resolve_all(s.extend_select, rs, said("extend_select"))
    for sev in s.severity.values():
        check_choice(sev, SEVERITIES, "severity")
    severity = {rule_id(k, rs): v for k, v in cfg.severity.items()}
    severity.update({rule_id(k, rs, said("severity")): v for k, v in s.severity.items()})
    return Options(profile=s.profile or cfg.profile, lang=s.lang or cfg.lang or "zh",
                   selection=Selection(select, ignore, extend, severity), extra_rules=extra,
                   limits=s.limits or limits_from(c), fail_on=s.fail_on or cfg.fail_on or "error", cross=s.cross)


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
