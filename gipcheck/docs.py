"""Rule documentation generated from the rule files themselves (`gipcheck explain`, docs/rules.md)."""
from __future__ import annotations

from .rules import RuleSet

_H = {
    "zh": {"what": "检查内容", "why": "为什么", "basis": "依据", "fix": "如何修改", "fail": "会报告的示例",
           "pass": "不会报告的示例", "severity": "默认级别", "profiles": "适用", "message": "提示信息（示例）",
           "across": "跨报告（同一单位上一年度的报告，或同批其他单位的报告）", "previous": "上一年度的报告",
           "other": "其他单位的报告"},
    "en": {"what": "What it does", "why": "Why", "basis": "Basis", "fix": "How to fix", "fail": "Example that fires",
           "pass": "Example that passes", "severity": "Default severity", "profiles": "Profiles", "message": "Message (example)",
           "across": "across reports (the same agency's previous report, or other agencies' reports in the run)",
           "previous": "Last year's report", "other": "Another agency's report"},
}


_SEVERITY = {"zh": {"error": "错误", "warning": "警告", "info": "提示"},
             "en": {"error": "error", "warning": "warning", "info": "info"}}


def _profiles(rs: RuleSet, rid: str, lang: str = "en") -> str:
    if any(c.entry.rule == rid for c in rs.cross_checks):
        return _H[lang]["across"]
    ps: set[str] = set()
    for c in rs.checks:
        if c.entry.rule == rid:
            ps.update(c.entry.profiles or ["gip-2008", "gip-2019", "gip-2021"])
    return ", ".join(sorted(ps)) or "—"


def _short(text: str, lines: int = 6) -> str:
    parts = text.rstrip("\n").split("\n")
    return "\n".join(parts[:lines] + (["…"] if len(parts) > lines else []))


def example_message(rs: RuleSet, rid: str, lang: str = "zh") -> str:
    """The message as a user reads it: rendered from the rule's first failing example, never
    the template with its {placeholders}; the template only when it has none."""
    from string import Formatter

    from .engine import Selection, check_document
    from .read import Extracted

    r = rs.rules[rid]
    template = getattr(r.message, lang)
    for ex in r.examples:
        if ex.fail is None:
            continue
        try:
            if ex.previous is not None or ex.other is not None:  # a cross-report rule: two reports
                from .api import Options, check_example

                findings = check_example(ex.fail, Options(profile=ex.profile, lang=lang, selection=Selection([rid])),
                                         previous=ex.previous, other=ex.other).findings
            else:
                *_, findings = check_document(Extracted(text=ex.fail), rs, profile=ex.profile, sel=Selection([rid]),
                                              lang=lang)
        except Exception:  # noqa: BLE001 - documentation must not fail on one example
            continue
        for f in findings:
            if f.rule == rid:
                return f.message
    if all(field is None for _, field, _, _ in Formatter().parse(template)):
        return template
    return "—"


def explain(rs: RuleSet, rid: str, lang: str = "zh", markdown: bool = False) -> str:
    r = rs.rules[rid]
    h = _H[lang]
    g = lambda t: getattr(t, lang) if t else None  # noqa: E731
    head = f"## {r.id} `{r.name}`" if markdown else f"{r.id} {r.name}"
    out = [head, "", g(r.summary), "",
           f"- {h['severity']}: {_SEVERITY[lang][r.severity]}", f"- {h['profiles']}: {_profiles(rs, rid, lang)}",
           f"- {h['message']}: {example_message(rs, rid, lang)}"]
    if r.basis:
        out.append(f"- {h['basis']}: {g(r.basis)}")
    if r.why:
        out += ["", f"### {h['why']}" if markdown else f"{h['why']}:", g(r.why)]
    if r.fix:
        out += ["", f"### {h['fix']}" if markdown else f"{h['fix']}:", g(r.fix)]
    fails = [e for e in r.examples if e.fail]
    passes = [e for e in r.examples if e.pass_]
    if fails:
        second = (("previous", fails[0].previous) if fails[0].previous else
                  ("other", fails[0].other) if fails[0].other else (None, None))
        if second[0]:
            out += ["", f"### {h[second[0]]}" if markdown else f"{h[second[0]]}:", "```text" if markdown else "",
                    _short(second[1]), "```" if markdown else ""]
        out += ["", f"### {h['fail']}" if markdown else f"{h['fail']}:", "```text" if markdown else "",
                _short(fails[0].fail), "```" if markdown else ""]
    if passes and len(passes[0].pass_) < 400:
        out += ["", f"### {h['pass']}" if markdown else f"{h['pass']}:", "```text" if markdown else "",
                _short(passes[0].pass_), "```" if markdown else ""]
    return "\n".join(x for x in out if x is not None)


def rules_markdown(rs: RuleSet) -> str:
    """docs/rules.md: every rule, in both languages."""
    out = ["# Rules reference", "", "Generated from `rules/*.yaml` by `python -m gipcheck.docs`; "
           "`tests/test_docs.py` fails when this file is stale.", "",
           "| id | name | severity | summary |", "|---|---|---|---|"]
    for r in rs.rules.values():
        out.append(f"| {r.id} | `{r.name}` | {r.severity} | {r.summary.en} |")
    for r in rs.rules.values():
        out += ["", explain(rs, r.id, "en", markdown=True), "", explain(rs, r.id, "zh", markdown=True)
                .replace(f"## {r.id} `{r.name}`", f"#### {r.id}（中文）", 1)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    from .api import rules

    target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    target.write_text(rules_markdown(rules()), encoding="utf-8")
    print(f"wrote {target}")
