"""JSON output exactly per shared/spec/output.md (schema gipcheck/1).

:class:`stream` writes the same document as :func:`render`, byte for byte, one ``files``
entry at a time, so a batch's output is never held whole (nor lost to a later failure: what
was checked is out, and only the closing summary is missing if gipcheck itself dies).
"""
from __future__ import annotations

import json
from typing import IO

from ..model import FileResult, RunResult, Summary
from . import ReportContext


def render(run: RunResult, ctx: ReportContext) -> str:
    return json.dumps(run.to_json(), ensure_ascii=False, indent=2) + "\n"


def _indented(value: object, depth: int) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * depth)


class stream:
    def __init__(self, out: IO[str], ctx: ReportContext, version: str = ""):
        self.out = out
        self.count = 0
        tool = _indented({"name": "gipcheck", "version": version}, 1)
        out.write('{\n  "schema": "gipcheck/1",\n  "tool": ' + tool + ',\n  "files": [')
        out.flush()

    def file(self, fr: FileResult) -> None:
        self.out.write(("," if self.count else "") + "\n    " + _indented(fr.to_json(), 2))
        self.out.flush()
        self.count += 1

    def close(self, summary: Summary) -> None:
        end = "\n  ]" if self.count else "]"
        self.out.write(end + ',\n  "summary": ' + _indented(summary.to_json(), 1) + "\n}\n")
        self.out.flush()
