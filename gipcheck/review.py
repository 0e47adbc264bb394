"""A reviewed copy of a report: every finding as a Word comment (批注) in the margin.

The clerk's loop: a draft goes in, a ``.docx`` comes back with one comment per finding, the
way a reviewer or the supervising office returns a report to be fixed (退回整改).

* A ``.docx`` input is copied: each finding's span is mapped back to the runs it came from
  through the reader's per-line source map (``Extracted.line_sources``: body paragraph N, or
  table T row R with the cells of ``Extracted.tables``), and the comment is anchored there;
  a run is split at the span's edges so the highlight covers the finding's own text. Only the
  parts a comment touches (the document, its comments part, their relationships and the
  content types) are rewritten; every other zip member is the input's own bytes.
* Any other input (.txt, .md, .html, .pdf) becomes a new ``.docx`` of the text as read, one
  paragraph per line, with the same comments.
* A finding about something absent (a zero-width span) is anchored on the paragraph it points
  at (the heading the missing part should precede); one about the whole document on the title.

The input is never written to; suppressed and baselined findings are already gone from the
:class:`FileResult` this module is given, so they get no comment.
"""
from __future__ import annotations

import copy
import difflib
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Iterable

from .model import FileResult, Finding
from .read.base import Extracted

AUTHOR = "gipcheck"
INITIALS = "GC"

LABELS = {
    "zh": {"basis": "依据", "fix": "修改建议", "place": "位置", "sep": "："},
    "en": {"basis": "Basis", "fix": "How to fix", "place": "Where", "sep": ": "},
}

Char = tuple[Any, int]  # (w:r element, index of the character in that run's text)


def reviewed_name(path: str | Path) -> Path:
    """``年报.docx`` → ``年报.gipcheck.docx`` beside it (for any input suffix)."""
    p = Path(path)
    return p.with_name(p.stem + ".gipcheck.docx")


@dataclass
class RuleText:
    """What a comment says about a rule beyond the finding itself (from the rule set)."""

    summary: str = ""
    basis: str | None = None
    fix: str | None = None


def comment_text(f: Finding, rule: RuleText | None, lang: str) -> str:
    """The comment body: rule, message, basis and fix, one paragraph each (``\\n``-separated)."""
    t = LABELS["en" if lang == "en" else "zh"]
    head = f.rule + (" " + rule.summary if rule and rule.summary else "")
    out = [head, f.message]
    basis = f.basis or (rule.basis if rule else None)
    if basis:
        out.append(f"{t['basis']}{t['sep']}{basis}")
    fix = f.fix or (rule.fix if rule else None)
    if fix:
        out.append(f"{t['fix']}{t['sep']}{fix}")
    return "\n".join(" ".join(s.split()) for s in out)


def rule_texts(ruleset: Any, lang: str) -> dict[str, RuleText]:
    """Summary, basis and fix of every rule in the chosen language."""
    out = {}
    for r in ruleset.rules.values():
        pick = (lambda m: (m.en if lang == "en" else m.zh) if m else None)
        out[r.id] = RuleText(pick(r.summary) or "", pick(r.basis), pick(r.fix))
    return out


def is_document_wide(f: Finding) -> bool:
    """A finding about the report as a whole: no place of its own (1:1, zero width, and no source
    but at most the first page, as a reader's remark such as "written in traditional characters")."""
    return (f.line <= 1 and f.end_line <= 1 and f.column <= 1 and f.end_column <= 1
            and (not f.source or set(f.source) <= {"page"}))


# --------------------------------------------------------------------------- the Word side

def _docx_modules():
    import docx  # python-docx (extra "docx")
    from docx.text.run import Run

    from .read import docx as reader  # the reader's own rules for what text a run shows

    return docx, Run, reader


def _run_chars(el: Any, reader: Any) -> list[tuple[str, Any]]:
    """The characters of a paragraph as the reader reads them, each with the ``w:r`` it is in."""
    out: list[tuple[str, Any]] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in reader._SKIP:
                continue
            if tag == reader.W + "r":
                buf: list[str] = []
                reader._run_text(child, buf)
                out.extend((ch, child) for ch in "".join(buf))
            else:
                walk(child)

    walk(el)
    return out


