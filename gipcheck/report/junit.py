"""JUnit XML for CI systems that show test reports: one <testsuite> per file, one
<testcase> per (file, rule) that fired, failing with every finding of that rule listed;
a file without findings gets one passing <testcase name="gipcheck">."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model import Finding, FileResult, RunResult
from . import ReportContext

_LABELS = {
    "zh": {"count": "{n} 处问题", "basis": "依据：", "fix": "修改建议："},
    "en": {"count": "{n} finding(s)", "basis": "Basis: ", "fix": "How to fix: "},
}


def _rule_name(f: Finding, ctx: ReportContext) -> str:
    meta = ctx.rules.get(f.rule)
    return f.name or (meta.name if meta else "")


def _suite(fr: FileResult, ctx: ReportContext, labels: dict[str, str]) -> ET.Element:
    path = fr.path.replace("\\", "/")
    by_rule: dict[str, list[Finding]] = {}
    for f in fr.findings:
        by_rule.setdefault(f.rule, []).append(f)
    suite = ET.Element("testsuite", {
        "name": path,
        "tests": str(max(1, len(by_rule))),
        "failures": str(len(by_rule)),
        "errors": "0",
        "skipped": "0",
        "time": "0",
    })
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "profile", "value": fr.profile or ""})
    if fr.format:
        ET.SubElement(props, "property", {"name": "format", "value": fr.format})
    if not by_rule:
        ET.SubElement(suite, "testcase", {"classname": path, "name": "gipcheck", "time": "0"})
        return suite
    for rule in sorted(by_rule):
        findings = by_rule[rule]
        name = f"{rule} {_rule_name(findings[0], ctx)}".strip()
        case = ET.SubElement(suite, "testcase", {"classname": path, "name": name, "time": "0"})
        worst = "error" if any(f.severity == "error" for f in findings) else (
            "warning" if any(f.severity == "warning" for f in findings) else "info")
        message = findings[0].message if len(findings) == 1 else labels["count"].format(n=len(findings))
        body = []
        for f in findings:
            body.append(f"{f.line}:{f.column} [{f.severity}] {f.message}")
        basis = findings[0].basis or (ctx.rules[rule].basis if rule in ctx.rules else None)
        if basis:
            body.append(labels["basis"] + basis)
        meta = ctx.rules.get(rule)
        fix = findings[0].fix or (meta and (meta.fix_en if ctx.lang == "en" else meta.fix_zh))
        if fix:
            body.append(labels["fix"] + fix)
        failure = ET.SubElement(case, "failure", {"message": message, "type": worst})
        failure.text = "\n".join(body)
    return suite


def render(run: RunResult, ctx: ReportContext) -> str:
    labels = _LABELS["en" if ctx.lang == "en" else "zh"]
    suites = [_suite(fr, ctx, labels) for fr in run.files]
    root = ET.Element("testsuites", {
        "name": "gipcheck",
        "tests": str(sum(int(s.get("tests", "0")) for s in suites)),
        "failures": str(sum(int(s.get("failures", "0")) for s in suites)),
        "errors": "0",
        "time": "0",
    })
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
