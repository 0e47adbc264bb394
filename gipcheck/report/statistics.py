"""``--statistics``: how many findings each rule produced (like ``ruff --statistics``), in the
output format asked for: a table for people, JSON/JSONL for tools, an HTML page, or GitHub
annotations — never the text table inside a file of another format."""
from __future__ import annotations

import html
import json
from collections import Counter

from ..model import RunResult
from . import ReportContext

_HEADER = {"zh": "各规则问题数：", "en": "Findings per rule:"}
_NONE = {"zh": "未发现问题。", "en": "No findings."}
_HTML = {"zh": {"title": "各规则问题数", "rule": "规则", "name": "名称", "count": "问题数", "lang": "zh-CN"},
         "en": {"title": "Findings per rule", "rule": "Rule", "name": "Name", "count": "Findings", "lang": "en"}}


def count_rules(run: RunResult, ctx: ReportContext) -> list[dict[str, object]]:
    """Rules by number of findings (most first), with name and severity."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    severities: dict[str, str] = {}
    for fr in run.files:
        for f in fr.findings:
            counts[f.rule] += 1
            if f.rule not in names:
                meta = ctx.rules.get(f.rule)
                names[f.rule] = f.name or (meta.name if meta else "")
                severities[f.rule] = f.severity
    return [{"rule": r, "name": names[r], "severity": severities[r], "count": n}
            for r, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _text(rows: list[dict[str, object]], lang: str) -> str:
    if not rows:
        return _NONE[lang] + "\n"
    width = len(str(rows[0]["count"]))
    rule_width = max(len(str(r["rule"])) for r in rows)
    out = [_HEADER[lang]]
    for r in rows:
        out.append(f"{r['count']:>{width}}\t{r['rule']:<{rule_width}}\t{r['name']}".rstrip())
    return "\n".join(out) + "\n"


def _html(rows: list[dict[str, object]], lang: str) -> str:
    t = _HTML[lang]
    body = "".join(f"<tr><td>{html.escape(str(r['rule']))}</td><td>{html.escape(str(r['name']))}</td>"
                   f"<td class=n>{r['count']}</td></tr>" for r in rows)
    empty = f"<p>{_NONE[lang]}</p>" if not rows else ""
    return (f'<!doctype html><html lang="{t["lang"]}"><head><meta charset="utf-8"><title>{t["title"]}</title>'
            "<style>body{font-family:sans-serif;margin:2rem}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd}"
            ".n{text-align:right}</style></head>"
            f'<body><h1>{t["title"]}</h1>{empty}<table><thead><tr><th>{t["rule"]}</th><th>{t["name"]}</th>'
            f'<th class=n>{t["count"]}</th></tr></thead><tbody>{body}</tbody></table></body></html>\n')


def render_statistics(run: RunResult, ctx: ReportContext, fmt: str = "text") -> str:
    lang = "en" if ctx.lang == "en" else "zh"
    rows = count_rules(run, ctx)
    if fmt == "json":
        return json.dumps({"schema": "gipcheck-statistics/1", "statistics": rows, "summary": run.summary()},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "html":
        return _html(rows, lang)
    if fmt == "github":
        return "".join(f"::notice title={r['rule']} {r['name']}::{r['count']}\n" for r in rows)
    return _text(rows, lang)