def _with_index(chars: list[tuple[str, Any] | tuple[str, None]]) -> tuple[str, list[Char | None]]:
    """Text and, per character, (run, index in run)."""
    seen: dict[int, int] = {}
    refs: list[Char | None] = []
    text = []
    for ch, r in chars:
        text.append(ch)
        if r is None:
            refs.append(None)
            continue
        k = seen.get(id(r), 0)
        refs.append((r, k))
        seen[id(r)] = k + 1
    return "".join(text), refs


def _align(target: str, text: str, refs: list[Char | None]) -> list[Char | None]:
    """Per character of ``target`` (the line as read), the run character it came from, or None.

    The reader may add text the runs do not hold (a list number Word draws, a cell separator)
    or drop some (stripped blanks): the two are aligned by their common blocks.
    """
    if target == text:
        return list(refs)
    out: list[Char | None] = [None] * len(target)
    if text and target.endswith(text):
        off = len(target) - len(text)
        out[off:] = refs
        return out
    sm = difflib.SequenceMatcher(None, target, text, autojunk=False)
    for a, b, n in sm.get_matching_blocks():
        for k in range(n):
            out[a + k] = refs[b + k]
    return out


class _WordMap:
    """Line of the text as read → the runs of the paragraph or table cells it came from."""

    def __init__(self, document: Any, extracted: Extracted, lines: list[str]) -> None:
        _, _, reader = _docx_modules()
        self.reader_mod = reader
        self.reader = reader._Reader(document)
        self.lines = lines
        self.sources = extracted.line_sources or []
        self.tables = extracted.tables
        self.paragraphs: list[Any] = []
        self.word_tables: list[Any] = []
        for el in self.reader._blocks(document.element.body):
            if el.tag == reader.W + "p":
                self.paragraphs.append(el)
            else:
                self.word_tables.append(el)
        # the pieces of a paragraph split at line breaks: line → (paragraph, piece index)
        self.piece: dict[int, tuple[Any, int]] = {}
        for k, src in enumerate(self.sources, start=1):
            n = src.get("paragraph") if isinstance(src, dict) else None
            if isinstance(n, int) and 0 < n <= len(self.paragraphs):
                prev = self.piece.get(k - 1)
                p = self.paragraphs[n - 1]
                self.piece[k] = (p, prev[1] + 1 if prev and prev[0] is p else 0)

    # -- per line: one list of (run, index) per character of the line
    def chars(self, k: int) -> list[Char | None]:
        line = self.lines[k - 1] if 0 < k <= len(self.lines) else ""
        if k in self.piece:
            p, i = self.piece[k]
            text, refs = _with_index(_run_chars(p, self.reader_mod))
            starts = [0]
            for j, ch in enumerate(text):
                if ch == "\n":
                    starts.append(j + 1)
            if i >= len(starts):
                return [None] * len(line)
            lo = starts[i]
            hi = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
            return _align(line, text[lo:hi], refs[lo:hi])
        src = self.sources[k - 1] if 0 < k <= len(self.sources) else None
        if isinstance(src, dict) and "table" in src and "row" in src:
            return self._row_chars(k, src)
        return [None] * len(line)

    def _row_chars(self, k: int, src: dict[str, Any]) -> list[Char | None]:
        line = self.lines[k - 1]
        out: list[Char | None] = [None] * len(line)
        t, r = src["table"], src["row"]
        if not (isinstance(t, int) and 0 < t <= len(self.word_tables)):
            return out
        st = next((s for s in self.tables if s.first_line <= k < s.first_line + len(s.rows)), None)
        rows = list(self.reader._rows(self.word_tables[t - 1]))
        if st is None or not (isinstance(r, int) and 0 < r <= len(rows)):
            return out
        slots = st.rows[k - st.first_line]
        offsets, pos = [], 0
        for cell in slots:
            offsets.append(pos)
            pos += len(cell.replace("\n", " ")) + 3
        for slot, tc in self._cell_slots(rows[r - 1]):
            if slot >= len(slots):
                break
            cell = slots[slot].replace("\n", " ")
            text, refs = _with_index(self._cell_chars(tc))
            mapped = _align(cell, text, refs)
            off = offsets[slot]
            out[off:off + len(mapped)] = mapped
        return out[:len(line)]

    def _cell_slots(self, tr: Any) -> Iterable[tuple[int, Any]]:
        W = self.reader_mod.W
        trpr = tr.find(W + "trPr")
        slot = 0
        if trpr is not None:
            gb = trpr.find(W + "gridBefore")
            slot = self.reader_mod._int(gb.get(W + "val")) if gb is not None else 0
        for tc in self.reader._cells(tr):
            yield slot, tc
            tcpr = tc.find(W + "tcPr")
            span = 1
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = max(1, min(self.reader_mod._int(gs.get(W + "val")) or 1, 64))
            slot += span

    def _cell_chars(self, tc: Any) -> list[tuple[str, Any]]:
        """A cell's characters as the reader joins them: paragraphs stripped, joined by a blank."""
        W = self.reader_mod.W
        parts: list[list[tuple[str, Any]]] = []
        for el in self.reader._blocks(tc):
            paras = [el] if el.tag == W + "p" else list(el.iter(W + "p"))
            for p in paras:
                chars = [(" " if ch in "\t\n" else ch, r) for ch, r in _run_chars(p, self.reader_mod)]
                while chars and chars[0][0].isspace():
                    chars.pop(0)
                while chars and chars[-1][0].isspace():
                    chars.pop()
                if chars:
                    parts.append(chars)
        out: list[tuple[str, Any]] = []
        for i, part in enumerate(parts):
            if i:
                out.append((" ", None))
            out.extend(part)
        return out

    def runs_of_line(self, k: int) -> list[Any]:
        """Every run a line's text came from (for a whole-paragraph anchor)."""
        seen, out = set(), []
        for c in self.chars(k):
            if c is not None and id(c[0]) not in seen:
                seen.add(id(c[0]))
                out.append(c[0])
        return out

    def paragraph_of_line(self, k: int) -> Any | None:
        return self.piece[k][0] if k in self.piece else None


