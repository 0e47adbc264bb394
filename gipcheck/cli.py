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
from .config import ConfigError, config_for
from .model import RunResult
from .read import InputError, read_path
from .report import FORMATS, ReportContext, open_writer, rule_meta
from .ruleids import UnknownRule, resolve
from .ruleset import PROFILES as BUILTIN_PROFILES, RuleFileError, RuleSet

INTERNAL_ERROR = 3  # gipcheck failed (a bug): not "the report has findings" (1) nor "you asked wrongly" (2)

# Help texts in both languages; the language follows --lang (or GIPCHECK_LANG) on the command line.
HELP = {
    "zh": {
        "prog": "检查政府信息公开工作年度报告：结构、法定内容、统计表、日期与文字问题，并给出位置和依据。",
        "check": "检查报告（文件或文件夹）", "paths": "报告文件或文件夹", "format": "输出格式（默认 text）",
        "output": "把结果写入文件而不是屏幕", "fail-on": "达到此级别的问题使退出码为 1（默认 error）",
        "baseline": "隐藏基线文件中已记录的问题", "write-baseline": "把当前问题记录为基线（默认 .gipcheck-baseline.json）",
        "statistics": "只统计每条规则的问题数（各种输出格式均可）", "color": "彩色输出", "no-source": "不显示问题所在的原文",
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
        "summary": "汇总多份报告：每份报告一行（单位、年度、逾期、问题数、主要数字、比率、与上年重复率），写成 xlsx、csv 或 json",
        "summary-output": "结果文件（.xlsx、.csv 或 .json）",
        "previous": "本单位上一年度的报告（用于核对结转数、现行有效件数和与上年雷同）",
        "jobs": "同时检查的进程数（默认使用全部 CPU 核心）",
        "exit-zero": "即使发现问题，退出码也为 0（配置错误等仍为 2）", "quiet": "只输出问题：不输出汇总，也不输出“未发现问题”",
        "rules-rules": "同时列出此规则文件（YAML）中的规则", "version": "显示版本号并退出",
    },
    "en": {
        "prog": "Lint Chinese government information disclosure annual reports: structure, required content, "
                "tables, dates and wording, each finding with its location and legal basis.",
        "check": "check reports (files or folders)", "paths": "report files or folders", "format": "output format (default text)",
        "output": "write the report to FILE instead of stdout", "fail-on": "lowest severity that makes the exit code 1 (default error)",
        "baseline": "hide the findings recorded in this baseline file",
        "write-baseline": "record today's findings as the baseline (default .gipcheck-baseline.json) and exit 0",
        "statistics": "print counts per rule instead of findings (in the chosen --format)", "color": "coloured output",
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
        "summary": "summarize many reports: one row per report (agency, year, lateness, findings, main figures, "
                   "ratios, repeat rate against last year) as xlsx, csv or json",
        "summary-output": "the result file (.xlsx, .csv or .json)",
        "previous": "the same agency's report of the year before (carry-over, in-force counts, text copied from it)",
        "jobs": "check N files at once in worker processes (default: every core)",
        "exit-zero": "exit 0 even when there are findings (usage and configuration errors still exit 2)",
        "quiet": "print findings only: no summary, no 'no problems found' lines",
        "rules-rules": "also list the rules of this rule file (YAML)", "version": "show the version and exit",
    },
}
PROFILES = list(BUILTIN_PROFILES)  # the profiles rules/*.yaml declare (gipcheck.rules)
STATISTICS_FORMATS = ("text", "json", "jsonl", "html", "github")

