"""gipcheck: lint 政府信息公开工作年度报告 (government information disclosure annual reports).

Pipeline, one module per stage: read → normalize → segment → parse (Lark) → facts → checks
(rules/*.yaml) → findings → report. The public API is in :mod:`gipcheck.api`; many files at once
run through :mod:`gipcheck.batch` (process pool or any executor, in input order, streamed).
"""
from . import regex_cache as _regex_cache

_regex_cache.load()  # before any module compiles its patterns: compiled ones come from the cache

from .api import (Lang, Options, Profile, Settings, __version__, check, check_file, check_paths, check_text, options,
                  parse, parse_text, run)
from .ast import Document
from .engine import Selection
from .model import FileResult, Finding, RunResult, Severity
from .ruleids import UnknownRule

Report = FileResult  # the result for one report

__all__ = ["Document", "FileResult", "Finding", "Lang", "Options", "Profile", "Report", "RunResult", "Selection",
           "Settings", "Severity", "UnknownRule", "__version__", "check", "check_file", "check_paths", "check_text",
           "options", "parse", "parse_text", "run"]
