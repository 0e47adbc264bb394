"""Command line: a thin layer over the API. Exit codes: 0 clean, 1 findings at or above
--fail-on, 2 usage or configuration error. Never a traceback for a user's mistake."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import api
from .engine import Selection
from .config import config_for
from .model import SEVERITY_RANK, RunResult
from .read.base import Limits
from .read import InputError, read_path
from .report import FORMATS, ReportContext, RuleMeta, get_file_renderer, get_renderer
from .rules import RuleFileError, RuleSet

_HELP = {
    "zh": "检查政府信息公开工作年度报告",
    "en": "Lint Chinese government information disclosure annual reports",
}


def _csv(value: str) -> list[str]:
    return [v.strip().upper() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gipcheck", description=_HELP["zh"] + " / " + _HELP["en"])
    p.add_argument("--version", action="version", version=f"gipcheck {api.__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="检查报告 / check reports (files or folders)")
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--format", default="text", choices=sorted(FORMATS), help="output format (default text)")
    c.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    _common_options(c)
    c.add_argument("--fail-on", choices=["error", "warning", "info"], default=None,
                   help="lowest severity that makes the exit code 1 (default error)")
    c.add_argument("--baseline", metavar="FILE", help="hide the findings recorded in this baseline file")
    c.add_argument("--write-baseline", metavar="FILE", nargs="?", const=".gipcheck-baseline.json",
                   help="record today's findings as the baseline (default .gipcheck-baseline.json) and exit 0")
    c.add_argument("--statistics", action="store_true", help="print counts per rule instead of findings")
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    c.add_argument("--no-source", action="store_true", help="do not print the source line under a finding")

    cf = sub.add_parser("config", help="显示某文件适用的配置 / print the effective configuration for a file")
    cf.add_argument("path", nargs="?", default=".")
    _common_options(cf)

    ts = sub.add_parser("test", help="运行规则测试 / run annotated rule fixtures and the rules' own examples")
    ts.add_argument("paths", nargs="*", metavar="PATH", help="fixture files or folders (<!-- ruleid: GIP602 -->)")
    ts.add_argument("--examples", action="store_true", help="also run every rule's examples (the default with no PATH)")
    ts.add_argument("--profile", choices=["gip-2008", "gip-2019", "gip-2021"])
    ts.add_argument("--rules", action="append", default=[], metavar="FILE", help="extra rule file (YAML)")
    ts.add_argument("--lang", choices=["zh", "en"], default="zh")

    r = sub.add_parser("rules", help="列出所有规则 / list every rule")
    r.add_argument("--lang", choices=["zh", "en"], default="zh")
    r.add_argument("--format", choices=["text", "json"], default="text")

    e = sub.add_parser("explain", help="规则说明 / explain a rule")
    e.add_argument("rule")
    e.add_argument("--lang", choices=["zh", "en"], default="zh")

    pa = sub.add_parser("parse", help="显示解析结果 / print the parsed structure")
    pa.add_argument("path")
    pa.add_argument("--format", choices=["tree", "json"], default="tree")

    t = sub.add_parser("text", help="显示提取的文本 / print the text as read, with line numbers")
    t.add_argument("path")
    t.add_argument("--normalized", action="store_true", help="print the normalized view that rules see")
    return p


def _common_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--profile", choices=["gip-2008", "gip-2019", "gip-2021"], default=None, help="force a rule profile")
    c.add_argument("--select", type=_csv, default=None, help="only these rules or prefixes (GIP2,GIP404)")
    c.add_argument("--extend-select", type=_csv, default=[], help="add rules to the selection")
    c.add_argument("--ignore", type=_csv, default=[], help="skip these rules or prefixes")
    c.add_argument("--lang", choices=["zh", "en"], default=None, help="message language (default zh)")
    c.add_argument("--rules", action="append", default=[], metavar="FILE", help="extra rule file (YAML)")
    c.add_argument("--config", metavar="FILE", help="use this configuration file instead of searching for one")
    c.add_argument("--isolated", action="store_true", help="ignore every configuration file")


def file_settings(path: str, args: argparse.Namespace) -> tuple[api.Options, str]:
    """Options for one file: its closest configuration, overridden by the command line."""
    cfg = config_for(path, args.config, args.isolated).model
    c = config_for(path, args.config, args.isolated)
    select = args.select if args.select is not None else (cfg.select or [])
    ignore = list(cfg.ignore) + c.ignores_for(path) + list(args.ignore)
    sel = Selection(select, ignore, list(cfg.extend_select) + list(args.extend_select), dict(cfg.severity))
    limits = Limits()
    if cfg.limits:
        if cfg.limits.max_file_mb:
            limits.max_file_bytes = cfg.limits.max_file_mb * 1024 * 1024
        if cfg.limits.max_unzipped_mb:
            limits.max_unzipped_bytes = cfg.limits.max_unzipped_mb * 1024 * 1024
        if cfg.limits.max_pages:
            limits.max_pages = cfg.limits.max_pages
    opts = api.Options(profile=args.profile or cfg.profile, lang=args.lang or cfg.lang or "zh", selection=sel,
                       extra_rules=tuple(c.extra_rules() + [str(Path(r).resolve()) for r in args.rules]), limits=limits)
    fail_on = getattr(args, "fail_on", None) or cfg.fail_on or "error"
    return opts, fail_on


def rule_meta(rs: RuleSet) -> dict[str, RuleMeta]:
    return {
        r.id: RuleMeta(r.id, r.name, r.severity, r.summary.zh, r.summary.en,
                       r.basis.zh if r.basis else None, r.fix.zh if r.fix else None, r.fix.en if r.fix else None)
        for r in rs.rules.values()
    }


def _cmd_check(args: argparse.Namespace) -> int:
    files = list(api.expand_paths(args.paths))
    if not files:
        print("gipcheck: no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    first_opts, _ = file_settings(files[0], args)
    rs = api.rules(first_opts.extra_rules)
    lang = first_opts.lang
    baseline = None
    if args.baseline:
        from . import baseline as bl

        try:
            baseline = bl.load(args.baseline)
        except bl.BaselineError as exc:
            print(f"gipcheck: {exc}", file=sys.stderr)
            return 2
    color = args.color == "always" or (args.color == "auto" and args.output is None and sys.stdout.isatty())
    ctx = ReportContext(lang=lang, color=color and args.format == "text", rules=rule_meta(rs),
                        show_source=not args.no_source, statistics=args.statistics)
    stream = get_file_renderer(args.format) if args.format == "jsonl" and not (args.statistics or args.write_baseline) else None
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    failing = False
    results = []
    try:
        for path in files:
            opts, fail_on = file_settings(path, args)
            fr = api.check_file(path, opts)
            if baseline is not None:
                from . import baseline as bl

                fr.suppressed += bl.filter_file(fr, baseline)
            failing |= any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in fr.findings)
            results.append(fr)
            if stream:
                out.write(stream(fr, ctx))
                out.flush()
        run = RunResult(results, api.__version__)
        if args.write_baseline:
            from . import baseline as bl

            n = bl.write(run, args.write_baseline)
            print(f"gipcheck: wrote {n} finding(s) of {len(results)} file(s) to {args.write_baseline}", file=sys.stderr)
            return 0
        if args.statistics:
            from .report.statistics import render_statistics

            out.write(render_statistics(run, ctx))
        elif not stream:
            out.write(get_renderer(args.format)(run, ctx))
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failing else 0


def _cmd_config(args: argparse.Namespace) -> int:
    c = config_for(args.path, args.config, args.isolated)
    opts, fail_on = file_settings(args.path, args)
    effective = {
        **c.to_json(),
        "effective": {"profile": opts.profile, "lang": opts.lang, "fail-on": fail_on,
                      "select": opts.selection.select or ["ALL"], "extend-select": opts.selection.extend_select,
                      "ignore": opts.selection.ignore, "severity": opts.selection.severity,
                      "extend-rules": list(opts.extra_rules)},
    }
    print(json.dumps(effective, ensure_ascii=False, indent=2))
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    from . import ruletest

    opts = api.Options(profile=args.profile, lang=args.lang, extra_rules=tuple(str(Path(r).resolve()) for r in args.rules))
    out = ruletest.Outcome()
    for f in ruletest.collect(args.paths):
        ruletest.run_fixture(f, opts, out)
    if args.examples or not args.paths:
        ruletest.run_examples(opts, out)
    for line in out.failed:
        print(line)
    for line in out.todo:
        print("todo: " + line)
    print(f"{out.passed} passed, {len(out.failed)} failed")
    return 1 if out.failed else 0


def _cmd_rules(args: argparse.Namespace) -> int:
    rs = api.rules()
    if args.format == "json":
        print(json.dumps([{"id": r.id, "name": r.name, "severity": r.severity,
                           "summary": getattr(r.summary, args.lang)} for r in rs.rules.values()],
                         ensure_ascii=False, indent=2))
        return 0
    for r in rs.rules.values():
        print(f"{r.id}  {r.name:<36} {r.severity:<8} {getattr(r.summary, args.lang)}")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .docs import explain

    rs = api.rules()
    rid = args.rule.upper()
    if rid not in rs.rules:
        by_name = {r.name: r.id for r in rs.rules.values()}
        if args.rule in by_name:
            rid = by_name[args.rule]
        else:
            print(f"gipcheck: unknown rule {args.rule!r} (see `gipcheck rules`)", file=sys.stderr)
            return 2
    print(explain(rs, rid, args.lang))
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    from .dump import document_json, document_tree

    doc = api.parse(Path(args.path))  # a Path: a missing file is an error, not text to parse
    if args.format == "json":
        print(json.dumps(document_json(doc), ensure_ascii=False, indent=2))
    else:
        print(document_tree(doc))
    return 0


def _cmd_text(args: argparse.Namespace) -> int:
    if args.normalized:
        doc = api.parse(Path(args.path))  # a Path: a missing file is an error, not text to parse
        for i, line in enumerate(doc.view.rstrip("\n").split("\n"), 1):
            start = sum(len(x) + 1 for x in doc.view.split("\n")[: i - 1])
            ln, col = doc.source.line_col(doc.source.orig_offset(start))
            print(f"{i:5}  [{ln}:{col}]  {line}")
        return 0
    extracted = read_path(args.path)
    for i, line in enumerate(extracted.text.split("\n"), 1):
        print(f"{i:5}  {line.rstrip(chr(13))}")
    return 0


COMMANDS = {"check": _cmd_check, "config": _cmd_config, "test": _cmd_test, "rules": _cmd_rules, "explain": _cmd_explain, "parse": _cmd_parse,
            "text": _cmd_text}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RuleFileError as exc:
        print(f"gipcheck: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"gipcheck: {exc.message(getattr(args, 'lang', 'zh'))}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"gipcheck: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
