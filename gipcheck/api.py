"""The library API: check or parse one report, or many, without the CLI — and the same as the CLI.

    >>> import gipcheck
    >>> result = gipcheck.check("年报.docx")          # a path: its closest .gipcheck.yaml applies
    >>> result = gipcheck.check_text("…report text…")  # or text, with the options given and nothing else
    >>> [f.rule for f in result.findings]
    >>> for r in gipcheck.check_paths(["reports/"], jobs=2):   # many, in input order, as they finish
    ...     print(r.path, r.failed)

``check`` and ``check_paths`` resolve each file's settings as ``gipcheck check`` does
(:mod:`gipcheck.settings`: configuration found upward, ``config=``/``isolated=``, limits,
baseline, fail-on); ``check_file``/``check_text``/``check_extracted`` take resolved
:class:`Options` and read no configuration.
"""
from __future__ import annotations

import os
import re
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from . import suppress
from .ast import Document
from .engine import Selection, analyse, check_document
from .model import SEVERITIES, FileResult, Finding, RunResult, Severity
from .ruleids import check_choice, resolve, resolve_all
from .read import Extracted, InputError, Limits, display_name, read_bytes, read_path
from .ruleset import RuleSet, load_rules
from .settings import Lang, Options, Profile, Settings
from .settings import resolve as resolve_settings

if TYPE_CHECKING:
    from .batch import BatchCheck, Job

__all__ = ["Lang", "Options", "Profile", "Settings", "check", "check_bytes", "check_extracted", "check_file",
           "check_paths", "check_text", "expand_paths", "loaded_rules", "names_a_path", "options", "parse",
           "resolve_settings", "rules", "run"]

__version__ = "0.1.0"

_RULES: dict[tuple[str, ...], RuleSet] = {}


def rules(extra: Iterable[str | os.PathLike[str]] = ()) -> RuleSet:
    """The loaded rule set (built-in files plus ``extra``), cached per combination."""
    key = tuple(str(p) for p in extra)
    if key not in _RULES:
        _RULES[key] = load_rules([Path(p) for p in key])
    return _RULES[key]


def loaded_rules() -> dict[tuple[str, ...], RuleSet]:
    """Every rule set loaded so far in this process (reporters describe the rules of all of them)."""
    return dict(_RULES)

def options(*, profile: Profile | None = None, lang: Lang = "zh", select: Iterable[str] | None = None,
            ignore: Iterable[str] = (), extend_select: Iterable[str] = (), severity: dict[str, Severity] | None = None,
            extra_rules: Iterable[str | os.PathLike[str]] = (), limits: Limits | None = None,
            fail_on: Severity = "error") -> Options:
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
    return Options(profile=profile, lang=lang, selection=sel, extra_rules=extra, limits=limits or Limits(),
                   fail_on=fail_on)


def _basis(rule, lang: str) -> str | None:
    """A rule's basis in the message language (findings made outside the engine carry it too)."""
    return (rule.basis.en if lang == "en" else rule.basis.zh) if rule is not None and rule.basis else None


def _unreadable(path: str, err: InputError, ruleset: RuleSet, opts: Options) -> FileResult:
    rule = ruleset.rules.get(err.rule)
    severity = opts.selection.severity_for(err.rule) or (rule.severity if rule else "error")
    name = rule.name if rule else ""
    findings = [Finding(err.rule, severity, err.message(opts.lang), 1, 1, 1, 1, _basis(rule, opts.lang), name)]
    return FileResult(path, None, None, findings, fail_on=opts.fail_on)


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

    result = FileResult(path, profile, facts.to_json(doc), findings, extracted.format, evidence, lines, suppressed,
                        table_grids(doc), fail_on=opts.fail_on)
    if opts.cross:
        result.summary = _summary(doc, facts, profile, path, findings, ruleset, opts)
    return result


def _summary(doc: Document, facts: Any, profile: str, path: str, findings: list[Finding], ruleset: RuleSet,
             opts: Options) -> Any:
    from .cross import summarize
    from .deadline import legal_deadline

    judged = facts.publication_date or (doc.signature.date if doc.signature else None)
    due = None
    late = next((c for c in ruleset.checks_for(profile) if c.entry.rule == "GIP504"), None)
    if late is not None and facts.report_year:
        agency = facts.agency or (doc.signature.agency if doc.signature else None)
        due, _kind = legal_deadline(agency, facts.report_year, late.params.kinds, late.params.deadlines)
    cross_rules = tuple(dict.fromkeys(c.entry.rule for c in ruleset.cross_checks))
    return summarize(doc, facts, profile, path, findings, ruleset.vocabulary, (judged, due), opts, cross_rules)


