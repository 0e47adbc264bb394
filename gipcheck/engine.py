"""Run the profile's checks over one document and turn their hits into findings.

Each check runs inside its own try/except: a failing check becomes GIP005 naming the rule,
and every other check still runs.
"""
from __future__ import annotations

import re
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .checks import Context, Hit
from .facts import Facts, extract
from .model import Finding
from .normalize import normalize
from .parse import build
from .profile import choose_profile
from .read.base import Extracted
from .rules import Check, RuleSet
from .saferegex import PatternTimeout
from .segment import segment
from .suppress import COMMENT_PATTERN
from .ast import Document


@dataclass
class Selection:
    """Which rules run (ruff-style prefixes: ``GIP1`` means every GIP1xx rule)."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)

    def enabled(self, rule: str) -> bool:
        chosen = self.select or [""]
        ok = any(rule.startswith(p) for p in chosen + self.extend_select)
        return ok and not any(rule.startswith(p) for p in self.ignore)


# the rules that still run on a document with no text left (GIP002 says so; residue says why)
EMPTY_DOCUMENT_RULES = {"GIP002", "GIP003", "GIP004"}


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, data: dict[str, Any]) -> str:
    return template.format_map(_Defaults(data))


@lru_cache(maxsize=8)
def _residue_patterns(items: tuple[tuple[str, str, str], ...]) -> list[tuple[str, re.Pattern[str], str]]:
    return [(kind, re.compile(pattern, re.IGNORECASE | re.MULTILINE), trigger.lower()) for kind, pattern, trigger in items]


def analyse(extracted: Extracted, rules: RuleSet) -> tuple[Document, Facts]:
    """read → normalize → segment → parse → facts."""
    residue = (("directive", COMMENT_PATTERN, "<!--"),) + tuple(
        (r["kind"], r["pattern"], r.get("trigger", "")) for r in rules.vocabulary.get("residue", []))
    src = normalize(extracted.text, _residue_patterns(residue))
    segment(src)
    doc = build(src, extracted.tables)
    doc.format = extracted.format
    doc.line_sources = extracted.line_sources
    return doc, extract(doc)


def _finding(doc: Document, check: Check, hit: Hit, rules: RuleSet, lang: str, sel: Selection,
             profile: str) -> Finding:
    entry = check.entry
    rule = rules.rules[entry.rule]
    msg_t = entry.message or rule.message
    data = dict(hit.data)
    template = msg_t.en if lang == "en" else msg_t.zh
    # in English, prefer the *_en variant of a value when the check gave one
    if lang == "en":
        for k in list(data):
            if f"{k}_en" in data:
                data[k] = data[f"{k}_en"]
    message = render(template, data)
    basis_t = entry.basis or rule.basis
    basis = (basis_t.en if lang == "en" else basis_t.zh) if basis_t else None
    fix_t = rule.fix
    fix = (fix_t.en if lang == "en" else fix_t.zh) if fix_t else None
    severity = sel.severity.get(rule.id) or hit.severity or entry.severity or rule.severity
    src = doc.source
    if hit.span is not None:
        line, col, end_line, end_col = doc.locate(hit.span)
    elif hit.orig is not None:
        line, col = src.line_col(hit.orig[0])
        end_line, end_col = src.line_col(hit.orig[1])
    else:
        line, col, end_line, end_col = 1, 1, 1, 1
    source = None
    # a finding about something absent has no place in the document, so no paragraph or page
    if (hit.span is not None or hit.orig is not None) and doc.line_sources and 0 < line <= len(doc.line_sources):
        source = doc.line_sources[line - 1] or None
    return Finding(rule.id, severity, message, line, col, end_line, end_col, basis, rule.name, fix, source)


def _abandoned(rules: RuleSet, lang: str, sel: Selection, zh: str, en: str) -> list[Finding]:
    """GIP007: a check given up (a pattern that backtracks for ever, the file's time budget)."""
    rule = rules.rules.get("GIP007")
    if rule is None or not sel.enabled("GIP007"):
        return []
    text = render(rule.message.en if lang == "en" else rule.message.zh, {"what": en if lang == "en" else zh})
    return [Finding("GIP007", sel.severity.get("GIP007", rule.severity), text, 1, 1, 1, 1, None, rule.name)]


def run_checks(doc: Document, facts: Facts, profile: str, rules: RuleSet, sel: Selection,
               lang: str = "zh", budget: float | None = None) -> list[Finding]:
    """Run the profile's checks; ``budget`` (seconds): checks not started by then are skipped."""
    ctx = Context(doc, facts, profile, rules.vocabulary)
    findings: list[Finding] = []
    empty = not doc.view.strip()
    deadline = time.monotonic() + budget if budget else None
    skipped: list[str] = []
    for check in rules.checks_for(profile):
        if not sel.enabled(check.entry.rule):
            continue
        if empty and check.entry.rule not in EMPTY_DOCUMENT_RULES:
            continue  # nothing to check: "missing" findings about an empty file would only be noise
        if deadline is not None and time.monotonic() > deadline:
            skipped.append(check.entry.rule)
            continue
        try:
            hits = list(check.func(ctx, check.params))
        except PatternTimeout as exc:  # a rule file's pattern that backtracks: give up on it, go on
            findings += _abandoned(
                rules, lang, sel,
                f"规则 {check.entry.rule}（{check.origin}）的正则表达式 {exc.pattern!r} 匹配超过 {exc.seconds:g} 秒，已放弃这项检查；"
                f"其他规则已照常检查。请改写这个表达式（避免 (a+)+ 这类嵌套重复）",
                f"rule {check.entry.rule} ({check.origin}): its pattern {exc.pattern!r} ran past {exc.seconds:g} s and "
                f"was abandoned; every other rule still ran. Rewrite the pattern (avoid nested repeats such as (a+)+)")
            continue
        except Exception as exc:  # a bug in a check must not stop the others
            if not sel.enabled("GIP005"):
                continue
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}"
            rule = rules.rules["GIP005"]
            t = rule.message.en if lang == "en" else rule.message.zh
            findings.append(Finding("GIP005", "error", render(t, {"rule": check.entry.rule, "check": check.entry.check,
                                                                   "error": f"{type(exc).__name__}: {exc} ({where})"}),
                                    1, 1, 1, 1, None, rule.name))
            continue
        for hit in hits:
            findings.append(_finding(doc, check, hit, rules, lang, sel, profile))
    if skipped:
        names = "、".join(dict.fromkeys(skipped))
        findings += _abandoned(
            rules, lang, sel,
            f"检查超过每个文件的时间上限（{budget:g} 秒），以下规则未检查：{names}",
            f"checking took longer than the per-file time budget ({budget:g} s); not checked: {', '.join(dict.fromkeys(skipped))}")
    findings.sort(key=Finding.sort_key)
    return findings


