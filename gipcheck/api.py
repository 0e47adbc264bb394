"""The library API: check or parse one report, or many, without the CLI.

    >>> import gipcheck
    >>> result = gipcheck.check("年报.docx")          # a path
    >>> result = gipcheck.check_text("…report text…")  # or text
    >>> [f.rule for f in result.findings]
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Literal

from . import suppress
from .ast import Document
from .engine import Selection, analyse, check_document
from .model import SEVERITIES, FileResult, Finding, RunResult, Severity
from .ruleids import LANGS, PROFILES, check_choice, resolve, resolve_all
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


Profile = Literal["gip-2008", "gip-2019", "gip-2021"]
Lang = Literal["zh", "en"]


@dataclass
class Options:
    """How to check: the profile (None: from the report year), the message language, which
    rules run (:class:`Selection`), extra rule files and reading limits. A profile or language
    gipcheck does not know is a ValueError here, not a silent default."""

    profile: Profile | None = None
    lang: Lang = "zh"
    selection: Selection = field(default_factory=Selection)
    extra_rules: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        check_choice(self.profile, PROFILES, "profile")
        check_choice(self.lang, LANGS, "lang")


def options(*, profile: Profile | None = None, lang: Lang = "zh", select: Iterable[str] | None = None,
            ignore: Iterable[str] = (), extend_select: Iterable[str] = (), severity: dict[str, Severity] | None = None,
            extra_rules: Iterable[str | os.PathLike[str]] = (), limits: Limits | None = None) -> Options:
    """Options from keyword arguments, every rule selector checked against the loaded rules
    (ids, prefixes such as GIP4 or a province's FJ, names such as title-missing, ALL): an unknown
    one raises :class:`~gipcheck.ruleids.UnknownRule` (a ValueError) with a "did you mean"."""
    extra = tuple(str(Path(p).resolve()) for p in extra_rules)
    rs = rules(extra)
    for sev in (severity or {}).values():
        check_choice(sev, SEVERITIES, "severity")
    sel = Selection(resolve_all(select or [], rs, "select"), resolve_all(ignore, rs, "ignore"),
                    resolve_all(extend_select, rs, "extend_select"),
                    {resolve(k, rs, "severity"): v for k, v in (severity or {}).items()})
    return Options(profile=profile, lang=lang, selection=sel, extra_rules=extra, limits=limits or Limits())


def _basis(rule, lang: str) -> str | None:
    """A rule's basis in the message language (findings made outside the engine carry it too)."""
    return (rule.basis.en if lang == "en" else rule.basis.zh) if rule is not None and rule.basis else None


def _unreadable(path: str, err: InputError, ruleset: RuleSet, opts: Options) -> FileResult:
    rule = ruleset.rules.get(err.rule)
    severity = opts.selection.severity_for(err.rule) or (rule.severity if rule else "error")
    name = rule.name if rule else ""
    findings = [Finding(err.rule, severity, err.message(opts.lang), 1, 1, 1, 1, _basis(rule, opts.lang), name)]
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
    from .report.grids import table_grids

    return FileResult(path, profile, facts.to_json(doc), findings, extracted.format, evidence, lines, suppressed,
                      table_grids(doc))


def _notes(extracted: Extracted, ruleset: RuleSet, opts: Options) -> list[Finding]:
    """Remarks a reader made (a scanned page with no text layer, OCR used) as findings."""
    out = []
    for rule_id, zh, en, line in extracted.notes:
        rule = ruleset.rules.get(rule_id)
        if rule is None or not opts.selection.enabled(rule_id):
            continue
        sev = opts.selection.severity_for(rule_id) or rule.severity
        source = extracted.line_sources[line - 1] if extracted.line_sources and 0 < line <= len(extracted.line_sources) else None
        out.append(Finding(rule_id, sev, en if opts.lang == "en" else zh, max(1, line), 1, max(1, line), 1,
                           _basis(rule, opts.lang), rule.name, None, source))
    return out


def _suppress(findings: list[Finding], lines: list[str], extracted: Extracted, ruleset: RuleSet,
              opts: Options) -> tuple[list[Finding], int]:
    known = set(ruleset.rules)
    names = {r.name: r.id for r in ruleset.rules.values()}  # a rule's name works wherever its id does
    directives = suppress.parse_directives(lines, known, names)
    directives += suppress.adapter_directives(extracted.directives, len(lines), known, names)
    if not directives:
        return findings, 0
    rule = ruleset.rules["GIP006"]

    def unused(d: suppress.Directive, zh: str, en: str) -> Finding:
        msg = (rule.message.en if opts.lang == "en" else rule.message.zh).format(problem=en if opts.lang == "en" else zh)
        sev = opts.selection.severity_for("GIP006") or rule.severity
        source = extracted.line_sources[d.line - 1] if extracted.line_sources and d.line <= len(extracted.line_sources) else None
        return Finding("GIP006", sev, msg, d.line, d.column, d.line, d.end_column, _basis(rule, opts.lang), rule.name,
                       (rule.fix.en if opts.lang == "en" else rule.fix.zh) if rule.fix else None, source)

    if not opts.selection.enabled("GIP006"):
        return suppress.apply(findings, directives, lambda *a: None)  # hidden findings still counted
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


_SENTENCE = re.compile(r"[。，；！？、]")
_EXTENSION = re.compile(r"[^/\\.]\.[A-Za-z0-9]{1,5}$")


def names_a_path(value: str | os.PathLike[str]) -> bool:
    """Whether ``check()``/``parse()`` read ``value`` as a file name rather than as report text.

    A PathLike always is. A string is when it has no line break and names an existing file,
    ends in a report extension (.docx, .pdf …), or has a path separator, a file extension and no
    sentence punctuation — so ``"examples/2023_pingtan.tx"``, a mistyped path, is a missing file
    (GIP001), not a one-line report about nothing."""
    if isinstance(value, os.PathLike):
        return True
    if "\n" in value or "\r" in value or not value.strip() or len(value) > 4096:
        return False
    if os.path.isfile(value) or Path(value).suffix.lower() in REPORT_SUFFIXES:
        return True
    return (("/" in value or os.sep in value) and _EXTENSION.search(value) is not None
            and not _SENTENCE.search(value))


def check(path_or_text: str | os.PathLike[str], *, profile: Profile | None = None, lang: Lang = "zh",
          select: Iterable[str] | None = None, ignore: Iterable[str] = (), extend_select: Iterable[str] = (),
          severity: dict[str, Severity] | None = None, extra_rules: Iterable[str | os.PathLike[str]] = (),
          limits: Limits | None = None) -> FileResult:
    """Check one report, given as a path or as its text (see :func:`names_a_path`).

    ``select``/``ignore``/``extend_select`` take rule ids, prefixes (``GIP4``) or names
    (``title-missing``); ``severity`` maps them to ``"error"``/``"warning"``/``"info"``;
    ``extra_rules`` are rule files (a province's own rules). Unknown profiles, languages or
    rules raise ValueError; an unreadable or missing file is a result with one GIP001 finding."""
    opts = options(profile=profile, lang=lang, select=select, ignore=ignore, extend_select=extend_select,
                   severity=severity, extra_rules=extra_rules, limits=limits)
    if names_a_path(path_or_text):
        return check_file(path_or_text, opts)
    return check_extracted(Extracted(text=str(path_or_text)), "<text>", opts)


def check_text(text: str, *, profile: Profile | None = None, lang: Lang = "zh", select: Iterable[str] | None = None,
               ignore: Iterable[str] = (), extend_select: Iterable[str] = (), severity: dict[str, Severity] | None = None,
               extra_rules: Iterable[str | os.PathLike[str]] = (), name: str = "<text>") -> FileResult:
    """Check report text (never read as a file name, whatever it looks like).

    Takes the same options as :func:`check`; ``name`` is the path shown in results."""
    opts = options(profile=profile, lang=lang, select=select, ignore=ignore, extend_select=extend_select,
                   severity=severity, extra_rules=extra_rules)
    return check_extracted(Extracted(text=text), name, opts)


def parse(path_or_text: str | os.PathLike[str]) -> Document:
    """Parse a report (path or text, as :func:`check` tells them apart) into its :class:`~gipcheck.ast.Document`."""
    if names_a_path(path_or_text):
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
