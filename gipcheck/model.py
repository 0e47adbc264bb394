"""Result types shared by the engine and every reporter.

A reporter only ever sees these plain objects, never the AST or Lark: that keeps the
JSON contract (shared/spec/output.md, schema ``gipcheck/1``) in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(slots=True)
class Finding:
    """One problem found in one file, located in the text as read (1-based, code points)."""

    rule: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    basis: str | None = None
    name: str = ""
    fix: str | None = None
    source: dict[str, Any] | None = None  # docx paragraph / pdf page / html element

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.rule)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "basis": self.basis,
        }
        if self.fix:
            out["fix"] = self.fix
        if self.source:
            out["source"] = self.source
        return out


@dataclass
class FileResult:
    """Everything gipcheck says about one input file."""

    path: str
    profile: str | None
    facts: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)
    format: str | None = None  # text, docx, html, pdf
    profile_evidence: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the text as read (or extracted), for reporters that show it
    suppressed: int = 0  # findings hidden by inline suppressions or a baseline
    grids: list[dict[str, Any]] = field(default_factory=list)  # tables' cell columns per line, for the HTML report

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "profile": self.profile,
            "facts": self.facts,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.format:
            out["format"] = self.format
        if self.profile_evidence:
            out["profile_evidence"] = self.profile_evidence
        if self.suppressed:
            out["suppressed"] = self.suppressed
        return out

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class RunResult:
    """The results of one run over many files, in input order."""

    files: list[FileResult]
    tool_version: str = "0.1.0"

    def summary(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "errors": sum(f.count("error") for f in self.files),
            "warnings": sum(f.count("warning") for f in self.files),
            "infos": sum(f.count("info") for f in self.files),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "gipcheck/1",
            "tool": {"name": "gipcheck", "version": self.tool_version},
            "files": [f.to_json() for f in self.files],
            "summary": self.summary(),
        }

    def worst_at_or_above(self, fail_on: str) -> bool:
        """True when some finding is at or above the failing severity (exit code 1)."""
        limit = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] >= limit for fr in self.files for f in fr.findings)