# What the command line itself says (not the findings), in the interface language.
SAY = {
    "zh": {"no-files": "gipcheck: 在 {paths} 中没有找到报告文件",
           "wrote": "gipcheck: 已将 {files} 个文件的 {n} 个问题写入基线 {path}",
           "no-statistics": "gipcheck: --statistics 不能用于 {format} 格式（可用：{formats}）",
           "no-annotations": "gipcheck test: 在 {paths} 中没有找到任何测试注释（如 <!-- ruleid: GIP602 -->），没有检查任何内容",
           "tested": "{passed} 项通过，{failed} 项失败",
           "writes-input": "gipcheck: {path} 是要检查的文件之一；gipcheck 从不写入被检查的文件",
           "internal": "gipcheck: 内部错误：{error}；上面已输出 {files} 个文件的检查结果；请把此信息报告给 gipcheck 的维护者",
           "crash": "gipcheck: 内部错误：{error}；请把此信息报告给 gipcheck 的维护者",
           "summary-suffix": "gipcheck: {path}: 结果文件应为 .xlsx、.csv 或 .json",
           "summarized": "gipcheck: 已汇总 {n} 份报告，写入 {path}",
           "no-previous": "gipcheck: {path}: 上一年度的报告不存在或不是文件"},
    "en": {"no-files": "gipcheck: no report files found in {paths}",
           "wrote": "gipcheck: wrote {n} finding(s) of {files} file(s) to {path}",
           "no-statistics": "gipcheck: --statistics cannot be used with --format {format} (use one of: {formats})",
           "no-annotations": "gipcheck test: no test annotation (such as <!-- ruleid: GIP602 -->) found in {paths}; nothing was tested",
           "tested": "{passed} passed, {failed} failed",
           "writes-input": "gipcheck: {path}: is one of the files to check; gipcheck never writes to them",
           "internal": "gipcheck: internal error: {error}; {files} file(s) were checked and reported above; "
                       "please report this to the gipcheck maintainers",
           "crash": "gipcheck: internal error: {error}; please report this to the gipcheck maintainers",
           "summary-suffix": "gipcheck: {path}: the result file must end in .xlsx, .csv or .json",
           "summarized": "gipcheck: summarized {n} report(s) into {path}",
           "no-previous": "gipcheck: {path}: last year's report does not exist or is not a file"},
}
_UI = {"lang": "zh"}


def _ui_lang(args: argparse.Namespace | None = None) -> str:
    """The interface language: --lang, else GIPCHECK_LANG, else Chinese."""
    lang = getattr(args, "lang", None) if args is not None else None
    return lang if lang in ("zh", "en") else _UI["lang"]


def _say(key: str, **values: object) -> str:
    return SAY[_UI["lang"]][key].format(**values)


def use_color(choice: str, output: str | None) -> bool:
    """--color always forces colour; auto colours a terminal unless NO_COLOR is set (no-color.org):
    then no escape codes at all, bold included."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return output is None and sys.stdout.isatty()


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _help_lang(argv: list[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1] == "en" else "zh"
    return "en" if os.environ.get("GIPCHECK_LANG", "").lower().startswith("en") else "zh"


class Parser(argparse.ArgumentParser):
    """argparse without silent abbreviations (``--form`` is not ``--format``), whose error for a
    misspelt option names the option that was meant."""

    lang = "zh"  # the interface language, set by build_parser

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def _all_options(self) -> list[str]:
        opts = list(self._option_string_actions)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sp in action.choices.values():
                    opts += list(sp._option_string_actions)
        return opts

    def error(self, message: str):  # type: ignore[override]
        import difflib
        import re as _re

        for word in _re.findall(r"(--?[\w-]+)", message):
            if word in self._all_options():
                continue
            near = difflib.get_close_matches(word.split("=", 1)[0], self._all_options(), n=1, cutoff=0.6)
            if near:
                message += (f"（是否想写 {near[0]}？）" if self.lang == "zh" else f" (did you mean {near[0]}?)")
                break
        super().error(message)


def build_parser(lang: str = "zh", only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, just that subcommand's part (a cold start
    pays for the one it runs: building all of them, ``review`` and ``serve`` modules with
    them, cost more than checking a small report). ``gipcheck CMD …`` parses, errs and helps
    the same with either: a subcommand's usage, help and errors name only its own options."""
    from .i18n import use_language

    use_language(lang)  # argparse's own strings (usage:, options, errors) in the same language
    h = HELP[lang]
    Parser.lang = lang
    p = Parser(prog="gipcheck", description=h["prog"])
    p.add_argument("--version", action="version", version=f"gipcheck {api.__version__}", help=h["version"])
    # the metavar argparse writes for all subcommands, also when only one is built: the same usage line
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="{" + ",".join(_SUBPARSERS) + "}")
    for name, add in _SUBPARSERS.items():
        if only is None or name == only:
            add(sub, h, lang)
    return p