def cross_check(results: list[FileResult], opts: Options | None = None,
                previous: dict[str, str] | None = None) -> list[FileResult]:
    """Add the cross-report findings (GIP701–GIP704) to ``results`` (checked with ``cross=True``).

    ``previous`` maps a report's path to the path of the same agency's previous report, when
    the user named it (``--previous``); otherwise histories are found by agency and year.
    """
    from .cross import cross_findings

    opts = opts or Options()
    extra = cross_findings([r.summary for r in results], rules(opts.extra_rules), previous)
    for r in results:
        if r.path in extra:
            r.findings = sorted(r.findings + extra[r.path], key=Finding.sort_key)
    return results


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
    if not extracted.directives and "<!--" not in extracted.text:
        return findings, 0  # every directive starts with <!-- (the lines are this text's): nothing to parse
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


def check_example(text: str, opts: Options | None = None, *, previous: str | None = None,
                  other: str | None = None) -> FileResult:
    """Check a rule example: ``text`` alone, or with last year's report (``previous``) or another
    agency's report (``other``) beside it, so the cross-report rules have their second report."""
    opts = opts or Options()
    if previous is None and other is None:
        return check_extracted(Extracted(text=text), "<example>", opts)
    import dataclasses

    copts = dataclasses.replace(opts, cross=True)
    second = "<previous>" if previous is not None else "<other>"
    results = [check_extracted(Extracted(text=previous if previous is not None else other or ""), second, copts),
               check_extracted(Extracted(text=text), "<example>", copts)]
    cross_check(results, copts, {"<example>": "<previous>"} if previous is not None else None)
    return results[1]


def check_file(path: str | os.PathLike[str], opts: Options | None = None) -> FileResult:
    """Check one file; an unreadable file gives a result with one GIP001 finding, not an exception."""
    opts = opts or Options()
    name = display_name(path)  # a non-UTF-8 file name must not break a UTF-8 report
    try:
        extracted = read_path(path, opts.limits)
    except InputError as err:
        return _unreadable(name, err, rules(opts.extra_rules), opts)
    return check_extracted(extracted, name, opts)


def check_bytes(data: bytes, name: str = "-", opts: Options | None = None) -> FileResult:
    """Check a report given as bytes (stdin, an upload): its format and encoding are detected as for a file."""
    opts = opts or Options()
    try:
        extracted = read_bytes(data, name, opts.limits)
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


def check(path_or_text: str | os.PathLike[str], *, profile: Profile | None = None, lang: Lang | None = None,
          select: Iterable[str] | None = None, ignore: Iterable[str] = (), extend_select: Iterable[str] = (),
          severity: dict[str, Severity] | None = None, extra_rules: Iterable[str | os.PathLike[str]] = (),
          limits: Limits | None = None, config: str | os.PathLike[str] | None = None, isolated: bool = False,
          fail_on: Severity | None = None, baseline: str | os.PathLike[str] | None = None) -> FileResult:
    """Check one report, given as a path or as its text (see :func:`names_a_path`), as ``gipcheck check`` would.

    Settings are resolved as the command line resolves them (:mod:`gipcheck.settings`): the
    configuration closest to the file (for text: to the current folder, like ``gipcheck check -``),
    or ``config``, or none with ``isolated``; the keyword arguments play the part of the flags.
    ``select``/``ignore``/``extend_select`` take rule ids, prefixes (``GIP4``) or names
    (``title-missing``); ``severity`` maps them to ``"error"``/``"warning"``/``"info"``;
    ``extra_rules`` are rule files (a province's own rules); ``baseline`` a baseline file whose
    findings are hidden; ``result.failed`` applies the fail-on severity. Unknown profiles,
    languages or rules raise ValueError; an unreadable or missing file is a result with one GIP001
    finding."""
    settings = Settings(profile=profile, lang=lang, select=tuple(select) if select is not None else None,
                        extend_select=tuple(extend_select), ignore=tuple(ignore), severity=dict(severity or {}),
                        rules=tuple(str(r) for r in extra_rules), limits=limits,
                        config=str(config) if config is not None else None, isolated=isolated, fail_on=fail_on,
                        baseline=str(baseline) if baseline is not None else None)
    if names_a_path(path_or_text):
        return next(iter(check_paths([path_or_text], settings, jobs=1)))
    opts = resolve_settings(".", settings)
    fr = check_extracted(Extracted(text=str(path_or_text)), "<text>", opts)
    if baseline is not None:
        _apply_baseline(fr, _load_baseline(baseline))
    return fr


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
        return _parse_extracted(read_path(path_or_text))
    return parse_text(str(path_or_text))


