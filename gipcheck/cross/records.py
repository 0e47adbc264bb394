"""The evaluator's view of a run: one plain record per report, per-rule finding lists, and
each agency's reports across years — the rows ``gipcheck summary`` writes to xlsx, csv or json.

Figures come from the facts' tables (table 三 and 四 of the unified formats); a figure the
report does not give is None, and a ratio is None when its denominator is missing or zero.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Any

from ..model import FileResult
from .stage import Batch

# (key, zh header, en header) in the order of the spreadsheet's columns
COLUMNS: list[tuple[str, str, str]] = [
    ("file", "文件", "file"), ("agency", "单位", "agency"), ("year", "年度", "year"),
    ("profile", "格式", "profile"), ("publication_date", "发布日期", "published"),
    ("deadline", "法定期限", "deadline"), ("days_late", "逾期天数", "days late"),
    ("errors", "错误", "errors"), ("warnings", "警告", "warnings"), ("infos", "提示", "infos"),
    ("new", "新收申请", "new requests"), ("carry_in", "上年结转", "carried in"),
    ("disclosed", "予以公开", "disclosed"), ("partly", "部分公开", "partly disclosed"),
    ("handled", "办理总计", "handled"), ("carry_out", "结转下年度", "carried over"),
    ("reviews", "行政复议", "reviews"), ("reviews_corrected", "复议纠错", "reviews corrected"),
    ("lawsuits", "行政诉讼", "lawsuits"), ("disclosure_rate", "予以公开率", "disclosure rate"),
    ("correction_rate", "复议纠错率", "review correction rate"),
    ("repeat_rate", "与上年重复率", "repeat rate vs last year"),
]
FINDING_COLUMNS: list[tuple[str, str, str]] = [
    ("file", "文件", "file"), ("agency", "单位", "agency"), ("year", "年度", "year"),
    ("line", "行", "line"), ("column", "列", "column"), ("severity", "级别", "severity"),
    ("message", "说明", "message"),
]


def _total(t: dict[str, Any], row: str, col: str = "total") -> float | None:
    v = (t.get(row) or {}).get(col)
    return v if isinstance(v, (int, float)) else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 4) if a is not None and b else None


def _sum(*vals: float | None) -> float | None:
    return None if any(v is None for v in vals) else sum(vals)  # never sum a partial set


def report_record(result: FileResult, batch: Batch | None = None) -> dict[str, Any]:
    """One report's row: identity, dates, counts per severity and per rule, figures, ratios."""
    s = result.summary
    facts = result.facts or {}
    tables = facts.get("tables") or {}
    t3, t4 = tables.get("t3") or {}, tables.get("t4") or {}
    rec: dict[str, Any] = {
        "file": result.path, "agency": s.agency if s else facts.get("agency"),
        "year": s.year if s else facts.get("report_year"), "profile": result.profile,
        "publication_date": (s.publication_date or s.signature_date) if s else None,
        "deadline": s.deadline if s else None, "days_late": s.days_late if s else None,
        "errors": result.count("error"), "warnings": result.count("warning"), "infos": result.count("info"),
        "new": _total(t3, "new"), "carry_in": _total(t3, "carry_in"), "disclosed": _total(t3, "r1"),
        "partly": _total(t3, "r2"), "handled": _total(t3, "r7"), "carry_out": _total(t3, "carry_out"),
        "reviews": _total(t4, "rev"), "reviews_corrected": _total(t4, "rev", "corrected"),
        "lawsuits": _sum(_total(t4, "lit_direct"), _total(t4, "lit_after")),
    }
    rec["disclosure_rate"] = _ratio(rec["disclosed"], rec["handled"])
    rec["correction_rate"] = _ratio(rec["reviews_corrected"], rec["reviews"])
    rate = batch.repeat_rate(s) if batch is not None and s is not None else None
    rec["repeat_rate"] = round(rate, 4) if rate is not None else None
    rec["rules"] = dict(sorted((s.rule_counts if s else {}).items())) if s else \
        {r: sum(1 for f in result.findings if f.rule == r) for r in sorted({f.rule for f in result.findings})}
    if s is not None:  # the cross-report findings came after the summary was made
        for f in result.findings:
            if f.rule.startswith("GIP7"):
                rec["rules"][f.rule] = rec["rules"].get(f.rule, 0) + 1
    return rec


def records(results: list[FileResult], previous: dict[str, str] | None = None,
            context: list[Any] = ()) -> dict[str, Any]:
    """Plain records for a whole run: ``reports`` (one per file), ``by_rule`` (finding rows per
    rule id), ``by_agency`` (each agency's reports by year). ``context``: summaries of reports
    that are not rows themselves (last year's, named with ``--previous``)."""
    summaries = [r.summary for r in results if r.summary is not None] + list(context)
    batch = Batch(summaries, dict(previous or {})) if summaries else None
    reports = [report_record(r, batch) for r in results]
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r, rec in zip(results, reports):
        for f in r.findings:
            by_rule[f.rule].append({"file": r.path, "agency": rec["agency"], "year": rec["year"], "line": f.line,
                                    "column": f.column, "severity": f.severity, "message": f.message})
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r, rec in zip(results, reports):
        key = (r.summary.agency_key if r.summary else None) or rec["agency"] or PurePath(r.path).name
        by_agency[key].append(rec)
    for recs in by_agency.values():
        recs.sort(key=lambda x: x["year"] or 0)
    return {"reports": reports, "by_rule": dict(sorted(by_rule.items())), "by_agency": dict(sorted(by_agency.items()))}
