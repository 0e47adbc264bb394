"""Command line: a thin layer over the API. Exit codes: 0 clean, 1 findings at or above
--fail-on, 2 usage or configuration error. Never a traceback for a user's mistake."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import api
from .engine import Selection
from .config import config_for
from .model import SEVERITY_RANK, RunResult
from .read.base import Limits
from .read import InputError, display_name, read_bytes, read_path
from .report import FORMATS, ReportContext, RuleMeta, get_file_renderer, get_renderer
from .rules import RuleFileError, RuleSet

# Help texts in both languages; the language follows --lang (or GIPCHECK_LANG) on the command line.
HELP = {
    "zh": {
        "prog": "检查政府信息公开工作年度报告：结构、法定内容、统计表、日期与文字问题，并给出位置和依据。",
        "check": "检查报告（文件或文件夹）", "paths": "报告文件或文件夹", "format": "输出格式（默认 text）",
        "output": "把结果写入文件而不是屏幕", "fail-on": "达到此级别的问题使退出码为 1（默认 error）",
        "baseline": "隐藏基线文件中已记录的问题", "write-baseline": "把当前问题记录为基线（默认 .gipcheck-baseline.json）",
        "statistics": "只统计每条规则的问题数", "color": "彩色输出", "no-source": "不显示问题所在的原文",
        "profile": "指定规则集（默认按报告年度）", "select": "只检查这些规则或前缀（如 GIP2,GIP404）",
        "extend-select": "在选择中增加规则", "ignore": "跳过这些规则或前缀", "lang": "提示语言（zh 中文，en 英文）",
        "rules": "额外的规则文件（YAML）", "config": "使用此配置文件，不再向上查找", "isolated": "忽略所有配置文件",
        "config-cmd": "显示某文件适用的配置", "config-path": "文件或文件夹（默认当前目录）",
        "test": "运行规则测试（带注释的样例文件和规则自带的示例）", "test-paths": "样例文件或文件夹（<!-- ruleid: GIP602 -->）",
        "examples": "同时运行每条规则自带的示例（不给路径时默认运行）",
        "rules-cmd": "列出所有规则", "rules-format": "输出格式", "explain": "显示一条规则的说明和示例", "rule": "规则编号或名称",
        "parse": "显示解析出的结构（标题、章节、表格、落款）", "parse-format": "tree 树形，json 机器可读",
        "text": "显示规则所见的规范化文本，及每行在原文中的位置", "raw": "显示读取（提取）的原文，问题的行号即指此文本",
        "file": "报告文件",
        "stdin-filename": "从标准输入（路径写作 -）读取时使用的文件名（用于查找配置和显示）",
    },
    "en": {
        "prog": "Lint Chinese government information disclosure annual reports: structure, required content, "
                "tables, dates and wording, each finding with its location and legal basis.",
        "check": "check reports (files or folders)", "paths": "report files or folders", "format": "output format (default text)",
        "output": "write the report to FILE instead of stdout", "fail-on": "lowest severity that makes the exit code 1 (default error)",
        "baseline": "hide the findings recorded in this baseline file",
        "write-baseline": "record today's findings as the baseline (default .gipcheck-baseline.json) and exit 0",
        "statistics": "print counts per rule instead of findings", "color": "coloured output",
        "no-source": "do not print the source line under a finding",
        "profile": "force a rule profile (default: from the report year)", "select": "only these rules or prefixes (GIP2,GIP404)",
        "extend-select": "add rules to the selection", "ignore": "skip these rules or prefixes", "lang": "message language (zh, en)",
        "rules": "extra rule file (YAML)", "config": "use this configuration file instead of searching for one",
        "isolated": "ignore every configuration file",
        "config-cmd": "print the effective configuration for a file", "config-path": "a file or folder (default: here)",
        "test": "run annotated rule fixtures and the rules' own examples",
        "test-paths": "fixture files or folders (<!-- ruleid: GIP602 -->)",
        "examples": "also run every rule's examples (the default with no PATH)",
        "rules-cmd": "list every rule", "rules-format": "output format", "explain": "explain a rule, with examples",
        "rule": "rule id or name", "parse": "print the parsed structure (title, sections, tables, signature)",
        "parse-format": "tree for people, json for tools",
        "text": "print the normalized text rules see, with each line's position in the original",
        "raw": "print the text as read (extracted); finding line numbers refer to it", "file": "report file",
        "stdin-filename": "the file name to use for a report read from stdin (PATH -): config lookup and messages",
    },
}
PROFILES = ["gip-2008", "gip-2019", "gip-2021"]


def _csv(value: str) -> list[str]:
    return [v.strip().upper() for v in value.split(",") if v.strip()]


def _help_lang(argv: list[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1] == "en" else "zh"
    return "en" if os.environ.get("GIPCHECK_LANG", "").lower().startswith("en") else "zh"


def build_parser(lang: str = "zh") -> argparse.ArgumentParser:
    h = HELP[lang]
    p = argparse.ArgumentParser(prog="gipcheck", description=h["prog"])
    p.add_argument("--version", action="version", version=f"gipcheck {api.__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help=h["check"], description=h["check"])
    c.add_argument("paths", nargs="+", metavar="PATH", help=h["paths"])
    c.add_argument("--format", default="text", choices=sorted(FORMATS), help=h["format"])
    c.add_argument("--output", "-o", metavar="FILE", help=h["output"])
    _common_options(c, h)
    c.add_argument("--fail-on", choices=["error", "warning", "info"], default=None, help=h["fail-on"])
    c.add_argument("--baseline", metavar="FILE", help=h["baseline"])
    c.add_argument("--write-baseline", metavar="FILE", nargs="?", const=".gipcheck-baseline.json", help=h["write-baseline"])
    c.add_argument("--statistics", action="store_true", help=h["statistics"])
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto", help=h["color"])
    c.add_argument("--no-source", action="store_true", help=h["no-source"])
    c.add_argument("--stdin-filename", metavar="NAME", help=h["stdin-filename"])

    cf = sub.add_parser("config", help=h["config-cmd"], description=h["config-cmd"])
    cf.add_argument("path", nargs="?", default=".", help=h["config-path"])
    _common_options(cf, h)

    ts = sub.add_parser("test", help=h["test"], description=h["test"])
    ts.add_argument("paths", nargs="*", metavar="PATH", help=h["test-paths"])
    ts.add_argument("--examples", action="store_true", help=h["examples"])
    ts.add_argument("--profile", choices=PROFILES, help=h["profile"])
    ts.add_argument("--rules", action="append", default=[], metavar="FILE", help=h["rules"])
    ts.add_argument("--lang", choices=["zh", "en"], default="zh", help=h["lang"])

    r = sub.add_parser("rules", help=h["rules-cmd"], description=h["rules-cmd"])
    r.add_argument("--lang", choices=["zh", "en"], default="zh", help=h["lang"])
    r.add_argument("--format", choices=["text", "json"], default="text", help=h["rules-format"])

    e = sub.add_parser("explain", help=h["explain"], description=h["explain"])
    e.add_argument("rule", help=h["rule"])
    e.add_argument("--lang", choices=["zh", "en"], default="zh", help=h["lang"])
    e.add_argument("--rules", action="append", default=[], metavar="FILE", help=h["rules"])

    pa = sub.add_parser("parse", help=h["parse"], description=h["parse"])
    pa.add_argument("path", help=h["file"])
    pa.add_argument("--format", choices=["tree", "json"], default="tree", help=h["parse-format"])

    t = sub.add_parser("text", help=h["text"], description=h["text"])
    t.add_argument("path", help=h["file"])
    t.add_argument("--raw", action="store_true", help=h["raw"])
    t.add_argument("--normalized", action="store_true", help=argparse.SUPPRESS)  # the default; kept for old scripts
    return p


def _common_options(c: argparse.ArgumentParser, h: dict[str, str]) -> None:
    c.add_argument("--profile", choices=PROFILES, default=None, help=h["profile"])
    c.add_argument("--select", type=_csv, default=None, help=h["select"])
    c.add_argument("--extend-select", type=_csv, default=[], help=h["extend-select"])
    c.add_argument("--ignore", type=_csv, default=[], help=h["ignore"])
    c.add_argument("--lang", choices=["zh", "en"], default=None, help=h["lang"])
    c.add_argument("--rules", action="append", default=[], metavar="FILE", help=h["rules"])
    c.add_argument("--config", metavar="FILE", help=h["config"])
    c.add_argument("--isolated", action="store_true", help=h["isolated"])


def file_settings(path: str, args: argparse.Namespace) -> tuple[api.Options, str]:
    """Options for one file: its closest configuration, overridden by the command line."""
    cfg = config_for(path, args.config, args.isolated).model
    c = config_for(path, args.config, args.isolated)
    select = args.select if args.select is not None else (cfg.select or [])
    ignore = list(cfg.ignore) + c.ignores_for(path) + list(args.ignore)
    sel = Selection(select, ignore, list(cfg.extend_select) + list(args.extend_select), dict(cfg.severity))
    limits = cfg.limits.apply(Limits()) if cfg.limits else Limits()
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


def _check_one(path: str, args: argparse.Namespace, opts: api.Options):
    """One file, or stdin for ``-`` (read as bytes, so its encoding is detected like a file's)."""
    if path != "-":
        return api.check_file(path, opts)
    name = args.stdin_filename or "-"
    try:
        # capped: `gipcheck check - < /dev/zero` must end in one finding, not an out-of-memory kill
        extracted = read_bytes(sys.stdin.buffer.read(opts.limits.max_file_bytes + 1), name, opts.limits)
    except InputError as err:
        return api._unreadable(name, err, api.rules(opts.extra_rules), opts)
    return api.check_extracted(extracted, name, opts)


def _names_an_input(target: str, files: list[str]) -> str | None:
    """The checked file that ``target`` (an output path) is, if any: same inode, or same path."""
    try:
        st = os.stat(target)
    except (OSError, ValueError):
        st = None
    want = os.path.realpath(target)
    for f in files:
        if f == "-":
            continue
        try:
            if st is not None and os.path.samestat(st, os.stat(f)):
                return f
        except (OSError, ValueError):
            pass
        if os.path.realpath(f) == want:
            return f
    return None


def _cmd_check(args: argparse.Namespace) -> int:
    files = [p for p in args.paths if p == "-"] + list(api.expand_paths([p for p in args.paths if p != "-"]))
    if not files:
        print("gipcheck: no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    for target, option in ((args.output, "--output"), (args.write_baseline, "--write-baseline")):
        clash = target and _names_an_input(target, files)
        if clash:
            print(f"gipcheck: {option} {display_name(target)} is one of the files being checked ({display_name(clash)}); "
                  f"gipcheck never writes to the files it checks", file=sys.stderr)
            return 2
    first_opts, _ = file_settings(args.stdin_filename or "." if files[0] == "-" else files[0], args)
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
            opts, fail_on = file_settings(args.stdin_filename or "." if path == "-" else path, args)
            fr = _check_one(path, args, opts)
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

    rs = api.rules(tuple(str(Path(r).resolve()) for r in args.rules))
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
    if not args.raw:
        doc = api.parse(Path(args.path))  # a Path: a missing file is an error, not text to parse
        start = 0
        for i, line in enumerate(doc.view.rstrip("\n").split("\n"), 1):
            ln, col = doc.source.line_col(doc.source.orig_offset(start))
            print(f"{i:5}  [{ln}:{col}]  {line}")
            start += len(line) + 1
        return 0
    extracted = read_path(args.path)
    for i, line in enumerate(extracted.text.split("\n"), 1):
        print(f"{i:5}  {line.rstrip(chr(13))}")
    return 0


COMMANDS = {"check": _cmd_check, "config": _cmd_config, "test": _cmd_test, "rules": _cmd_rules, "explain": _cmd_explain, "parse": _cmd_parse,
            "text": _cmd_text}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_help_lang(argv)).parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RuleFileError as exc:
        print(f"gipcheck: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"gipcheck: {exc.message(getattr(args, 'lang', 'zh'))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `gipcheck … | head`: the reader went away; not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:
        print(f"gipcheck: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