def table_numbers(doc: Document, facts: Facts, profile: str, rules: RuleSet) -> dict[str, object]:
    """The tables as numbers for the JSON facts, read the way the profile's checks read them."""
    from .checks.prescribed import read_prescribed
    from .checks.tables import stats_numbers

    ctx = Context(doc, facts, profile, rules.vocabulary)
    checks = rules.checks_for(profile)
    try:
        out: dict[str, object] = {k: v.to_json() for k, v in read_prescribed(ctx, checks).items()}
        hints = next((c.params.row_hints for c in checks if c.entry.check == "stats_table_2008"), None)
        if hints:
            stats = stats_numbers(ctx, hints)
            if stats:
                out["stats"] = stats
    except Exception:  # noqa: BLE001 - the numbers are a convenience; the checks report problems
        return {}
    return out


def check_document(extracted: Extracted, rules: RuleSet, *, profile: str | None = None,
                   sel: Selection | None = None, lang: str = "zh",
                   budget: float | None = None) -> tuple[Document, Facts, str, list[str], list[Finding]]:
    doc, facts = analyse(extracted, rules)
    chosen, evidence = choose_profile(doc, facts, profile)
    facts.tables = table_numbers(doc, facts, chosen, rules)
    # the budget covers the checks only: parsing is bounded by the reader's size and line
    # limits, and its one-time costs (building the grammar on a cold cache) must not make a
    # busy machine skip checks
    findings = run_checks(doc, facts, chosen, rules, sel or Selection(), lang, budget)
    return doc, facts, chosen, evidence, findings
