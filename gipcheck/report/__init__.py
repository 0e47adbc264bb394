"""Reporters: one small module per output format, registered by name (no if/elif chain).

A reporter is a function ``render(run: RunResult, ctx: ReportContext) -> str``. A format that
can be written as results arrive also provides ``render_file(file: FileResult, ctx) -> str``
(each file's part, nothing before or after: jsonl, github) or ``stream(out, ctx, version)``
returning a :class:`StreamWriter` (a head, each file's part, and a tail with the summary: text,
json). :func:`open_writer` picks the streaming form when there is one, so such output keeps no
per-file results and what was checked is out even if a later file or gipcheck itself fails.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Callable, Protocol

from ..model import FileResult, Finding, RunResult, Summary

if TYPE_CHECKING:
    from ..rules import RuleSet


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


def rule_meta(rs: "RuleSet", lang: str = "zh") -> dict[str, RuleMeta]:
    """What reporters may say about each rule of a rule set (its basis in the message language)."""
    return {
        r.id: RuleMeta(r.id, r.name, r.severity, r.summary.zh, r.summary.en,
                       getattr(r.basis, lang) if r.basis else None, r.fix.zh if r.fix else None,
                       r.fix.en if r.fix else None)
        for r in rs.rules.values()
    }


@dataclass
class ReportContext:
    """What every reporter is told besides the results: language, colour, the rules' texts."""

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


class StreamWriter(Protocol):
    def file(self, fr: FileResult) -> None: ...

    def close(self, summary: Summary) -> None: ...


class _PerFile:
    """A format whose output is just each file's part, in order."""

    def __init__(self, out: IO[str], ctx: ReportContext, render_file: Callable[[FileResult, ReportContext], str]):
        self.out, self.ctx, self.render_file = out, ctx, render_file

    def file(self, fr: FileResult) -> None:
        self.out.write(self.render_file(fr, self.ctx))
        self.out.flush()

    def close(self, summary: Summary) -> None:
        pass


class _Collect:
    """A format that needs the whole run (SARIF, JUnit, GitLab, HTML): results are kept until the end.

    Batch-stage findings are merged into their file's result, as :func:`gipcheck.api.run` does."""

    def __init__(self, out: IO[str], ctx: ReportContext, render: Callable[[RunResult, ReportContext], str],
                 version: str):
        self.out, self.ctx, self.render, self.version = out, ctx, render, version
        self.files: list[FileResult] = []
        self.by_path: dict[str, FileResult] = {}

    def file(self, fr: FileResult) -> None:
        if fr.stage == "batch" and fr.path in self.by_path:
            target = self.by_path[fr.path]
            target.findings = sorted(target.findings + fr.findings, key=Finding.sort_key)
            return
        self.by_path.setdefault(fr.path, fr)
        self.files.append(fr)

    def close(self, summary: Summary) -> None:
        self.out.write(self.render(RunResult(self.files, self.version), self.ctx))
        self.out.flush()


def open_writer(name: str, out: IO[str], ctx: ReportContext, version: str) -> StreamWriter:
    """A writer for format ``name``: streaming when the format can stream, collecting otherwise."""
    module = importlib.import_module(FORMATS[name])
    if hasattr(module, "stream"):
        return module.stream(out, ctx, version)
    if hasattr(module, "render_file"):
        return _PerFile(out, ctx, module.render_file)
    return _Collect(out, ctx, module.render, version)