def _run_text_of(r: Any, reader: Any) -> str:
    buf: list[str] = []
    reader._run_text(r, buf)
    return "".join(buf)


def _split_run(r: Any, at: int, reader: Any, log: list[tuple[Any, Any]]) -> Any | None:
    """Split a run of plain text (``w:t``, tabs, breaks) before character ``at``; the right half.

    A run holding anything else (a field, a drawing, a symbol) is left whole. Every split is
    logged (left, right) so an anchor placed earlier can follow its last run."""
    W = reader.W
    kids = [c for c in r if isinstance(c.tag, str)]
    widths = []
    for c in kids:
        if c.tag == W + "rPr":
            widths.append(0)
        elif c.tag == W + "t":
            widths.append(len(c.text or ""))
        elif c.tag in (W + "tab", W + "cr", W + "noBreakHyphen"):
            widths.append(1)
        elif c.tag == W + "br":
            widths.append(1 if c.get(W + "type") in (None, "textWrapping") else 0)
        else:
            return None
    if not 0 < at < sum(widths):
        return None
    right = copy.deepcopy(r)
    for c in list(right):
        if isinstance(c.tag, str) and c.tag != W + "rPr":
            right.remove(c)
    pos = 0
    moving = False
    for c, w in zip(kids, widths):
        if c.tag == W + "rPr":
            continue
        if moving:
            right.append(c)  # moves it out of the left run
        elif pos + w > at:
            cut = at - pos
            if cut == 0:
                right.append(c)
            else:  # only a w:t is wider than one character
                tail = copy.deepcopy(c)
                c.text, tail.text = (c.text or "")[:cut], (c.text or "")[cut:]
                for el in (c, tail):
                    el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                right.append(tail)
            moving = True
        pos += w
    r.addnext(right)
    log.append((r, right))
    return right


