"""JSON output exactly per shared/spec/output.md (schema gipcheck/1)."""
from __future__ import annotations

import json

from ..model import RunResult
from . import ReportContext


def render(run: RunResult, ctx: ReportContext) -> str:
    return json.dumps(run.to_json(), ensure_ascii=False, indent=2) + "\n"