def parse_text(text: str) -> Document:
    """Parse report text (never read as a file name, whatever it looks like: ``"/0.0"``)."""
    return _parse_extracted(Extracted(text=text))


def _parse_extracted(extracted: Extracted) -> Document:
    doc, _facts = analyse(extracted, rules())
    return doc


REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".docx", ".doc", ".wps", ".odt", ".html", ".htm", ".shtml", ".pdf"}


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files as given; directories walked (sorted) for report files, hidden ones skipped.

    A path that cannot even be looked at (a symlink loop, a folder we may not enter) is passed on
    as given, so that its reader names it in one GIP001 and the other files are checked.
    """
    for p in paths:
        path = Path(p)
        try:
            is_dir = path.is_dir()
        except (OSError, RuntimeError):
            is_dir = False
        if not is_dir:
            yield str(p)
            continue
        try:
            found = sorted(path.rglob("*"))
        except (OSError, RuntimeError):
            yield str(p)
            continue
        for f in found:
            try:
                wanted = f.suffix.lower() in REPORT_SUFFIXES and not any(
                    part.startswith(".") for part in f.relative_to(path).parts) and f.is_file()
            except (OSError, RuntimeError):
                wanted = True
            if wanted:
                yield str(f)


def _load_baseline(baseline: str | os.PathLike[str] | dict) -> dict[str, dict[str, int]]:
    from . import baseline as bl  # raises BaselineError: a bad baseline file is the caller's mistake

    return baseline if isinstance(baseline, dict) else bl.load(str(baseline))


def summary_records(paths: Iterable[str | os.PathLike[str]], settings: Settings | Options | None = None, *,
                    jobs: int | None = None, previous: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The evaluator's summary of many reports as plain records (what ``gipcheck summary`` writes):
    ``reports`` (one per file: identity, dates, counts per severity and rule, main figures,
    ratios, repeat rate against last year), ``by_rule`` and ``by_agency``."""
    from .cross.records import records

    files = list(expand_paths(paths))
    if not files:
        return records([])
    settings, check = _cross_report(files, settings, previous, force=True)
    results = list(check_paths(files, settings, jobs=jobs, lines=False, cross_report=False))
    from .batch import default_workers

    check.workers = max(1, jobs if jobs is not None else default_workers())
    extra = check.finish([(r.path, r.summary) for r in results])
    for r in results:
        r.grids = []  # the summary keeps the small per-report record, not the text
        if r.path in extra:
            r.findings = sorted(r.findings + extra[r.path], key=Finding.sort_key)
    prev = check.previous
    return records(results, {r.path: prev.path for r in results} if prev else None, [prev] if prev else [])


def _apply_baseline(fr: FileResult, known: dict[str, dict[str, int]]) -> None:
    from . import baseline as bl

    fr.suppressed += bl.filter_file(fr, known)


def _jobs(paths: Sequence[str], settings: Settings | Options | None, keep_lines: bool = True) -> Iterator[Job]:
    """One job per file, its settings resolved here as it is about to be submitted."""
    import sys

    from .batch import Job
    from .settings import Resolver

    resolver = None if isinstance(settings, Options) else Resolver(settings)
    for p in paths:
        opts = settings if resolver is None else resolver.options(p)
        rules(opts.extra_rules)  # here, not in a worker: a bad rule file is the caller's error (exit 2)
        if p == "-":
            name = settings.stdin_filename if isinstance(settings, Settings) and settings.stdin_filename else "-"
            # capped: `gipcheck check - < /dev/zero` must end in one finding, not an out-of-memory kill
            yield Job(name, opts, sys.stdin.buffer.read(opts.limits.max_file_bytes + 1), keep_lines)
        else:
            yield Job(p, opts, None, keep_lines)