@dataclass
class Anchor:
    first: Any  # w:r
    last: Any   # w:r
    exact: bool  # True when the runs hold exactly the finding's text
    splits: int = 0  # how many run splits had happened when it was placed

    def final_last(self, log: list[tuple[Any, Any]]) -> Any:
        """The last run, followed through the splits made after this anchor was placed."""
        last = self.last
        for left, right in log[self.splits:]:
            if left is last:
                last = right
        return last


def _span_chars(f: Finding, wmap: _WordMap) -> list[Char]:
    lines = wmap.lines
    start = max(1, f.line)
    end = min(max(start, f.end_line or start), len(lines))
    a = max(0, f.column - 1)
    b = max(0, (f.end_column or f.column) - 1)
    out: list[Char] = []
    for k in range(start, end + 1):
        chars = wmap.chars(k)
        lo = a if k == start else 0
        hi = b if k == end else len(chars)
        out.extend(c for c in chars[lo:hi] if c is not None)
    return out


def _title_line(fr: FileResult) -> int | None:
    title = ((fr.facts or {}).get("title") or "").replace(" ", "")
    lines = fr.lines
    if title:
        for k, line in enumerate(lines, start=1):
            s = line.strip().replace(" ", "")
            if len(s) >= 4 and (title.startswith(s) or s.startswith(title[:12])):
                return k
    return None


def _locate(f: Finding, fr: FileResult, wmap: _WordMap, log: list[tuple[Any, Any]]) -> Anchor | None:
    reader = wmap.reader_mod
    chars = [] if is_document_wide(f) else _span_chars(f, wmap)
    if chars:
        (r1, i), (r2, j) = chars[0], chars[-1]
        n2 = len(_run_text_of(r2, reader))
        exact = True
        if j + 1 < n2 and _split_run(r2, j + 1, reader, log) is None:
            exact = False
        if i > 0:
            right = _split_run(r1, i, reader, log)
            if right is None:
                exact = False
            else:
                if r1 is r2:
                    r2 = right
                r1 = right
        return Anchor(r1, r2, exact, len(log))
    # Zero width (something absent) or nothing mapped: the whole paragraph at the place,
    # the title for the document as a whole, else the nearest paragraph with text.
    order: list[int] = []
    if is_document_wide(f):
        t = _title_line(fr)
        if t:
            order.append(t)
    order.append(max(1, f.line))
    n = len(wmap.lines)
    order += [k for k in range(max(1, f.line) + 1, n + 1)] + [k for k in range(max(1, f.line) - 1, 0, -1)]
    for k in order:
        if f.source is None or k != max(1, f.line) or not _table_line(wmap, k):
            runs = wmap.runs_of_line(k)
        else:  # a zero-width place in a table row: the cell it is in
            runs = _cell_runs(wmap, k, max(0, f.column - 1))
        if runs:
            return Anchor(runs[0], runs[-1], False, len(log))
    return None


def _table_line(wmap: _WordMap, k: int) -> bool:
    src = wmap.sources[k - 1] if 0 < k <= len(wmap.sources) else None
    return isinstance(src, dict) and "table" in src


def _cell_runs(wmap: _WordMap, k: int, col: int) -> list[Any]:
    line = wmap.lines[k - 1]
    chars = wmap.chars(k)
    lo = line.rfind(" | ", 0, col + 1)
    lo = 0 if lo < 0 else lo + 3
    hi = line.find(" | ", col)
    hi = len(line) if hi < 0 else hi
    seen, out = set(), []
    for c in chars[lo:hi]:
        if c is not None and id(c[0]) not in seen:
            seen.add(id(c[0]))
            out.append(c[0])
    return out or wmap.runs_of_line(k)


@dataclass
class Reviewed:
    """The reviewed copy and what went into it."""

    data: bytes  # the .docx
    result: FileResult
    comments: int  # comments added (one per finding)
    exact: int  # of which anchored on exactly the finding's text


def _new_document(lines: list[str]) -> tuple[Any, Extracted]:
    docx, _, _ = _docx_modules()
    document = docx.Document()
    body = document.element.body
    for p in list(body):  # the template's empty paragraph; keep the section properties
        if p.tag.endswith("}p"):
            body.remove(p)
    for line in lines:
        para = document.add_paragraph()
        if line:
            para.add_run(line)
    ex = Extracted(text="\n".join(lines), format="docx",
                   line_sources=[{"paragraph": k} for k in range(1, len(lines) + 1)])
    return document, ex


