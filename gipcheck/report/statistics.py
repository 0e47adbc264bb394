"""``--statistics``: how many findings each rule produced (like ``ruff --statistics``)."""
from __future__ import annotations

from collections import Counter

from ..model import RunResult
from . import ReportContext

_HEADER = {"zh": "各规则问题数：", "en": "Findings per rule:"}
_NONE = {"zh": "未发现问题。", "en": "No findings."}


def render_statistics(run: RunResult, ctx: ReportContext) -> str:
    lang = "en" if ctx.lang == "en" else "zh"
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for fr in run.files:
        for f in fr.findings:
            counts[f.rule] += 1
            if f.rule not in names:
                meta = ctx.rules.get(f.rule)
                names[f.rule] = f.name or (meta.name if meta else "")
    if not counts:
        return _NONE[lang] + "\n"
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = len(str(rows[0][1]))
    rule_width = max(len(r) for r, _ in rows)
    out = [_HEADER[lang]]
    for rule, n in rows:
        out.append(f"{n:>{width}}\t{rule:<{rule_width}}\t{names[rule]}".rstrip())
    return "\n".join(out) + "\n"
