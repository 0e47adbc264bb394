"""Reporters: one small module per output format, registered by name (no if/elif chain).

A reporter is a function ``render(run: RunResult, ctx: ReportContext) -> str``. Streaming
formats (jsonl) may instead provide ``render_file(file: FileResult, ctx) -> str`` and are
called once per file as results arrive.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Protocol

from ..model import FileResult, RunResult


@dataclass(frozen=True)
class RuleMeta:
    """What a reporter may say about a rule (from rules/*.yaml)."""

    id: str
    name: str
    severity: str
    summary_zh: str
    summary_en: str
    basis: str | None = None
    fix_zh: str | None = None
    fix_en: str | None = None


@dataclass
class ReportContext:
    lang: str = "zh"  # zh | en
    color: bool = False
    rules: dict[str, RuleMeta] = field(default_factory=dict)
    show_source: bool = True
    statistics: bool = False
    quiet: bool = False  # findings only: no summary, no "no problems found" lines


class Renderer(Protocol):
    def __call__(self, run: RunResult, ctx: ReportContext) -> str: ...


# format name -> module that defines render(run, ctx) (and optionally render_file)
FORMATS: dict[str, str] = {
    "text": "gipcheck.report.text",
    "json": "gipcheck.report.json_format",
    "jsonl": "gipcheck.report.jsonl",
    "sarif": "gipcheck.report.sarif",
    "junit": "gipcheck.report.junit",
    "github": "gipcheck.report.github",
    "gitlab": "gipcheck.report.gitlab",
    "html": "gipcheck.report.html",
}


def register(name: str, module: str) -> None:
    FORMATS[name] = module


def get_renderer(name: str) -> Callable[[RunResult, ReportContext], str]:
    return importlib.import_module(FORMATS[name]).render


def get_file_renderer(name: str) -> Callable[[FileResult, ReportContext], str] | None:
    return getattr(importlib.import_module(FORMATS[name]), "render_file", None)