def review(data: bytes | None, extracted: Extracted, fr: FileResult, rules: dict[str, RuleText],
           lang: str = "zh") -> Reviewed:
    """Comments for ``fr.findings`` on a copy of ``data`` (a .docx), or on a new .docx of the text."""
    # A Word file is copied; anything else (a .doc/.odt converted on reading, text, a page, a PDF)
    # becomes a new document of the text as read.
    if extracted.format == "docx" and data is not None and _is_docx(data):
        docx, _, _ = _docx_modules()
        try:
            document = docx.Document(BytesIO(data))
            out, placed = _annotate(document, _WordMap(document, extracted, fr.lines), fr, rules, lang)
            return Reviewed(_keep_other_parts(data, out, document), fr, len(placed),
                            sum(1 for _, a in placed if a.exact))
        except (ValueError, KeyError, AttributeError, TypeError, IndexError):
            pass  # a package python-docx cannot write back: the clerk still gets the comments, on the text
    document, ex = _new_document(fr.lines)
    out, placed = _annotate(document, _WordMap(document, ex, fr.lines), fr, rules, lang)
    return Reviewed(out, fr, len(placed), sum(1 for _, a in placed if a.exact))


def _annotate(document: Any, wmap: _WordMap, fr: FileResult, rules: dict[str, RuleText],
              lang: str) -> tuple[bytes, list[tuple[Finding, Anchor]]]:
    """Add one comment per finding and return the saved package and where each went."""
    _, Run, reader = _docx_modules()
    # Anchor from the last finding to the first, so splitting a run never moves a place still to come.
    ordered = sorted(fr.findings, key=Finding.sort_key)  # the order the comments are listed in
    found: dict[int, Anchor] = {}
    log: list[tuple[Any, Any]] = []
    for n in sorted(range(len(ordered)), key=lambda n: (ordered[n].line, ordered[n].column, n), reverse=True):
        anchor = _locate(ordered[n], fr, wmap, log)
        if anchor is None:  # a document with no text at all: an empty run at its start
            anchor = _empty_anchor(document, reader)
        found[n] = anchor
    placed = [(ordered[n], found[n]) for n in sorted(found)]
    for f, anchor in placed:
        document.add_comment([Run(anchor.first, None), Run(anchor.final_last(log), None)],
                             text=comment_text(f, rules.get(f.rule), lang), author=AUTHOR, initials=INITIALS)
    buf = BytesIO()
    document.save(buf)
    return buf.getvalue(), placed


def _empty_anchor(document: Any, reader: Any) -> Anchor:
    from docx.oxml import OxmlElement

    body = document.element.body
    p = body.find(reader.W + "p")
    if p is None:
        p = OxmlElement("w:p")
        body.insert(0, p)
    r = p.find(reader.W + "r")
    if r is None:
        r = OxmlElement("w:r")
        p.append(r)
    return Anchor(r, r, False)


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _keep_other_parts(original: bytes, saved: bytes, document: Any) -> bytes:
    """The saved package, with every member a comment does not touch restored to the input's bytes."""
    main = str(document.part.partname).lstrip("/")
    rels = str(Path(main).parent / "_rels" / (Path(main).name + ".rels"))
    changed = {main, rels, "[Content_Types].xml"}
    try:
        changed.add(str(document.part._comments_part.partname).lstrip("/"))
    except Exception:  # noqa: BLE001 - no comments part: nothing more to take
        pass
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(original)) as zin, zipfile.ZipFile(BytesIO(saved)) as znew, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        new_names = set(znew.namelist())
        done = set()
        for info in zin.infolist():
            name = info.filename
            if name in changed and name in new_names:
                zout.writestr(_info_like(info), znew.read(name))
            else:
                zout.writestr(info, zin.read(name))
            done.add(name)
        for info in znew.infolist():
            if info.filename not in done:
                zout.writestr(info, znew.read(info.filename))
    return out.getvalue()


