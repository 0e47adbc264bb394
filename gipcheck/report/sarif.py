"""SARIF 2.1.0 (OASIS), e.g. for GitHub code scanning (``upload-sarif``).

One run; ``tool.driver.rules`` describes every known rule (plus any rule that fired without
metadata); one result per finding, located by 1-based line and code-point column
(``columnKind: unicodeCodePoints``). A file that could not be read (GIP001) is a result too.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..model import Finding, FileResult, RunResult
from . import ReportContext, RuleMeta

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/gipcheck/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_LANG = {"zh": "zh-CN", "en": "en-US"}
_BASIS_LABEL = {"zh": "依据", "en": "Basis"}
_FIX_LABEL = {"zh": "修改建议", "en": "How to fix"}

# characters that cannot stand in a URI reference (or would change its meaning: # and ?);
# everything else, Chinese included, is kept as given (a valid IRI reference)
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f%\"<>\\^`{|}#?]")


def artifact_uri(path: str) -> str:
    """The path as given, with forward slashes, percent-encoding only what a URI forbids."""
    p = path.replace("\\", "/")
    if re.match(r"^[A-Za-z]:/", p):  # a Windows drive path is absolute: make it a file URI
        p = "file:///" + p
    return _URI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), p)


def _lang(ctx: ReportContext) -> str:
    return "en" if ctx.lang == "en" else "zh"


def _descriptor(rule_id: str, meta: RuleMeta | None, fallback: Finding | None, lang: str) -> dict[str, Any]:
    name = (meta.name if meta else "") or (fallback.name if fallback else "") or rule_id
    severity = meta.severity if meta else (fallback.severity if fallback else "warning")
    summary = ""
    if meta:
        summary = meta.summary_en if lang == "en" else meta.summary_zh
    summary = summary or name
    basis = (meta.basis if meta else None) or (fallback.basis if fallback else None)
    fix = None
    if meta:
        fix = meta.fix_en if lang == "en" else meta.fix_zh
    help_parts = [summary]
    if basis:
        help_parts.append(f"{_BASIS_LABEL[lang]}: {basis}")
    if fix:
        help_parts.append(f"{_FIX_LABEL[lang]}: {fix}")
    desc: dict[str, Any] = {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": f"{rule_id} {name}"},
        "fullDescription": {"text": summary},
        "help": {"text": "\n".join(help_parts)},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {"severity": severity, "tags": ["gipcheck", rule_id[:4]]},
    }
    if basis:
        desc["properties"]["basis"] = basis
    return desc


def _fingerprint(fr: FileResult, f: Finding, n: int) -> str:
    key = "\0".join((fr.path.replace("\\", "/"), f.rule, f.message, str(n)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _region(f: Finding) -> dict[str, int]:
    start_line = max(1, f.line)
    start_col = max(1, f.column)
    end_line = max(start_line, f.end_line or start_line)
    end_col = max(1, f.end_column or start_col)
    if end_line == start_line and end_col < start_col:
        end_col = start_col
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def to_sarif(run: RunResult, ctx: ReportContext) -> dict[str, Any]:
    lang = _lang(ctx)
    fired: dict[str, Finding] = {}
    for fr in run.files:
        for f in fr.findings:
            fired.setdefault(f.rule, f)
    rule_ids = sorted(set(ctx.rules) | set(fired))
    rules = [_descriptor(r, ctx.rules.get(r), fired.get(r), lang) for r in rule_ids]
    index = {r: i for i, r in enumerate(rule_ids)}

    results: list[dict[str, Any]] = []
    for fr in run.files:
        seen: dict[tuple[str, str], int] = {}
        for f in fr.findings:
            n = seen.get((f.rule, f.message), 0)
            seen[(f.rule, f.message)] = n + 1
            props: dict[str, Any] = {"severity": f.severity}
            if f.basis:
                props["basis"] = f.basis
            if f.source:
                props["source"] = f.source
            if fr.profile:
                props["profile"] = fr.profile
            if f.fix:
                props["fix"] = f.fix
            results.append({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": LEVELS.get(f.severity, "warning"),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(fr.path)},
                        "region": _region(f),
                    }
                }],
                "partialFingerprints": {"gipcheckFindingHash/v1": _fingerprint(fr, f, n)},
                "properties": props,
            })

    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gipcheck",
                    "version": run.tool_version,
                    "informationUri": INFORMATION_URI,
                    "language": _LANG[lang],
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(run: RunResult, ctx: ReportContext) -> str:
    return json.dumps(to_sarif(run, ctx), ensure_ascii=False, indent=2) + "\n"