def check_paths(paths: Iterable[str | os.PathLike[str]], settings: Settings | Options | None = None, *,
                jobs: int | None = None, executor: Executor | None = None,
                batch_checks: Sequence["BatchCheck"] = (), lines: bool = True,
                cross_report: bool | None = None, previous: str | os.PathLike[str] | None = None) -> Iterator[FileResult]:
    """Check many files (folders are walked; ``-`` is stdin); yield one result per file in input
    order, each as soon as it and those before it are done; a bad file never stops the rest.

    ``settings`` (:class:`Settings`) says what overrides each file's configuration, as the command
    line does; a resolved :class:`Options` is used as-is for every file, with no configuration read.
    ``jobs``: worker processes (default: every core; 1 checks here, in this process); ``executor``:
    any ``concurrent.futures.Executor`` instead (``distributed.Client(...).get_executor()`` runs the
    batch on a Dask cluster; its workers must see the same paths; ``jobs`` then sets how many files are
    in flight, four per job). ``batch_checks`` see every
    report (:class:`gipcheck.batch.BatchCheck`); their findings follow the per-file results, as one
    more result per path with ``stage == "batch"``. ``lines=False`` leaves ``result.lines`` (the text)
    empty, so results cost less to send back from workers, when nothing will show the text.

    ``cross_report``: run the cross-report rules (GIP701–GIP704) over the reports — by default when
    there are two or more, or a ``previous`` one: last year's report of the same agency, read as
    context (it gets no findings of its own). Their findings come as batch-stage results.
    """
    from . import batch

    files = list(expand_paths(paths))  # names only (a few MB for 100,000 files); the work is lazy
    if cross_report is None:
        cross_report = len(files) >= 2 or previous is not None
    workers = jobs if jobs is not None else batch.default_workers()
    if len(files) < 2 and executor is None:
        workers = 1
    if cross_report and files:
        settings, check = _cross_report(files, settings, previous)
        if check is not None:
            # the cross stage runs here after the last file: on this machine's cores when the pool is ours
            check.workers = max(1, workers) if executor is None else 1
            batch_checks = tuple(batch_checks) + (check,)
    known = None
    if isinstance(settings, Settings) and settings.baseline:
        known = _load_baseline(settings.baseline)
        lines = True  # the baseline matches findings by the text of their line
    for fr in batch.run(_jobs(files, settings, lines), workers=max(1, workers), executor=executor, checks=batch_checks,
                        total=len(files)):
        if known is not None:
            _apply_baseline(fr, known)
        yield fr


def _cross_report(files: list[str], settings: Settings | Options | None,
                  previous: str | os.PathLike[str] | None, force: bool = False) -> tuple[Settings | Options, Any]:
    """The settings that keep a summary of each report, and the batch check that compares them
    (None, and the settings unchanged, when the first file's settings turn every GIP7 rule off)."""
    import dataclasses

    from .cross import CrossReportCheck

    if isinstance(settings, Options):
        first = settings
    else:
        first = resolve_settings(files[0] if files[0] != "-" else ((settings and settings.stdin_filename) or "."), settings)
    if not force and previous is None and not any(first.selection.enabled(c.entry.rule) for c in rules(first.extra_rules).cross_checks):
        return settings, None
    settings = dataclasses.replace(settings or Settings(), cross=True)
    prev = None
    if previous is not None:
        popts = settings if isinstance(settings, Options) else resolve_settings(str(previous), settings)
        prev = check_file(previous, dataclasses.replace(popts, cross=True)).summary
    return settings, CrossReportCheck(first.extra_rules, prev, len(files))


def run(paths: Iterable[str | os.PathLike[str]], settings: Settings | Options | None = None, *,
        jobs: int | None = None, executor: Executor | None = None,
        batch_checks: Sequence["BatchCheck"] = (), cross_report: bool | None = None,
        previous: str | os.PathLike[str] | None = None) -> RunResult:
    """All results of :func:`check_paths` in one :class:`RunResult`, batch findings merged into their files."""
    files: list[FileResult] = []
    by_path: dict[str, FileResult] = {}
    for fr in check_paths(paths, settings, jobs=jobs, executor=executor, batch_checks=batch_checks,
                          cross_report=cross_report, previous=previous):
        if fr.stage == "batch" and fr.path in by_path:
            target = by_path[fr.path]
            target.findings = sorted(target.findings + fr.findings, key=Finding.sort_key)
            continue
        by_path.setdefault(fr.path, fr)
        files.append(fr)
    return RunResult(files, __version__)