def _info_like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new.external_attr = info.external_attr
    return new


def review_bytes(data: bytes, name: str, opts: Any = None,
                 filter_result: Callable[[FileResult], None] | None = None) -> Reviewed:
    """Read, check and review one report given as bytes (the web page's path: nothing on disk).

    Raises :class:`~gipcheck.read.InputError` for a file that cannot be read, with the same
    one-line message the command line prints.
    """
    from . import api
    from .read import read_bytes

    opts = opts or api.Options()
    extracted = read_bytes(data, name, opts.limits)
    fr = api.check_extracted(extracted, name, opts)
    if filter_result is not None:
        filter_result(fr)
    return review(data, extracted, fr, rule_texts(api.rules(opts.extra_rules), opts.lang), opts.lang)


# --------------------------------------------------------------------------- command line

HELP = {
    "zh": {"review": "生成带批注的 Word 审阅稿（每个问题一条批注），原文件不变",
           "paths": "报告文件（.docx .txt .md .html .pdf）", "output": "审阅稿的文件名（默认 年报.gipcheck.docx）",
           "same": "{name}：审阅稿不能覆盖原文件，请用 -o 指定另一个文件名",
           "many": "-o 只能用于一个文件",
           "wrote": "{out}：{n} 条批注（{path}）"},
    "en": {"review": "write a reviewed Word copy with one comment per finding; the input is left unchanged",
           "paths": "report files (.docx .txt .md .html .pdf)", "output": "file name of the reviewed copy (default 年报.gipcheck.docx)",
           "same": "{name}: the reviewed copy must not overwrite the input; choose another name with -o",
           "many": "-o works with one file only",
           "wrote": "{out}: {n} comment(s) ({path})"},
}


def add_parser(sub: Any, lang: str, common: Callable[[Any, dict[str, str]], None], h_common: dict[str, str]) -> None:
    h = HELP[lang]
    p = sub.add_parser("review", help=h["review"], description=h["review"])
    p.add_argument("paths", nargs="+", metavar="FILE", help=h["paths"])
    p.add_argument("--output", "-o", metavar="FILE", help=h["output"])
    p.add_argument("--baseline", metavar="FILE", help=h_common["baseline"])
    common(p, h_common)


def run_cli(args: Any) -> int:
    """``gipcheck review``: exit 0 when every copy was written, 2 when a file could not be read."""
    import sys

    from . import api
    from .cli import file_settings
    from .read import InputError, read_path

    lang_default = args.lang or "zh"
    h = HELP["en" if lang_default == "en" else "zh"]
    if args.output and len(args.paths) > 1:
        print(f"gipcheck: {h['many']}", file=sys.stderr)
        return 2
    baseline = None
    if args.baseline:
        from . import baseline as bl

        try:
            baseline = bl.load(args.baseline)
        except bl.BaselineError as exc:
            print(f"gipcheck: {exc}", file=sys.stderr)
            return 2
    status = 0
    for path in args.paths:
        opts, _ = file_settings(path, args)
        t = HELP["en" if opts.lang == "en" else "zh"]
        out = Path(args.output) if args.output else reviewed_name(path)
        try:
            same = out.exists() and out.resolve() == Path(path).resolve()
        except OSError:
            same = False
        if same:
            print(f"gipcheck: {t['same'].format(name=path)}", file=sys.stderr)
            status = 2
            continue
        try:
            data = Path(path).read_bytes() if Path(path).is_file() else None
            extracted = read_path(path, opts.limits)
        except InputError as err:
            print(f"gipcheck: {err.message(opts.lang)}", file=sys.stderr)
            status = 2
            continue
        fr = api.check_extracted(extracted, path, opts)
        if baseline is not None:
            from . import baseline as bl

            fr.suppressed += bl.filter_file(fr, baseline)
        result = review(data, extracted, fr, rule_texts(api.rules(opts.extra_rules), opts.lang), opts.lang)
        out.write_bytes(result.data)
        print(t["wrote"].format(out=out, n=result.comments, path=path), file=sys.stderr)
    return status
