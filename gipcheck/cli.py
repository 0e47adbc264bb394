"""Command line: a thin layer over the API (:mod:`gipcheck.api`): it parses arguments, calls the
API and prints. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration
error, 3 gipcheck itself failed (after printing what was checked). Never a traceback."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import api
from .config import config_for
from .model import RunResult
from .read import InputError, read_path
from .report import FORMATS, ReportContext, open_writer, rule_meta
from .rules import RuleFileError

INTERNAL_ERROR = 3  # gipcheck failed (a bug): not "the report has findings" (1) nor "you asked wrongly" (2)

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
        "jobs": "同时检查的进程数（默认使用全部 CPU 核心）",
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
        "jobs": "check N files at once in worker processes (default: every core)",
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
    c.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N", help=h["jobs"])

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


def settings_from(args: argparse.Namespace) -> api.Settings:
    """The command line as API settings: what overrides each file's configuration."""
    return api.Settings(
        profile=args.profile, lang=args.lang, select=tuple(args.select) if args.select is not None else None,
        extend_select=tuple(args.extend_select), ignore=tuple(args.ignore), rules=tuple(args.rules),
        config=args.config, isolated=args.isolated, fail_on=getattr(args, "fail_on", None),
        stdin_filename=getattr(args, "stdin_filename", None))


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of jobs")
    return n


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


class _Progress:
    """A rich progress bar on stderr, only on a terminal and never with --quiet; started at the first
    result (after the worker processes exist) and gone when the run ends."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled, self.bar, self.task = total, enabled and total > 1, None, None

    def advance(self, path: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                TextColumn("{task.description}"), console=Console(file=sys.stderr), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total)
        self.bar.update(self.task, advance=1, description=os.path.basename(path)[-40:])

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _cmd_check(args: argparse.Namespace) -> int:
    from . import baseline as bl
    from .model import Summary

    files = list(api.expand_paths(args.paths))
    if not files:
        print("gipcheck: no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    for target in (args.output, args.write_baseline):
        clash = target and next((f for f in files if f != "-" and _same_file(f, target)), None)
        if clash:
            print(f"gipcheck: {target}: is one of the files to check; gipcheck never writes to them", file=sys.stderr)
            return 2
    settings = settings_from(args)
    if args.baseline:
        try:
            settings = api.Settings(**{**settings.__dict__, "baseline": bl.load(args.baseline)})
        except bl.BaselineError as exc:
            print(f"gipcheck: {exc}", file=sys.stderr)
            return 2
    first = api.resolve(args.stdin_filename or "." if files[0] == "-" else files[0], settings)
    ctx = ReportContext(lang=first.lang, color=False, rules={}, show_source=not args.no_source,
                        statistics=args.statistics)
    ctx.color = args.format == "text" and (args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()))
    seen_rule_sets: set[tuple[str, ...]] = set()

    def refresh_meta() -> None:  # every rule set any file used, not only the first file's
        for key, rs in api.loaded_rules().items():
            if key not in seen_rule_sets:
                seen_rule_sets.add(key)
                ctx.rules.update(rule_meta(rs))

    api.rules(first.extra_rules)
    refresh_meta()
    summary = Summary()
    recorder = bl.Recorder() if args.write_baseline else None
    kept: list = []  # --statistics only: findings, without the text
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    writer = None if (recorder or args.statistics) else open_writer(args.format, out, ctx, api.__version__)
    progress = _Progress(len(files), sys.stderr.isatty() and not getattr(args, "quiet", False))
    internal: Exception | None = None
    try:
        shows_text = args.format in ("text", "html") or recorder is not None
        for fr in api.check_paths(files, settings, jobs=args.jobs, lines=shows_text):
            summary.add(fr)
            refresh_meta()
            if recorder is not None:
                recorder.add(fr)
            elif args.statistics:
                fr.lines = []
                kept.append(fr)
            else:
                writer.file(fr)
            progress.advance(fr.path)
    except (RuleFileError, InputError, bl.BaselineError, OSError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug of gipcheck outside any one file: say so, after what was checked
        internal = exc
    finally:
        progress.stop()
        try:
            if writer is not None:
                writer.close(summary)
            elif args.statistics and recorder is None:
                from .report.statistics import render_statistics

                out.write(render_statistics(RunResult(kept, api.__version__), ctx))
        finally:
            if out is not sys.stdout:
                out.close()
    if internal is not None:
        where = ""
        tb = internal.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" ({os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno})"
        print(f"gipcheck: internal error: {type(internal).__name__}: {internal}{where}; "
              f"{summary.files} file(s) were checked and reported above; please report this to the gipcheck "
              f"maintainers", file=sys.stderr)
        return INTERNAL_ERROR
    if recorder is not None:
        n = recorder.write(args.write_baseline)
        print(f"gipcheck: wrote {n} finding(s) of {summary.files} file(s) to {args.write_baseline}", file=sys.stderr)
        return INTERNAL_ERROR if summary.crashed else 0
    return summary.exit_code()


def _cmd_config(args: argparse.Namespace) -> int:
    c = config_for(args.path, args.config, args.isolated)
    opts = api.resolve(args.path, settings_from(args))
    effective = {
        **c.to_json(),
        "effective": {"profile": opts.profile, "lang": opts.lang, "fail-on": opts.fail_on,
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
    except Exception as exc:  # a bug of gipcheck: one line and an exit code of its own, never a traceback
        print(f"gipcheck: internal error: {type(exc).__name__}: {exc}; please report this to the gipcheck "
              f"maintainers", file=sys.stderr)
        return INTERNAL_ERROR
