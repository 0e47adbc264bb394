"""gipcheck: lint 政府信息公开工作年度报告 (government information disclosure annual reports).

Pipeline, one module per stage: read → normalize → segment → parse (Lark) → facts → checks
(rules/*.yaml) → findings → report. The public API is in :mod:`gipcheck.api`; many files at once
run through :mod:`gipcheck.batch` (process pool or any executor, in input order, streamed).
"""
from .api import Options, Settings, __version__, check, check_file, check_paths, check_text, parse, run
from .ast import Document
from .model import FileResult, Finding, RunResult

Report = FileResult  # the result for one report

__all__ = ["Document", "FileResult", "Finding", "Options", "Settings", "Report", "RunResult", "__version__", "check",
           "check_file", "check_paths", "check_text", "parse", "run"]
