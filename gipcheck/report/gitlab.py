"""GitLab Code Quality report (``artifacts: reports: codequality``): a JSON list of issues.

The fingerprint hashes path, rule and message (and the occurrence number among identical
ones), never the line, so an issue keeps its identity when text above it moves.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from ..model import RunResult
from . import ReportContext

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def fingerprint(path: str, rule: str, message: str, occurrence: int = 0) -> str:
    key = "\0".join((path.replace("\\", "/"), rule, message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issues(run: RunResult, ctx: ReportContext) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for fr in run.files:
        path = fr.path.replace("\\", "/")
        seen: dict[tuple[str, str], int] = {}
        for f in fr.findings:
            n = seen.get((f.rule, f.message), 0)
            seen[(f.rule, f.message)] = n + 1
            meta = ctx.rules.get(f.rule)
            issue: dict[str, Any] = {
                "type": "issue",
                "description": f"{f.rule} {f.message}",
                "check_name": f.rule,
                "fingerprint": fingerprint(path, f.rule, f.message, n),
                "severity": SEVERITIES.get(f.severity, "minor"),
                "location": {"path": path, "lines": {"begin": max(1, f.line), "end": max(1, f.end_line or f.line)}},
            }
            basis = f.basis or (meta.basis if meta else None)
            if basis:
                issue["content"] = {"body": basis}
            out.append(issue)
    return out


def render(run: RunResult, ctx: ReportContext) -> str:
    return json.dumps(issues(run, ctx), ensure_ascii=False, indent=2) + "\n"
