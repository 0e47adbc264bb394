"""`gipcheck test`: rule tests for rule authors, the way `semgrep --test` runs them.

An annotated fixture marks the line after the annotation::

    <!-- ruleid: GIP602 -->
    推进信息公开公开。          ← GIP602 must fire on this line
    <!-- ok: GIP602 -->
    研究研究再说。              ← GIP602 must not fire on this line

``todoruleid:``/``todook:`` mark known gaps (reported, never failing). A fixture may pin its
profile with ``<!-- gipcheck-test: profile=gip-2021 -->``. The rule files' own examples
(built-in and ``--rules`` files) run through the same runner with ``--examples``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .api import Options, check_example, check_extracted, check_file, rules
from .read.base import Extracted

ANNOTATION = re.compile(r"<!--\s*(?P<kind>ruleid|ok|todoruleid|todook)\s*:\s*(?P<rules>[A-Za-z0-9,\s-]+?)\s*-->")
PROFILE = re.compile(r"<!--\s*gipcheck-test\s*:\s*profile\s*=\s*(?P<p>gip-\d{4})\s*-->")


SAY = {
    "zh": {"should": "{where}: {rid} 应在此处报告，实际没有", "ok": "{where}: {rid} 在此处报告了，但该行标为 ok",
           "todo": "{where}: {kind} {rid} 现已成立；请改为 {new} 注释",
           "example": "{rid} 示例 {n}: 应{want}，实际不是", "fire": "报告", "not fire": "不报告"},
    "en": {"should": "{where}: {rid} should fire here and does not", "ok": "{where}: {rid} fires here but the line is marked ok",
           "todo": "{where}: {kind} {rid} now holds; make it a {new} annotation",
           "example": "{rid} example {n}: should {want} and does not", "fire": "fire", "not fire": "not fire"},
}


@dataclass
class Outcome:
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    annotations: int = 0  # ruleid/ok/todo annotations seen in the fixtures


def _target_line(lines: list[str], i: int) -> int:
    """The line an annotation on line i (1-based) speaks of: the next one with report text."""
    j = i + 1
    while j <= len(lines) and (not lines[j - 1].strip() or ANNOTATION.fullmatch(lines[j - 1].strip())
                               or PROFILE.fullmatch(lines[j - 1].strip())):
        j += 1
    return j


def run_fixture(path: Path, opts: Options, out: Outcome) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    m = PROFILE.search(text)
    if m:
        try:
            opts = Options(profile=m.group("p"), lang=opts.lang, extra_rules=opts.extra_rules)
        except ValueError as exc:  # gipcheck-test: profile=gip-2030
            out.failed.append(f"{path}: {exc}")
            return
    result = check_file(path, opts)
    fired = {(f.rule, f.line) for f in result.findings}
    names = {r.name: r.id for r in rules(opts.extra_rules).rules.values()}  # ruleid: repeated-word
    for i, line in enumerate(lines, start=1):
        for a in ANNOTATION.finditer(line):
            out.annotations += 1
            target = _target_line(lines, i)
            for rid in (names.get(r.strip().lower(), r.strip().upper()) for r in a.group("rules").split(",") if r.strip()):
                hit = (rid, target) in fired
                kind = a.group("kind")
                where = f"{path}:{target}"
                say = SAY[opts.lang]
                if kind == "ruleid":
                    (out.failed.append(say["should"].format(where=where, rid=rid)) if not hit else None)
                    out.passed += hit
                elif kind == "ok":
                    (out.failed.append(say["ok"].format(where=where, rid=rid)) if hit else None)
                    out.passed += not hit
                elif (kind == "todoruleid") == hit:
                    out.todo.append(say["todo"].format(where=where, kind=kind, rid=rid, new=kind[4:]))


def run_examples(opts: Options, out: Outcome) -> None:
    """Every rule's own examples: a fail example must fire the rule, a pass example must not."""
    rs = rules(opts.extra_rules)
    for rule in rs.rules.values():
        for n, ex in enumerate(rule.examples, start=1):
            eopts = Options(profile=ex.profile or opts.profile, lang=opts.lang, extra_rules=opts.extra_rules)
            if ex.fail_hex is not None:
                import tempfile

                with tempfile.TemporaryDirectory() as d:
                    p = Path(d) / "example.txt"
                    p.write_bytes(bytes.fromhex(ex.fail_hex))
                    got = {f.rule for f in check_file(p, eopts).findings}
                ok, want = rule.id in got, "fire"
            else:
                text = ex.fail if ex.fail is not None else ex.pass_
                got = {f.rule for f in check_example(text or "", eopts, previous=ex.previous, other=ex.other).findings}
                want = "fire" if ex.fail is not None else "not fire"
                ok = (rule.id in got) == (ex.fail is not None)
            if ok:
                out.passed += 1
            else:
                say = SAY[opts.lang]
                out.failed.append(say["example"].format(rid=rule.id, n=n, want=say[want]))


def collect(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix in (".txt", ".md") and f.is_file())
        else:
            files.append(p)
    return files