def _add_check(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    c = sub.add_parser("check", help=h["check"], description=h["check"])
    c.add_argument("paths", nargs="+", metavar="PATH", help=h["paths"])
    c.add_argument("--format", default="text", choices=sorted(FORMATS), help=h["format"])
    c.add_argument("--output", "-o", metavar="FILE", help=h["output"])
    _common_options(c, h)
    c.add_argument("--fail-on", choices=["error", "warning", "info"], default=None, help=h["fail-on"])
    c.add_argument("--baseline", metavar="FILE", help=h["baseline"])
    c.add_argument("--write-baseline", metavar="FILE", nargs="?", const=".gipcheck-baseline.json", help=h["write-baseline"])
    c.add_argument("--statistics", action="store_true", help=h["statistics"])
    c.add_argument("--exit-zero", action="store_true", help=h["exit-zero"])
    c.add_argument("--quiet", "-q", action="store_true", help=h["quiet"])
    c.add_argument("--color", choices=["auto", "always", "never"], default="auto", help=h["color"])
    c.add_argument("--no-source", action="store_true", help=h["no-source"])
    c.add_argument("--stdin-filename", metavar="NAME", help=h["stdin-filename"])
    c.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N", help=h["jobs"])

    c.add_argument("--previous", metavar="FILE", help=h["previous"])


def _add_summary(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    sm = sub.add_parser("summary", help=h["summary"], description=h["summary"])
    sm.add_argument("paths", nargs="+", metavar="PATH", help=h["paths"])
    sm.add_argument("--output", "-o", metavar="FILE", required=True, help=h["summary-output"])
    sm.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N", help=h["jobs"])
    sm.add_argument("--previous", metavar="FILE", help=h["previous"])
    _common_options(sm, h)


def _add_config(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    cf = sub.add_parser("config", help=h["config-cmd"], description=h["config-cmd"])
    cf.add_argument("path", nargs="?", default=".", help=h["config-path"])
    _common_options(cf, h)


def _add_test(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    ts = sub.add_parser("test", help=h["test"], description=h["test"])
    ts.add_argument("paths", nargs="*", metavar="PATH", help=h["test-paths"])
    ts.add_argument("--examples", action="store_true", help=h["examples"])
    ts.add_argument("--profile", choices=PROFILES, help=h["profile"])
    ts.add_argument("--rules", action="append", default=[], metavar="FILE", help=h["rules"])
    ts.add_argument("--lang", choices=["zh", "en"], default=lang, help=h["lang"])


def _add_rules(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    r = sub.add_parser("rules", help=h["rules-cmd"], description=h["rules-cmd"])
    r.add_argument("--lang", choices=["zh", "en"], default=lang, help=h["lang"])
    r.add_argument("--format", choices=["text", "json"], default="text", help=h["rules-format"])
    r.add_argument("--rules", action="append", default=[], metavar="FILE", help=h["rules-rules"])


def _add_explain(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    e = sub.add_parser("explain", help=h["explain"], description=h["explain"])
    e.add_argument("rule", help=h["rule"])
    e.add_argument("--lang", choices=["zh", "en"], default=lang, help=h["lang"])
    e.add_argument("--rules", action="append", default=[], metavar="FILE", help=h["rules"])


def _add_parse(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    pa = sub.add_parser("parse", help=h["parse"], description=h["parse"])
    pa.add_argument("path", help=h["file"])
    pa.add_argument("--format", choices=["tree", "json"], default="tree", help=h["parse-format"])


def _add_text(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    t = sub.add_parser("text", help=h["text"], description=h["text"])
    t.add_argument("path", help=h["file"])
    t.add_argument("--raw", action="store_true", help=h["raw"])
    t.add_argument("--normalized", action="store_true", help=argparse.SUPPRESS)  # the default; kept for old scripts


def _add_review(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    from . import review  # its own options and help live with it

    review.add_parser(sub, lang, _common_options, h)


def _add_serve(sub: argparse._SubParsersAction, h: dict[str, str], lang: str) -> None:
    from . import serve  # its own options and help live with it

    serve.add_parser(sub, lang)


# in the order ``gipcheck --help`` lists them
_SUBPARSERS = {"check": _add_check, "summary": _add_summary, "config": _add_config, "test": _add_test,
               "rules": _add_rules, "explain": _add_explain, "parse": _add_parse, "text": _add_text,
               "review": _add_review, "serve": _add_serve}


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
        stdin_filename=getattr(args, "stdin_filename", None), origin="cli")


def file_settings(path: str, args: argparse.Namespace) -> tuple[api.Options, str]:
    """Options for one file as the command line says (for subcommands such as ``review``), and its fail-on."""
    opts = api.resolve_settings(path, settings_from(args))
    return opts, opts.fail_on


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
    from . import baseline as bl
    from .model import Summary

    files = list(api.expand_paths(args.paths))
    if not files:
        print(_say("no-files", paths="、".join(args.paths) if _ui_lang(args) == "zh" else ", ".join(args.paths)),
              file=sys.stderr)
        return 2
    for target in (args.output, args.write_baseline):
        clash = target and next((f for f in files if f != "-" and _same_file(f, target)), None)
        if clash:
            print(_say("writes-input", path=target), file=sys.stderr)
            return 2
    if args.previous and not os.path.isfile(args.previous):
        print(_say("no-previous", path=args.previous), file=sys.stderr)
        return 2
    settings = settings_from(args)
    if args.baseline:
        try:
            settings = api.Settings(**{**settings.__dict__, "baseline": bl.load(args.baseline)})
        except bl.BaselineError as exc:
            print(f"gipcheck: {exc.message(_ui_lang(args))}", file=sys.stderr)
            return 2
    if args.statistics and args.format not in STATISTICS_FORMATS:
        print(_say("no-statistics", format=args.format, formats=", ".join(STATISTICS_FORMATS)), file=sys.stderr)
        return 2
    first = api.resolve_settings(args.stdin_filename or "." if files[0] == "-" else files[0], settings)
    lang = first.lang
    ctx = ReportContext(lang=lang, color=use_color(args.color, args.output) and args.format == "text",
                        rules={}, show_source=not args.no_source, statistics=args.statistics, quiet=args.quiet)
    seen_rule_sets: set[tuple[str, ...]] = set()

    def refresh_meta() -> None:  # every rule set any file used, not only the first file's
        for key, rs in api.loaded_rules().items():
            if key not in seen_rule_sets:
                seen_rule_sets.add(key)
                ctx.rules.update(rule_meta(rs, lang))

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
        for fr in api.check_paths(files, settings, jobs=args.jobs, lines=shows_text, previous=args.previous):
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
    except (RuleFileError, UnknownRule, InputError, bl.BaselineError, OSError, KeyboardInterrupt):
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

                out.write(render_statistics(RunResult(kept, api.__version__), ctx, args.format))
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
        print(_say("internal", error=f"{type(internal).__name__}: {internal}{where}", files=summary.files),
              file=sys.stderr)
        return INTERNAL_ERROR
    if recorder is not None:
        n = recorder.write(args.write_baseline)
        if not args.quiet:
            print(_say("wrote", n=n, files=summary.files, path=args.write_baseline), file=sys.stderr)
        return INTERNAL_ERROR if summary.crashed else 0
    code = summary.exit_code()
    return 0 if code == 1 and args.exit_zero else code


def _cmd_summary(args: argparse.Namespace) -> int:
    from .report.summary_files import write

    out = Path(args.output)
    if out.suffix.lower() not in (".xlsx", ".csv", ".json"):
        print(_say("summary-suffix", path=args.output), file=sys.stderr)
        return 2
    files = list(api.expand_paths(args.paths))
    if not files:
        print(_say("no-files", paths="、".join(args.paths) if _ui_lang(args) == "zh" else ", ".join(args.paths)),
              file=sys.stderr)
        return 2
    if any(f != "-" and _same_file(f, args.output) for f in files):
        print(_say("writes-input", path=args.output), file=sys.stderr)
        return 2
    if args.previous and not os.path.isfile(args.previous):
        print(_say("no-previous", path=args.previous), file=sys.stderr)
        return 2
    settings = settings_from(args)
    data = api.summary_records(files, settings, jobs=args.jobs, previous=args.previous)
    lang = api.resolve_settings(files[0], settings).lang
    write(data, out, lang)
    print(_say("summarized", n=len(data["reports"]), path=out), file=sys.stderr)
    return 0


def _cmd_config(args: argparse.Namespace) -> int:
    c = config_for(args.path, args.config, args.isolated)
    opts = api.resolve_settings(args.path, settings_from(args))
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
    print(_say("tested", passed=out.passed, failed=len(out.failed)))
    if args.paths and not out.annotations:
        # a fixture folder with no annotation tests nothing: say so instead of "0 passed, 0 failed"
        print(_say("no-annotations", paths=", ".join(args.paths)), file=sys.stderr)
        return 1 if not args.examples else (1 if out.failed else 0)
    return 1 if out.failed else 0


def rules_json(rs: RuleSet, lang: str) -> list[dict[str, object]]:
    """``gipcheck rules --format json``: every rule with its basis, in the chosen language."""
    g = lambda t: getattr(t, lang) if t else None  # noqa: E731
    return [{"id": r.id, "name": r.name, "severity": r.severity, "summary": g(r.summary), "basis": g(r.basis),
             "fix": g(r.fix)} for r in rs.rules.values()]


def _cmd_rules(args: argparse.Namespace) -> int:
    rs = api.rules(tuple(str(Path(r).resolve()) for r in args.rules))
    if args.format == "json":
        print(json.dumps(rules_json(rs, args.lang), ensure_ascii=False, indent=2))
        return 0
    sev = {"zh": {"error": "错误", "warning": "警告", "info": "提示"}}.get(args.lang, {})
    for r in rs.rules.values():
        print(f"{r.id}  {r.name:<36} {sev.get(r.severity, r.severity):<8} {getattr(r.summary, args.lang)}")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .docs import explain

    rs = api.rules(tuple(str(Path(r).resolve()) for r in args.rules))
    rid = resolve(args.rule, rs)
    if rid not in rs.rules:  # a prefix (GIP4) is a selector, not one rule
        raise UnknownRule(args.rule, next((r for r in rs.rules if r.startswith(rid)), None))
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


COMMANDS = {"check": _cmd_check, "summary": _cmd_summary, "config": _cmd_config, "test": _cmd_test, "rules": _cmd_rules, "explain": _cmd_explain, "parse": _cmd_parse,
            "text": _cmd_text, "review": lambda a: _lazy("review", a), "serve": lambda a: _lazy("serve", a)}


def _lazy(module: str, args: argparse.Namespace) -> int:
    import importlib

    return importlib.import_module(f"gipcheck.{module}").run_cli(args)


def run() -> int:
    """The program (``gipcheck``, ``python -m gipcheck``): :func:`main` once importing is done,
    with every object the imports made moved out of the garbage collector's sight
    (``gc.freeze``). Modules, classes, compiled patterns and the parser live as long as the
    process; scanning them again in each collection a check triggers, and in the full one at
    exit, was a sixth of a cold start. Only for a process of its own: ``main`` called by a host
    program leaves the host's collector alone."""
    import gc

    gc.freeze()
    return main()


def main(argv: list[str] | None = None) -> int:
    from .i18n import restore

    argv = sys.argv[1:] if argv is None else argv
    _UI["lang"] = _help_lang(argv)
    try:
        command = argv[0] if argv and argv[0] in _SUBPARSERS else None  # else: a top-level option or a mistake
        args = build_parser(_UI["lang"], only=command).parse_args(argv)
    finally:
        restore()  # argparse is shared with the host program when main() is called as a function
    try:
        return COMMANDS[args.command](args)
    except (UnknownRule, ConfigError) as exc:
        print(f"gipcheck: {exc.message(_UI['lang'])}", file=sys.stderr)
        return 2
    except RuleFileError as exc:
        print(f"gipcheck: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"gipcheck: {exc.message(getattr(args, 'lang', None) or _UI['lang'])}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `gipcheck … | head`: the reader went away; not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:
        from .i18n import os_error

        print(f"gipcheck: {os_error(exc, _UI['lang'])}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of gipcheck: one line and an exit code of its own, never a traceback
        print(_say("crash", error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return INTERNAL_ERROR
