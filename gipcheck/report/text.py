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
           "clean": "{path}：未发现问题", "where": "位置"},
    "en": {"error": "error", "warning": "warning", "info": "info", "basis": "basis", "fix": "fix",
           "summary": "{files} file(s) checked: {errors} error(s), {warnings} warning(s), {infos} info(s)",
           "clean": "{path}: no problems found", "where": "at"},
}
_COLORS = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
            lo = max(0, start - 30)
            hi = min(len(line), end + 30)
            shown = ("…" if lo else "") + line[lo:hi] + ("…" if hi < len(line) else "")
            pad = _width(("…" if lo else "") + line[lo:start])
            out.append("    | " + shown.replace("\t", " "))
            out.append("    | " + " " * pad + style("^" * max(1, _width(line[start:end])), _COLORS[f.severity]))
    if f.basis:
        out.append(f"    {lab['basis']}: {f.basis}")
    if f.fix:
        out.append(f"    {lab['fix']}: {f.fix}")
    return out


def render_file(fr: FileResult, ctx: ReportContext, style=None) -> str:
    style = style or (lambda text, _s: text)
    if not fr.findings:
        return _LABELS[ctx.lang]["clean"].format(path=fr.path) + "\n"
    lines: list[str] = []
    for f in fr.findings:
        lines.extend(render_finding(fr, f, ctx, style))
    return "\n".join(lines) + "\n"


def render(run: RunResult, ctx: ReportContext) -> str:
    style = _rich_style() if ctx.color else None
    parts = [render_file(fr, ctx, style) for fr in run.files]
    parts.append(_LABELS[ctx.lang]["summary"].format(**run.summary()) + "\n")
    return "\n".join(parts)


class stream:
    """The same text as :func:`render`, written file by file as results arrive."""

    def __init__(self, out: IO[str], ctx: ReportContext, version: str = ""):
        self.out, self.ctx = out, ctx
        self.style = _rich_style() if ctx.color else None

    def file(self, fr: FileResult) -> None:
        self.out.write(render_file(fr, self.ctx, self.style) + "\n")
        self.out.flush()

    def close(self, summary: Summary) -> None:
        self.out.write(_LABELS[self.ctx.lang]["summary"].format(**summary.to_json()) + "\n")
        self.out.flush()


def _rich_style():
    from rich.text import Text  # only loaded when colour is wanted (import costs ~50 ms)
    from rich.console import Console

    console = Console(force_terminal=True, highlight=False)

    def style(text: str, s: str) -> str:
        with console.capture() as cap:
            console.print(Text(text, style=s), end="")
        return cap.get()

    return style
