"""One self-contained HTML page for the people who write the reports (no network: the CSS
and JS are inline). For each file the report text with line numbers, every finding marked
in place (the span highlighted, a marker with the rule id, a note under the line with the
rule name, message, legal basis and fix advice); beside it the list of findings grouped by
severity, and filters by rule and severity that hide or show markers, notes and list entries.

Stable hooks for tests and scripts: each line ``<div class="line" id="f0-L12" data-line="12">``,
each marker ``<mark class="finding" id="m-f0-3" data-fid="f0-3" data-rule="GIP201"
data-severity="error" data-line="12">`` inside its line, each list entry
``<li class="finding-item" id="i-f0-3" data-fid=… data-rule=… data-line=…>``, filters
``<input type="checkbox" class="rule-filter" value="GIP201">`` and ``class="severity-filter"``.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from html import escape
from importlib.resources import files
from typing import Any

from ..model import SEVERITIES, SEVERITY_RANK, Finding, FileResult, RunResult
from ..review import is_document_wide
from . import ReportContext

_ASSETS = files(__package__) / "assets"


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file shipped in ``gipcheck/report/assets`` (CSS, JS, the page's words)."""
    return (_ASSETS / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _all_strings() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(asset("strings.yaml"))


def strings(lang: str) -> dict[str, dict[str, str]]:
    """The words of the report and the web page in one language (``zh`` unless ``en``)."""
    return _all_strings()["en" if lang == "en" else "zh"]


class _UI(dict):
    """``UI["zh"]`` / ``UI["en"]``: the report's words, read from the package data."""

    def __missing__(self, lang: str) -> dict[str, str]:
        return strings(lang)["report"]


UI: dict[str, dict[str, str]] = _UI()


def _e(s: Any) -> str:
    return escape(str(s), quote=True)


def _rule_name(f: Finding, ctx: ReportContext) -> str:
    meta = ctx.rules.get(f.rule)
    return f.name or (meta.name if meta else "")


def _summary(rule: str, ctx: ReportContext, lang: str) -> str:
    meta = ctx.rules.get(rule)
    if not meta:
        return ""
    return (meta.summary_en if lang == "en" else meta.summary_zh) or ""


def _rule_label(f: Finding, ctx: ReportContext, lang: str) -> str:
    """Rule id, its short description in the UI language, and its name (small)."""
    summary = _summary(f.rule, ctx, lang)
    out = f'<span class="rid">{_e(f.rule)}</span>'
    if summary:
        out += f'<span class="rsum">{_e(summary)}</span>'
    return out + f'<span class="rname">{_e(_rule_name(f, ctx))}</span>'


def _basis(f: Finding, ctx: ReportContext) -> str | None:
    meta = ctx.rules.get(f.rule)
    return f.basis or (meta.basis if meta else None)


def _fix(f: Finding, ctx: ReportContext, lang: str) -> str | None:
    if f.fix:
        return f.fix
    meta = ctx.rules.get(f.rule)
    if not meta:
        return None
    return meta.fix_en if lang == "en" else meta.fix_zh


def place_text(source: dict[str, Any] | None, lang: str) -> str:
    """Where a finding is in the original, in the report's language (第 14 段；第 3 个表格第 25 行)."""
    if not source:
        return ""
    t = strings(lang)["place"]
    parts = []
    if isinstance(source.get("paragraph"), int):
        parts.append(t["paragraph"].format(n=source["paragraph"]))
    table, row = source.get("table"), source.get("row")
    if isinstance(table, int) and isinstance(row, int):
        col = source.get("column")
        parts.append(t["table_cell"].format(t=table, r=row, c=col) if isinstance(col, int)
                     else t["table"].format(t=table, r=row))
    if isinstance(source.get("page"), int):
        parts.append(t["page"].format(n=source["page"]))
    if isinstance(source.get("heading"), str) and source["heading"].strip():
        parts.append(t["heading"].format(h=source["heading"].strip()))
    return strings(lang)["report"]["sep"].join(parts)


def _source_text(source: dict[str, Any] | None, t: dict[str, str]) -> str:
    return place_text(source, "en" if t.get("html_lang") == "en" else "zh")


def _line_html(text: str, ranges: list[tuple[int, int, str, str]], markers: list[tuple[int, str]]) -> str:
    """Escape one line, wrapping covered spans in ``.hl`` and inserting markers at their columns.

    ``ranges`` are (start, end, fid, severity) in code-point indexes; overlapping ranges are
    cut into segments that list every finding covering them, so nothing has to nest.
    """
    n = len(text)
    bounds = {0, n}
    for a, b, _, _ in ranges:
        bounds.update((a, b))
    for a, _ in markers:
        bounds.add(a)
    order = sorted(bounds)
    out: list[str] = []
    mi = 0
    for i, p in enumerate(order):
        while mi < len(markers) and markers[mi][0] == p:
            out.append(markers[mi][1])
            mi += 1
        if i + 1 == len(order):
            break
        q = order[i + 1]
        seg = _e(text[p:q])
        cover = [r for r in ranges if r[0] <= p and r[1] >= q and r[1] > r[0]]
        if cover:
            sev = max((r[3] for r in cover), key=lambda s: SEVERITY_RANK.get(s, 0))
            fids = " ".join(r[2] for r in cover)
            out.append(f'<span class="hl hl-{_e(sev)}" data-fids="{_e(fids)}">{seg}</span>')
        else:
            out.append(seg)
    return "".join(out)


def _finding_attrs(fid: str, f: Finding) -> str:
    return (f'data-fid="{_e(fid)}" data-rule="{_e(f.rule)}" data-severity="{_e(f.severity)}" '
            f'data-line="{max(1, f.line)}"')


def _detail_html(f: Finding, ctx: ReportContext, t: dict[str, str], lang: str) -> str:
    out = []
    basis = _basis(f, ctx)
    if basis:
        out.append(f'<div class="basis"><b>{_e(t["basis"])}：</b>{_e(basis)}</div>' if lang == "zh"
                   else f'<div class="basis"><b>{_e(t["basis"])}:</b> {_e(basis)}</div>')
    fix = _fix(f, ctx, lang)
    if fix:
        out.append(f'<div class="fix"><b>{_e(t["fix"])}：</b>{_e(fix)}</div>' if lang == "zh"
                   else f'<div class="fix"><b>{_e(t["fix"])}:</b> {_e(fix)}</div>')
    src = _source_text(f.source, t)
    if src:
        sep = "：" if lang == "zh" else ": "
        out.append(f'<div class="basis"><b>{_e(t["source"])}{sep}</b>{_e(src)}</div>')
    return "".join(out)


def _whole(fr: FileResult) -> list[Finding]:
    """Findings about the report as a whole, shown at the top (a file with text only: an
    unreadable file has no text to be above, its one finding keeps line 1)."""
    if not any(ln.strip() for ln in fr.lines):
        return []
    return [f for f in fr.findings if is_document_wide(f)]


def _grids(fr: FileResult, n_lines: int) -> dict[int, dict[str, Any]]:
    """The tables to draw as grids, by first line; a grid whose rows are not one line each is skipped."""
    out: dict[int, dict[str, Any]] = {}
    taken: set[int] = set()
    for g in fr.grids:
        rows = g.get("rows") or []
        lines = [r.get("line") for r in rows]
        if not rows or any(not isinstance(k, int) or not 0 < k <= n_lines for k in lines):
            continue
        if lines != list(range(lines[0], lines[0] + len(lines))) or taken & set(lines):
            continue
        taken |= set(lines)
        out[lines[0]] = g
    return out


def _grid_html(i: int, g: dict[str, Any], lines: list[str], ranges: dict[int, list[tuple[int, int, str, str]]],
               markers: dict[int, list[tuple[int, str]]], notes: dict[int, list[str]], worst: dict[int, str],
               t: dict[str, str]) -> str:
    """A table as a real grid: each row a ``.line`` (its id and markers as for a text line), the
    cells a finding covers highlighted, the notes in a row under the row they are about."""
    width = max(len(r["cells"]) for r in g["rows"])
    out = ['<div class="grid-wrap"><table class="grid"><tbody>']
    for row in g["rows"]:
        k = row["line"]
        text = lines[k - 1]
        cells = [(max(0, min(a, len(text))), max(0, min(b, len(text)))) for a, b in row["cells"]]
        line_ranges = ranges.get(k, [])
        line_markers = markers.get(k, [])
        owner: dict[int, int] = {}  # marker index -> cell
        for mi, (col, _) in enumerate(line_markers):
            best = 0
            for ci, (a, b) in enumerate(cells):
                if a <= col:
                    best = ci
                if a <= col < max(b, a + 1):
                    best = ci
                    break
            owner[mi] = best
        cls = "line grid-row"
        if k in markers:
            cls += f" has-finding sev-{_e(worst[k])}"
        tds = []
        for ci, (a, b) in enumerate(cells):
            cr = [(max(lo, a) - a, min(hi, b) - a, fid, sev) for lo, hi, fid, sev in line_ranges if lo < b and hi > a]
            cm = [(min(max(0, col - a), b - a), html) for mi, (col, html) in enumerate(line_markers) if owner[mi] == ci]
            tcls = ""
            if cr:
                sev = max((r[3] for r in cr), key=lambda s: SEVERITY_RANK.get(s, 0))
                tcls = f' class="bad sev-{_e(sev)}"'
            span = f' colspan="{width - len(cells) + 1}"' if ci == len(cells) - 1 and len(cells) < width else ""
            tds.append(f"<td{tcls}{span}>{_line_html(text[a:b], cr, cm)}</td>")
        if not cells:
            tds.append(f'<td colspan="{width}"></td>')
        out.append(f'<tr class="{cls}" id="f{i}-L{k}" data-line="{k}"><th class="ln">{k}</th>{"".join(tds)}</tr>')
        if k in notes:
            out.append(f'<tr class="notes-row"><td></td><td colspan="{width}">'
                       f'<div class="notes" data-line="{k}">{"".join(notes[k])}</div></td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _file_html(i: int, fr: FileResult, ctx: ReportContext, t: dict[str, str], lang: str) -> str:
    findings = sorted(fr.findings, key=lambda f: f.sort_key())
    whole = {id(f) for f in _whole(fr)}
    lines = [ln.rstrip("\r\n") for ln in fr.lines]
    needed = max((max(1, f.line) for f in findings if id(f) not in whole), default=0)
    if len(lines) < needed:  # a finding past the text (e.g. GIP001 on an unreadable file): give it a line
        lines += [""] * (needed - len(lines))

    ranges: dict[int, list[tuple[int, int, str, str]]] = {}
    markers: dict[int, list[tuple[int, str]]] = {}
    notes: dict[int, list[str]] = {}
    worst: dict[int, str] = {}
    top: list[str] = []
    for j, f in enumerate(findings):
        fid = f"f{i}-{j}"
        title = f"{f.rule} {_rule_name(f, ctx)}: {f.message}"
        mark = (f'<mark class="finding sev-{_e(f.severity)}" id="m-{fid}" {_finding_attrs(fid, f)} '
                f'title="{_e(title)}">{_e(f.rule)}</mark>')
        note_body = f'{_rule_label(f, ctx, lang)}<div class="msg">{_e(f.message)}</div>{_detail_html(f, ctx, t, lang)}'
        if id(f) in whole:
            top.append(f'<div class="note sev-{_e(f.severity)}" id="n-{fid}" {_finding_attrs(fid, f)}>'
                       f'{mark}{note_body}</div>')
            continue
        start = max(1, f.line)
        end = max(start, f.end_line or start)
        a = max(0, f.column - 1)
        b = max(0, (f.end_column or f.column) - 1)
        for k in range(start, min(end, len(lines)) + 1):
            n = len(lines[k - 1])
            lo = min(a, n) if k == start else 0
            hi = min(b, n) if k == end else n
            if k == start and k == end:
                hi = max(lo, hi)
            if hi > lo:
                ranges.setdefault(k, []).append((lo, hi, fid, f.severity))
        col = min(a, len(lines[start - 1]))
        markers.setdefault(start, []).append((col, mark))
        notes.setdefault(start, []).append(
            f'<div class="note sev-{_e(f.severity)}" id="n-{fid}" {_finding_attrs(fid, f)}>{note_body}</div>')
        if SEVERITY_RANK.get(f.severity, 0) >= SEVERITY_RANK.get(worst.get(start, "info"), 0):
            worst[start] = f.severity
    for k in markers:
        markers[k].sort(key=lambda m: m[0])  # stable: findings at one column keep their order

    out = [f'<section class="file" id="f{i}" data-path="{_e(fr.path)}">', f"<h2>{_e(fr.path)}</h2>"]
    meta = []
    sep = t["colon"]
    if fr.profile:
        meta.append(f'<span>{_e(t["profile"])}{sep}{_e(fr.profile)}</span>')
    if fr.format:
        meta.append(f'<span>{_e(t["format"])}{sep}{_e(fr.format)}</span>')
    facts = fr.facts or {}
    if facts.get("agency"):
        meta.append(f'<span>{_e(t["agency"])}{sep}{_e(facts["agency"])}</span>')
    if facts.get("report_year"):
        meta.append(f'<span>{_e(t["year"])}{sep}{_e(facts["report_year"])}</span>')
    period = facts.get("statistics_period")
    if isinstance(period, dict) and (period.get("start") or period.get("end")):
        meta.append(f'<span>{_e(t["period"])}{sep}{_e(period.get("start") or "?")}'
                    f'{_e(t["period_sep"])}{_e(period.get("end") or "?")}</span>')
    if meta:
        out.append(f'<div class="meta">{"".join(meta)}</div>')
    if fr.profile is None and fr.facts is None and any(f.rule == "GIP001" for f in findings):
        out.append(f'<div class="status unreadable">{_e(t["unreadable"])}</div>')
    elif not findings:
        out.append(f'<div class="status clean">✓ {_e(t["clean"])}</div>')
    else:
        counts = Counter(f.severity for f in findings)
        chips = "".join(f'<span class="chip sev-{s}">{_e(t[s])} {counts[s]}</span>' for s in SEVERITIES if counts[s])
        out.append(f'<div class="meta chips">{chips}</div>')
    if top:
        out.append(f'<div class="whole" id="f{i}-whole"><h3>{_e(t["whole"])}</h3>{"".join(top)}</div>')

    open_attr = " open" if findings else ""
    out.append(f'<details class="text"{open_attr}><summary>{_e(t["text"].format(n=len(fr.lines)))}</summary>')
    out.append('<div class="lines">')
    if not lines:
        out.append(f'<div class="status">{_e(t["no_text"])}</div>')
    grids = _grids(fr, len(lines))
    k = 1
    while k <= len(lines):
        if k in grids:
            g = grids[k]
            out.append(_grid_html(i, g, lines, ranges, markers, notes, worst, t))
            k += len(g["rows"])
            continue
        text = lines[k - 1]
        cls = "line"
        if k in markers:
            cls += f" has-finding sev-{_e(worst[k])}"
        body = _line_html(text, ranges.get(k, []), markers.get(k, []))
        out.append(f'<div class="{cls}" id="f{i}-L{k}" data-line="{k}"><span class="ln">{k}</span>'
                   f'<span class="tx">{body}</span></div>')
        if k in notes:
            out.append(f'<div class="notes" data-line="{k}">{"".join(notes[k])}</div>')
        k += 1
    out.append("</div></details></section>")
    return "\n".join(out)


def _sidebar(run: RunResult, ctx: ReportContext, t: dict[str, str], lang: str) -> str:
    entries: dict[str, list[str]] = {s: [] for s in SEVERITIES}
    rule_counts: Counter[str] = Counter()
    sev_counts: Counter[str] = Counter()
    rule_names: dict[str, str] = {}
    multi = len(run.files) > 1
    for i, fr in enumerate(run.files):
        whole = {id(f) for f in _whole(fr)}
        for j, f in enumerate(sorted(fr.findings, key=lambda f: f.sort_key())):
            fid = f"f{i}-{j}"
            rule_counts[f.rule] += 1
            sev_counts[f.severity] += 1
            rule_names.setdefault(f.rule, _rule_name(f, ctx))
            line = max(1, f.line)
            if id(f) in whole:
                loc, target = t["whole_loc"], f"f{i}-whole"
            else:
                loc = t["line"].format(n=line) + t["sep"] + t["column"].format(n=max(1, f.column))
                place = place_text(f.source, lang)
                if place:
                    loc += f"（{place}）" if lang == "zh" else f" ({place})"
                target = f"f{i}-L{line}"
            if multi:
                loc = f"{fr.path} · {loc}"
            entries.setdefault(f.severity, []).append(
                f'<li class="finding-item sev-{_e(f.severity)}" id="i-{fid}" {_finding_attrs(fid, f)} '
                f'data-file="{i}" data-target="{target}"><a href="#{target}">'
                f'{_rule_label(f, ctx, lang)}<span class="msg">{_e(f.message)}</span><span class="loc">{_e(loc)}</span>'
                f'{_detail_html(f, ctx, t, lang)}</a></li>')
    total = sum(rule_counts.values())

    out = ['<aside id="sidebar">', f'<h3>{_e(t["filters"])}</h3>']
    out.append(f'<fieldset class="severity-filters"><legend>{_e(t["severity"])}</legend>')
    for s in SEVERITIES:
        out.append(f'<label><input type="checkbox" class="severity-filter" value="{s}" checked> '
                   f'{_e(t[s])} <span class="cnt">({sev_counts[s]})</span></label>')
    out.append("</fieldset>")
    out.append(f'<fieldset class="rule-filters"><legend>{_e(t["rules"])}</legend>')
    if rule_counts:
        out.append(f'<div class="btns"><button type="button" data-check="all">{_e(t["all"])}</button>'
                   f'<button type="button" data-check="none">{_e(t["none"])}</button></div>')
    for rule in sorted(rule_counts):
        label = _summary(rule, ctx, lang) or rule_names[rule]
        out.append(f'<label title="{_e(rule_names[rule])}"><input type="checkbox" class="rule-filter" '
                   f'value="{_e(rule)}" checked> {_e(rule)} {_e(label)} '
                   f'<span class="cnt">({rule_counts[rule]})</span></label>')
    out.append("</fieldset>")
    shown_tpl = t["shown"].replace("{total}", str(total))
    out.append(f'<h3>{_e(t["findings"])}</h3><div id="shown" data-template="{_e(shown_tpl)}">'
               f'{_e(shown_tpl.replace("{n}", str(total)))}</div>')
    if not total:
        out.append(f'<p class="none">{_e(t["no_findings"])}</p>')
    for s in SEVERITIES:
        out.append(f'<div class="group sev-{s}{"" if entries[s] else " empty"}" data-severity="{s}">'
                   f'<h4>{_e(t[s])} (<span class="group-count">{len(entries[s])}</span>)</h4>'
                   f'<div class="none">{_e(t["empty_group"])}</div><ul>{"".join(entries[s])}</ul></div>')
    out.append("</aside>")
    return "\n".join(out)


def render(run: RunResult, ctx: ReportContext, *, toolbar: str = "") -> str:
    """The page; ``toolbar`` is trusted HTML put above the files (the web page's downloads)."""
    lang = "en" if ctx.lang == "en" else "zh"
    t = UI[lang]
    summary = run.summary()
    chips = [f'<span class="chip">{_e(t["files"])} {summary["files"]}</span>']
    for s, key in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
        chips.append(f'<span class="chip sev-{s}">{_e(t[s])} {summary[key]}</span>')
    toc = ""
    if len(run.files) > 1:
        items = []
        for i, fr in enumerate(run.files):
            n = len(fr.findings)
            label = t["count"].format(n=n) if n else t["clean"]
            items.append(f'<li><a href="#f{i}">{_e(fr.path)}</a> <span class="cnt">— {_e(label)}</span></li>')
        toc = f'<nav class="toc"><ol>{"".join(items)}</ol></nav>'
    files_html = "\n".join(_file_html(i, fr, ctx, t, lang) for i, fr in enumerate(run.files))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{t["html_lang"]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="gipcheck">\n'
        f"<title>{_e(t['title'])}</title>\n<style>{asset('report.css')}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>{_e(t["title"])}</h1><div class="chips">{"".join(chips)}</div>'
        f'<div class="gen">{_e(t["generated"].format(v=run.tool_version))}</div></header>\n'
        f'<div class="layout">\n<main id="files">{toolbar}<p class="help">{_e(t["help"])}</p>{toc}\n{files_html}\n</main>\n'
        f"{_sidebar(run, ctx, t, lang)}\n</div>\n<script>{asset('report.js')}</script>\n</body>\n</html>\n"
    )
