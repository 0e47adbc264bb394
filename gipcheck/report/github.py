"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
finding, which GitHub shows as an annotation on the file and line."""
from __future__ import annotations

from ..model import Finding, FileResult, RunResult
from . import ReportContext

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
_BASIS = {"zh": "依据：", "en": "Basis: "}


def escape_data(s: str) -> str:
    """Escaping for the message part (after ``::``)."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escaping for a property value (file=…, title=…)."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(fr: FileResult, f: Finding, ctx: ReportContext) -> str:
    meta = ctx.rules.get(f.rule)
    name = f.name or (meta.name if meta else "")
    title = f"{f.rule} {name}".strip()
    props = [
        ("file", fr.path.replace("\\", "/")),
        ("line", str(max(1, f.line))),
        ("col", str(max(1, f.column))),
        ("endLine", str(max(1, f.end_line or f.line))),
        ("endColumn", str(max(1, f.end_column or f.column))),
        ("title", title),
    ]
    message = f.message
    basis = f.basis or (meta.basis if meta else None)
    if basis:
        message += "\n" + _BASIS["en" if ctx.lang == "en" else "zh"] + basis
    prop_text = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMANDS.get(f.severity, 'warning')} {prop_text}::{escape_data(message)}"


def render_file(file: FileResult, ctx: ReportContext) -> str:
    return "".join(command(file, f, ctx) + "\n" for f in file.findings)


def render(run: RunResult, ctx: ReportContext) -> str:
    return "".join(render_file(fr, ctx) for fr in run.files)
