"""The library API: check or parse one report, or many, without the CLI.

    >>> import gipcheck
    >>> result = gipcheck.check("年报.docx")          # a path
    >>> result = gipcheck.check_text("…report text…")  # or text
    >>> [f.rule for f in result.findings]
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import suppress
from .ast import Document
from .engine import Selection, analyse, check_document
from .model import FileResult, Finding, RunResult
from .read import Extracted, InputError, Limits, display_name, read_path
from .rules import RuleSet, load_rules

__version__ = "0.1.0"

_RULES: dict[tuple[str, ...], RuleSet] = {}


def rules(extra: Iterable[str | os.PathLike[str]] = ()) -> RuleSet:
    """The loaded rule set (built-in files plus ``extra``), cached per combination."""
    key = tuple(str(p) for p in extra)
    if key not in _RULES:
        _RULES[key] = load_rules([Path(p) for p in key])
    return _RULES[key]


@dataclass
class Options:
    profile: str | None = None
    lang: str = "zh"
    selection: Selection = field(default_factory=Selection)
    extra_rules: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)


def _unreadable(path: str, err: InputError, ruleset: RuleSet, opts: Options) -> FileResult:
    rule = ruleset.rules.get(err.rule)
    severity = opts.selection.severity.get(err.rule) or (rule.severity if rule else "error")
    name = rule.name if rule else ""
    findings = [Finding(err.rule, severity, err.message(opts.lang), 1, 1, 1, 1, None, name)]
    if err.rule != "GIP001":
        return FileResult(path, None, None, findings)
    return FileResult(path, None, None, findings)


def check_extracted(extracted: Extracted, path: str = "<text>", opts: Options | None = None) -> FileResult:
    opts = opts or Options()
    ruleset = rules(opts.extra_rules)
    doc, facts, profile, evidence, findings = check_document(
        extracted, ruleset, profile=opts.profile, sel=opts.selection, lang=opts.lang, budget=opts.limits.max_seconds)
    lines = doc.source.original_lines()
    findings += _notes(extracted, ruleset, opts)
    findings.sort(key=Finding.sort_key)
    findings, suppressed = _suppress(findings, lines, extracted, ruleset, opts)
    return FileResult(path, profile, facts.to_json(doc), findings, extracted.format, evidence, lines, suppressed)


def _notes(extracted: Extracted, ruleset: RuleSet, opts: Options) -> list[Finding]:
    """Remarks a reader made (a scanned page with no text layer, OCR used) as findings."""
    out = []
    for rule_id, zh, en, line in extracted.notes:
        rule = ruleset.rules.get(rule_id)
        if rule is None or not opts.selection.enabled(rule_id):
            continue
        sev = opts.selection.severity.get(rule_id, rule.severity)
        source = extracted.line_sources[line - 1] if extracted.line_sources and 0 < line <= len(extracted.line_sources) else None
        out.append(Finding(rule_id, sev, en if opts.lang == "en" else zh, max(1, line), 1, max(1, line), 1, None,
                           rule.name, None, source))
    return out


def _suppress(findings: list[Finding], lines: list[str], extracted: Extracted, ruleset: RuleSet,
              opts: Options) -> tuple[list[Finding], int]:
    known = set(ruleset.rules)
    directives = suppress.parse_directives(lines, known)
    directives += suppress.adapter_directives(extracted.directives, len(lines), known)
    if not directives:
        return findings, 0
    rule = ruleset.rules["GIP006"]

    def unused(d: suppress.Directive, zh: str, en: str) -> Finding:
        msg = (rule.message.en if opts.lang == "en" else rule.message.zh).format(problem=en if opts.lang == "en" else zh)
        sev = opts.selection.severity.get("GIP006", rule.severity)
        source = extracted.line_sources[d.line - 1] if extracted.line_sources and d.line <= len(extracted.line_sources) else None
        return Finding("GIP006", sev, msg, d.line, d.column, d.line, d.end_column, None, rule.name,
                       (rule.fix.en if opts.lang == "en" else rule.fix.zh) if rule.fix else None, source)

    if not opts.selection.enabled("GIP006"):
        return suppress.apply(findings, directives, lambda *a: None)[0], 0
    return suppress.apply(findings, directives, unused)


def check_file(path: str | os.PathLike[str], opts: Options | None = None) -> FileResult:
    """Check one file; an unreadable file gives a result with one GIP001 finding, not an exception."""
    opts = opts or Options()
    name = display_name(path)  # a non-UTF-8 file name must not break a UTF-8 report
    try:
        extracted = read_path(path, opts.limits)
    except InputError as err:
        return _unreadable(name, err, rules(opts.extra_rules), opts)
    return check_extracted(extracted, name, opts)


def check(path_or_text: str | os.PathLike[str], *, profile: str | None = None, lang: str = "zh",
          select: list[str] | None = None, ignore: list[str] | None = None) -> FileResult:
    """Check a report given as a path (str or PathLike) or, if it is not an existing file, as text."""
    opts = Options(profile=profile, lang=lang, selection=Selection(select or [], ignore or []))
    if isinstance(path_or_text, os.PathLike) or (
            "\n" not in path_or_text and len(path_or_text) < 4096 and os.path.isfile(path_or_text)):
        return check_file(path_or_text, opts)
    return check_extracted(Extracted(text=str(path_or_text)), "<text>", opts)


def check_text(text: str, *, profile: str | None = None, lang: str = "zh") -> FileResult:
    return check_extracted(Extracted(text=text), "<text>", Options(profile=profile, lang=lang))


def parse(path_or_text: str | os.PathLike[str]) -> Document:
    """Parse a report (path or text) into its :class:`~gipcheck.ast.Document`."""
    if isinstance(path_or_text, os.PathLike) or (
            "\n" not in path_or_text and len(path_or_text) < 4096 and os.path.isfile(path_or_text)):
        extracted = read_path(path_or_text)
    else:
        extracted = Extracted(text=str(path_or_text))
    doc, _facts = analyse(extracted, rules())
    return doc


REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".docx", ".doc", ".wps", ".odt", ".html", ".htm", ".shtml", ".pdf"}


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files as given; directories walked (sorted) for report files."""
    for p in paths:
        path = Path(p)
        try:
            is_dir = path.is_dir()
        except OSError:  # inside an unreadable folder, a loop: read_path gives it one GIP001
            is_dir = False
        if is_dir:
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not any(
                        part.startswith(".") for part in f.relative_to(path).parts):
                    yield str(f)
        else:
            yield str(p)


def check_paths(paths: Iterable[str | os.PathLike[str]], opts: Options | None = None) -> Iterator[FileResult]:
    """Check many files, one result at a time; a bad file never stops the rest."""
    opts = opts or Options()
    for p in expand_paths(paths):
        yield check_file(p, opts)


def run(paths: Iterable[str | os.PathLike[str]], opts: Options | None = None) -> RunResult:
    return RunResult(list(check_paths(paths, opts)), __version__)
