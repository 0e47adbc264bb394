"""Human output: ``path:line:col  GIP201  error  message``, the line with the span marked,
the legal basis and the fix, then a summary. Chinese by default; colour only on a terminal."""
from __future__ import annotations

import unicodedata
from typing import IO

from ..model import FileResult, Finding, RunResult, Summary
from . import ReportContext

_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示", "basis": "依据", "fix": "建议",
           "summary": "共检查 {files} 个文件：{errors} 个错误，{warnings} 个警告，{infos} 个提示",
           "clean": "{path}：未发现问题", "where": "位置",
           "hidden": "（另有 {n} 个问题被屏蔽指令或基线隐藏，未显示）"},
    "en": {"error": "error", "warning": "warning", "info": "info", "basis": "basis", "fix": "fix",
           "summary": "{files} file(s) checked: {errors} error(s), {warnings} warning(s), {infos} info(s)",
           "clean": "{path}: no problems found", "where": "at",
           "hidden": " ({n} more hidden by suppressions or the baseline)"},
}
_COLORS = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


EXCERPT_WIDTH = 74  # columns of report text under a finding: 80 with the "    | " gutter


def clip(line: str, start: int, end: int, width: int = EXCERPT_WIDTH) -> tuple[str, int, int]:
    """The part of ``line`` to show around the span [start, end), at most ``width`` columns
    (a wide character counts two), with … where text was cut; returns the excerpt, the
    columns before the marker and the marker's width. A span wider than the screen is shown
    from its start, cut, and marked only as far as it is shown."""
    ell = "⋯"  # U+22EF: one column on every terminal (… is "ambiguous" and two columns in CJK locales)
    context = 10
    if _width(line) <= width:
        return line, _width(line[:start]), max(1, _width(line[start:end]))
    lo = start
    budget = width - 2 * _width(ell)
    if _width(line[start:end]) > budget - context:
        # the span alone does not fit: a little context before it, then as much of it as fits
        while lo > 0 and _width(line[lo - 1:start]) <= context:
            lo -= 1
        hi = lo
        while hi < len(line) and _width(line[lo:hi + 1]) <= budget:
            hi += 1
        prefix = ell if lo > 0 else ""
        suffix = ell if hi < len(line) else ""
        return prefix + line[lo:hi] + suffix, _width(prefix + line[lo:start]), max(1, _width(line[start:min(end, hi)]))
    room = budget - _width(line[start:end])
    hi = end
    left, right = room // 2, room - room // 2
    while lo > 0 and _width(line[lo - 1:start]) <= left:
        lo -= 1
    right += left - _width(line[lo:start])  # what the left did not use
    while hi < len(line) and _width(line[end:hi + 1]) <= right:
        hi += 1
    if hi == len(line):  # the right did not use its share: give it back to the left
        while lo > 0 and _width(line[lo - 1:hi]) <= budget:
            lo -= 1
    prefix = ell if lo > 0 else ""
    suffix = ell if hi < len(line) else ""
    return prefix + line[lo:hi] + suffix, _width(prefix + line[lo:start]), max(1, _width(line[start:end]))


def _source_note(f: Finding, lang: str) -> str:
    s = f.source or {}
    parts = []
    if "page" in s:
        parts.append(f"第{s['page']}页" if lang == "zh" else f"page {s['page']}")
    if "paragraph" in s:
        parts.append(f"第{s['paragraph']}段" if lang == "zh" else f"paragraph {s['paragraph']}")
    if "table" in s:
        parts.append(f"表{s['table']} 第{s.get('row', '?')}行" if lang == "zh" else f"table {s['table']} row {s.get('row', '?')}")
    if "heading" in s and s["heading"]:
        parts.append(str(s["heading"])[:30])
    return "，".join(parts) if lang == "zh" else ", ".join(parts)


def render_finding(fr: FileResult, f: Finding, ctx: ReportContext, style) -> list[str]:
    lab = _LABELS[ctx.lang]
    sev = style(lab[f.severity], _COLORS[f.severity])
    out = [f"{fr.path}:{f.line}:{f.column}  {style(f.rule, 'bold')}  {sev}  {f.message}"]
    note = _source_note(f, ctx.lang)
    if note:
        out.append(f"    {lab['where']}: {note}")
    if ctx.show_source and fr.lines and 0 < f.line <= len(fr.lines) and (f.line, f.column) != (1, 1) or (
            ctx.show_source and fr.lines and f.end_column > f.column):
        line = fr.lines[f.line - 1] if 0 < f.line <= len(fr.lines) else ""
        if line.strip():
            start = max(0, f.column - 1)
            end = f.end_column - 1 if f.end_line == f.line else len(line)
            end = max(start + 1, min(end, len(line)))
            shown, pad, mark = clip(line.replace("\t", " "), start, end)
            out.append("    | " + shown)
            out.append("    | " + " " * pad + style("^" * mark, _COLORS[f.severity]))
    if f.basis:
        out.append(f"    {lab['basis']}: {f.basis}")
    if f.fix:
        out.append(f"    {lab['fix']}: {f.fix}")
    return out


def render_file(fr: FileResult, ctx: ReportContext, style=None) -> str:
    style = style or (lambda text, _s: text)
    if not fr.findings:
        return "" if ctx.quiet else _LABELS[ctx.lang]["clean"].format(path=fr.path) + "\n"
    lines: list[str] = []
    for f in fr.findings:
        lines.extend(render_finding(fr, f, ctx, style))
    return "\n".join(lines) + "\n"


def render(run: RunResult, ctx: ReportContext) -> str:
    style = _rich_style() if ctx.color else None
    parts = [p for p in (render_file(fr, ctx, style) for fr in run.files) if p]
    if not ctx.quiet:
        parts.append(summary_line(run, ctx.lang) + "\n")
    return "\n".join(parts)


def summary_line(run: RunResult, lang: str) -> str:
    """The counts, and how many findings a suppression or the baseline hid (so a baseline
    never makes a report look cleaner than it is)."""
    return summary_text(run.counts(), lang)


def summary_text(counts: Summary, lang: str) -> str:
    lab = _LABELS[lang]
    return lab["summary"].format(**counts.to_json()) + (lab["hidden"].format(n=counts.hidden) if counts.hidden else "")


class stream:
    """The same text as :func:`render`, written file by file as results arrive."""

    def __init__(self, out: IO[str], ctx: ReportContext, version: str = ""):
        self.out, self.ctx = out, ctx
        self.style = _rich_style() if ctx.color else None

    def file(self, fr: FileResult) -> None:
        part = render_file(fr, self.ctx, self.style)
        if part:
            self.out.write(part + "\n")
            self.out.flush()

    def close(self, summary: Summary) -> None:
        if not self.ctx.quiet:
            self.out.write(summary_text(summary, self.ctx.lang) + "\n")
        self.out.flush()


def _rich_style():
    from rich.text import Text  # only loaded when colour is wanted (import costs ~50 ms)
    from rich.console import Console

    console = Console(force_terminal=True, highlight=False, no_color=False)  # asked for: --color or a terminal without NO_COLOR

    def style(text: str, s: str) -> str:
        with console.capture() as cap:
            console.print(Text(text, style=s), end="")
        return cap.get()

    return style
