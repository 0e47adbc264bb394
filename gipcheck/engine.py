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
from .ruleset import Check, RuleSet
from .saferegex import PatternTimeout
from .segment import segment
from .tables import TableSet, build as build_tables
from .suppress import COMMENT_PATTERN
from .ast import Document


@dataclass
class Selection:
    """Which rules run (ruff-style prefixes: ``GIP1`` means every GIP1xx rule)."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)

    def severity_for(self, rule: str) -> str | None:
        """The configured severity of a rule: its own id, else its longest configured prefix."""
        best = max((p for p in self.severity if rule.startswith(p)), key=len, default=None)
        return self.severity[best] if best is not None else None

    def enabled(self, rule: str) -> bool:
        # str.startswith with a tuple: one call per list instead of a generator (every check, every report)
        chosen = self.select or [""]
        return rule.startswith(tuple(chosen + self.extend_select)) and not rule.startswith(tuple(self.ignore))


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
    """read → normalize → segment → parse → facts (the tables follow once the profile is known)."""
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
    msg_t = rule.variants.get(hit.variant) if hit.variant else None
    msg_t = msg_t or entry.message or rule.message
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
    severity = sel.severity_for(rule.id) or hit.severity or entry.severity or rule.severity
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


def _internal_error(rules: RuleSet, lang: str, rule_id: str, check: str, exc: Exception) -> Finding:
    """GIP005: a bug in gipcheck (a check, the tables stage), named with where it happened."""
    tb = traceback.extract_tb(exc.__traceback__)[-1]
    where = f"{tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}"
    rule = rules.rules["GIP005"]
    t = rule.message.en if lang == "en" else rule.message.zh
    basis = (rule.basis.en if lang == "en" else rule.basis.zh) if rule.basis else None
    return Finding("GIP005", "error", render(t, {"rule": rule_id, "check": check,
                                                 "error": f"{type(exc).__name__}: {exc} ({where})"}),
                   1, 1, 1, 1, basis, rule.name)


def run_checks(doc: Document, facts: Facts, profile: str, rules: RuleSet, sel: Selection,
               lang: str = "zh", budget: float | None = None) -> list[Finding]:
    """Run the profile's checks; ``budget`` (seconds): checks not started by then are skipped."""
    ctx = Context(doc, facts, profile, rules.vocabulary)
    findings: list[Finding] = []
    pairs: list[tuple[Check, Hit]] = []
    empty = not doc.view or doc.view.isspace()  # = not view.strip(), without copying the text
    deadline = time.monotonic() + budget if budget else None
    skipped: list[str] = []
    for check in rules.selected_checks(profile, sel):
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
            findings.append(_internal_error(rules, lang, check.entry.rule, check.entry.check, exc))
            continue
        pairs.extend((check, hit) for hit in hits)
    _name_missing_parts(pairs, rules)
    findings += [_finding(doc, check, hit, rules, lang, sel, profile) for check, hit in pairs]
    if skipped:
        names = "、".join(dict.fromkeys(skipped))
        findings += _abandoned(
            rules, lang, sel,
            f"检查超过每个文件的时间上限（{budget:g} 秒），以下规则未检查：{names}",
            f"checking took longer than the per-file time budget ({budget:g} s); not checked: {', '.join(dict.fromkeys(skipped))}")
    findings.sort(key=Finding.sort_key)
    return findings


def _name_missing_parts(pairs: list[tuple[Check, Hit]], rules: RuleSet) -> None:
    """A GIP106 (the introduction counts more parts than the body has) and the GIP102s that
    account for the difference are one problem: GIP106 then names the missing parts and says
    they are reported as missing content, instead of repeating a bare count."""
    declared = [h for c, h in pairs if c.entry.rule == "GIP106" and "declared" in h.data and "found" in h.data]
    missing = [h for c, h in pairs if c.entry.rule == "GIP102" and "item" in h.data]
    if len(declared) != 1 or not missing or "missing_named" not in rules.rules["GIP106"].variants:
        return
    hit = declared[0]
    try:
        gap = int(hit.data["declared"]) - int(hit.data["found"])
    except (TypeError, ValueError):
        return
    if gap == len(missing):
        hit.variant = "missing_named"
        hit.data["item"] = "”“".join(str(h.data["item"]) for h in missing)
        hit.data["item_en"] = "', '".join(str(h.data.get("item_en", h.data["item"])) for h in missing)


def check_document(extracted: Extracted, rules: RuleSet, *, profile: str | None = None,
                   sel: Selection | None = None, lang: str = "zh",
                   budget: float | None = None) -> tuple[Document, Facts, str, list[str], list[Finding]]:
    doc, facts = analyse(extracted, rules)
    chosen, evidence = choose_profile(doc, facts, profile, rules.profiles)
    sel = sel or Selection()
    stage_error: Finding | None = None
    try:
        facts.tables = build_tables(doc, rules.tables_for(chosen))
    except Exception as exc:  # a bug in a table reader: the checks still run, on no tables
        facts.tables = TableSet({d.id: d for d in rules.tables_for(chosen) if d.id}, failed=True)
        stage_error = _internal_error(rules, lang, "GIP401–GIP408", "tables", exc)
    # the budget covers the checks only: parsing is bounded by the reader's size and line
    # limits, and its one-time costs (building the grammar on a cold cache) must not make a
    # busy machine skip checks
    findings = run_checks(doc, facts, chosen, rules, sel, lang, budget)
    if stage_error is not None and sel.enabled("GIP005"):
        findings.insert(0, stage_error)
    return doc, facts, chosen, evidence, findings
