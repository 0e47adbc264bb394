"""gipcheck: lint 政府信息公开工作年度报告 (government information disclosure annual reports).

Pipeline, one module per stage: read → normalize → segment → parse (Lark) → facts → checks
(rules/*.yaml) → findings → report. The public API is in :mod:`gipcheck.api`.
"""
from .api import Options, __version__, check, check_file, check_paths, check_text, parse, run
from .ast import Document
from .model import FileResult, Finding, RunResult

Report = FileResult  # the result for one report

__all__ = ["Document", "FileResult", "Finding", "Options", "Report", "RunResult", "__version__", "check",
           "check_file", "check_paths", "check_text", "parse", "run"]
