"""Result types shared by the engine and every reporter.

A reporter only ever sees these plain objects, never the AST or Lark: that keeps the
JSON contract (shared/spec/output.md, schema ``gipcheck/1``) in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
INTERNAL_ERROR_RULE = "GIP005"  # a crash of gipcheck, not a problem of the report (exit code 3)


def worst_at_or_above(findings: Iterable["Finding"], fail_on: str) -> bool:
    """The one fail-on rule: some finding is at or above the failing severity (exit code 1)."""
    limit = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= limit for f in findings)


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
    fail_on: str = "error"  # from this file's configuration (or the caller); not part of the JSON
    summary: Any = None  # gipcheck.cross.ReportSummary, when cross-report rules will run (not in JSON)
    stage: str = "file"  # "batch": findings added by a batch check after every file was checked

    @property
    def failed(self) -> bool:
        """Some finding is at or above this file's fail-on severity."""
        return worst_at_or_above(self.findings, self.fail_on)

    @property
    def crashed(self) -> bool:
        """gipcheck itself failed on this file (GIP005): the run exits 3, not 1."""
        return any(f.rule == INTERNAL_ERROR_RULE for f in self.findings)

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
        if self.stage != "file":
            out["stage"] = self.stage
        return out

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class Summary:
    """Counts of a run, kept as results pass, so streaming output needs no list of results."""

    files: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    failed: bool = False  # some file has a finding at or above its fail-on severity
    crashed: bool = False  # gipcheck failed on some file (GIP005)
    hidden: int = 0  # findings hidden by suppressions or the baseline (not in the JSON summary)

    def add(self, fr: FileResult) -> None:
        if fr.stage == "file":
            self.files += 1
        self.hidden += fr.suppressed
        for f in fr.findings:
            if f.severity == "error":
                self.errors += 1
            elif f.severity == "warning":
                self.warnings += 1
            else:
                self.infos += 1
        self.failed |= fr.failed
        self.crashed |= fr.crashed

    def to_json(self) -> dict[str, int]:
        return {"files": self.files, "errors": self.errors, "warnings": self.warnings, "infos": self.infos}

    def exit_code(self) -> int:
        """0 clean, 1 findings at or above fail-on, 3 gipcheck failed on some file (2 is the CLI's)."""
        return 3 if self.crashed else (1 if self.failed else 0)


@dataclass
class RunResult:
    """The results of one run over many files, in input order."""

    files: list[FileResult]
    tool_version: str = "0.1.0"

    def counts(self) -> Summary:
        s = Summary()
        for fr in self.files:
            s.add(fr)
        return s

    def summary(self) -> dict[str, int]:
        return self.counts().to_json()

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "gipcheck/1",
            "tool": {"name": "gipcheck", "version": self.tool_version},
            "files": [f.to_json() for f in self.files],
            "summary": self.summary(),
        }

    def worst_at_or_above(self, fail_on: str) -> bool:
        """True when some finding is at or above the failing severity (exit code 1)."""
        return worst_at_or_above((f for fr in self.files for f in fr.findings), fail_on)
