"""JSON Lines: one object per file per line, the same object as a ``files`` entry of the
JSON contract (shared/spec/output.md). Streams: the CLI may call :func:`render_file` as each
file is done."""
from __future__ import annotations

import json

from ..model import FileResult, RunResult
from . import ReportContext


def render_file(file: FileResult, ctx: ReportContext) -> str:
    return json.dumps(file.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"


def render(run: RunResult, ctx: ReportContext) -> str:
    return "".join(render_file(f, ctx) for f in run.files)
