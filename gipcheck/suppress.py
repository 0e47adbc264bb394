"""Inline suppressions in the report itself, and reporting the ones that suppress nothing.

In text and Markdown reports (and in Word comments, once an adapter passes them on)::

    <!-- gipcheck: disable-file=GIP602 -->        the whole file (no list: every rule)
    <!-- gipcheck: disable=GIP603 --> … <!-- gipcheck: enable=GIP603 -->   a range of lines
    <!-- gipcheck: disable-next-line=GIP101 -->   the next line with text
    公开公开 <!-- gipcheck: disable-line=GIP602 -->   this line (also: disable= at the end of a line)

A directive that suppresses nothing, or names an unknown rule, is itself reported (GIP006).
Directive comments are cut out of the text rules see, so they never trigger findings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Finding

DIRECTIVE = re.compile(
    r"<!--\s*gipcheck\s*:\s*(?P<kind>disable-file|disable-next-line|disable-line|disable|enable)"
    r"(?:\s*=\s*(?P<rules>[A-Za-z0-9,\s-]*?))?\s*-->")
# Comments cut out of the view before parsing: gipcheck directives and rule-test annotations.
COMMENT_PATTERN = r"<!--\s*(?:gipcheck|ruleid|ok|todoruleid|todook)\s*:[^\n]*?-->"


@dataclass
class Directive:
    kind: str
    rules: list[str]  # empty: every rule
    line: int
    column: int
    end_column: int
    first: int = 0  # lines it covers
    last: int = 0
    used: bool = False
    unknown: list[str] = field(default_factory=list)

    def covers(self, f: Finding) -> bool:
        return self.first <= f.line <= self.last and (not self.rules or any(f.rule.startswith(r) for r in self.rules))


def _rule_list(text: str | None, names: dict[str, str] | None) -> list[str]:
    """The rules a directive names: ids or prefixes (upper-cased) or rule names (repeated-word)."""
    out = []
    for r in (text or "").split(","):
        r = r.strip()
        if r:
            out.append((names or {}).get(r.lower(), r.lower() if "-" in r else r.upper()))
    return out


def parse_directives(lines: list[str], known: set[str], names: dict[str, str] | None = None) -> list[Directive]:
    out: list[Directive] = []
    open_ranges: list[Directive] = []
    n = len(lines)
    for i, text in enumerate(lines, start=1):
        if "<!--" not in text:  # every directive starts with it: most lines are skipped in C
            continue
        for m in DIRECTIVE.finditer(text):
            rules = _rule_list(m.group("rules"), names)
            d = Directive(m.group("kind"), rules, i, m.start() + 1, m.end() + 1)
            d.unknown = [r for r in rules if not any(k.startswith(r) for k in known)]
            alone = not (text[: m.start()].strip() or text[m.end():].strip())
            if d.kind == "disable-file":
                d.first, d.last = 1, n
            elif d.kind == "disable-line" or (d.kind == "disable" and not alone):
                d.first = d.last = i
            elif d.kind == "disable-next-line":
                j = i + 1
                while j <= n and (not lines[j - 1].strip() or DIRECTIVE.fullmatch(lines[j - 1].strip())):
                    j += 1
                d.first = d.last = min(j, n)
            elif d.kind == "disable":
                d.first, d.last = i, n
                open_ranges.append(d)
            elif d.kind == "enable":
                for r in reversed(open_ranges):
                    if not d.rules or not r.rules or set(d.rules) & set(r.rules):
                        r.last = i
                        open_ranges.remove(r)
                        break
                d.used = True  # an enable directive is never "unused"
            out.append(d)
    return out


_WORD = re.compile(r"^\s*gipcheck\s*:\s*(?P<kind>disable-file|disable-next-line|disable-line|disable)"
                   r"(?:\s*=\s*(?P<rules>[A-Za-z0-9,\s-]*))?\s*$")


def adapter_directives(items: list[tuple[int, str]], n_lines: int, known: set[str],
                       names: dict[str, str] | None = None) -> list[Directive]:
    """Directives from outside the text (a Word comment on a paragraph): they cover that line,
    or the whole file for disable-file."""
    out = []
    for line, text in items:
        m = _WORD.match(text)
        if not m:
            continue
        rules = _rule_list(m.group("rules"), names)
        d = Directive(m.group("kind"), rules, line, 1, 1)
        d.unknown = [r for r in rules if not any(k.startswith(r) for k in known)]
        d.first, d.last = (1, n_lines) if d.kind == "disable-file" else (line, line)
        out.append(d)
    return out


def apply(findings: list[Finding], directives: list[Directive], make_unused) -> tuple[list[Finding], int]:
    """Drop suppressed findings; add one GIP006 per unused or unknown directive.

    ``make_unused(directive, reason_zh, reason_en)`` builds that finding (it knows the language).
    """
    kept: list[Finding] = []
    suppressed = 0
    for f in findings:
        hit = next((d for d in directives if d.kind != "enable" and d.covers(f)), None)
        if hit is not None and f.rule not in ("GIP001", "GIP006"):
            hit.used = True
            suppressed += 1
        else:
            kept.append(f)
    for d in directives:
        note = None
        if d.unknown:
            note = make_unused(d, f"未知的规则编号：{', '.join(d.unknown)}", f"unknown rule id: {', '.join(d.unknown)}")
        elif not d.used:
            note = make_unused(d, "该屏蔽指令没有屏蔽任何问题，可以删除", "this suppression suppresses nothing; remove it")
        if note is not None:  # None: GIP006 is not selected
            kept.append(note)
    kept.sort(key=Finding.sort_key)
    return kept, suppressed
