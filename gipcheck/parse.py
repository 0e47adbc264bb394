"""Normalized view → Lark (grammars/report.lark, LALR) → :class:`gipcheck.ast.Document`.

The grammar only types lines. Building the tree is ordinary code here: group table rows
(pipe rows, one cell per line, tab-indented cells, aligned columns, or grids a format adapter
read), pull out front matter, title and signature, and nest the headings with a stack.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Protocol, Sequence

from lark import Lark, Token
from lark.grammar import Rule
from lark.parsers.lalr_analysis import ParseTableBase, Reduce

from . import lexicon
from .ast import Cell, Document, Heading, Line, Paragraph, Row, Section, Signature, Span, Table, Title
from .cn import DATE_RE, cn_int, parse_date, parse_number
from .data import data_dir
from .lexicon import COLUMN_LABEL, FRONT_MATTER_KEYS, REPORT_TITLE
from .normalize import Source, fold_width


class Grid(Protocol):
    """A table a format adapter read (``read.base.SourceTable`` has this shape): its cell
    texts, and the line of the extracted text where its first row is."""

    first_line: int
    rows: Sequence[Sequence[str]]


_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}
_SENT_END = re.compile(r"[。;!?:]")
_TITLE_RE = re.compile(REPORT_TITLE.pattern + r"|年度报告$")
_FIGURES_AT_END = re.compile(r"^[^。;!?]*[^\d\s.][ \t]+-?\d+(?:\.\d+)?(?:[ \t]+-?\d+(?:\.\d+)?)*[ \t]*$")
_TRAILING_FIGURES = re.compile(r"[\d\s.-]+$")  # a row's figures (a heading with a whole flattened table is kept)
_DATE_ONLY = re.compile(rf"^\s*(?:{DATE_RE.pattern})\s*$")


class _Lines:
    """Turn each line rule into a :class:`Line` (tokens carry their own offsets). A line's
    LINE or ROW token ends with its newline: the line ends before it. (``.value``: lark's tokens
    and the feeding loop's both have it.)

    Lark calls an embedded transformer's methods by rule name; this one is a plain class, not a
    ``lark.Transformer``: without a ``__default__`` Lark builds the rules that have no method (the
    repetition of lines) straight as trees, two calls a line fewer."""

    def _heading(self, kind: str, children: list[Token]) -> Line:
        marker, rest = children[0], children[-1]
        if len(children) > 1:
            body, end = rest.value[:-1], rest.end_pos - 1
            return Line(kind, marker.start_pos, end, "", marker.value, body, rest.start_pos)
        return Line(kind, marker.start_pos, marker.end_pos, "", marker.value, "", marker.end_pos)

    def h1(self, c): return self._heading("h1", c)
    def h2(self, c): return self._heading("h2", c)
    def h3(self, c): return self._heading("h3", c)
    def h4(self, c): return self._heading("h4", c)
    def h5(self, c): return self._heading("h5", c)
    def meta(self, c): return self._heading("meta", c)

    def docnum(self, c):
        t = c[0]
        return Line("docnum", t.start_pos, t.end_pos, "", "", t.value, t.start_pos)

    def row(self, c):
        t = c[0]
        text = t.value[:-1]
        return Line("row", t.start_pos, t.end_pos - 1, text, "", text, t.start_pos)

    def para(self, c):
        t = c[0]
        text = t.value[:-1]
        return Line("para", t.start_pos, t.end_pos - 1, text, "", text, t.start_pos)

    def start(self, c):
        return c


_LARK_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


def grammar_text(grammar: str | None = None) -> str:
    """grammars/report.lark (or another grammar's text) with the shared definitions of
    :mod:`gipcheck.lexicon` filled in."""
    if grammar is None:
        grammar = (data_dir("grammars") / "report.lark").read_text(encoding="utf-8")
    fills = {"FRONT_MATTER_KEYS": "|".join(map(re.escape, FRONT_MATTER_KEYS))}
    fills.update({f"H{i}_MARKER": getattr(lexicon, f"H{i}_MARKER") for i in range(1, 6)})
    for name, value in fills.items():
        grammar = grammar.replace(f"@{name}@", value.replace("/", "\\/"))
    return grammar


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The line parser: from the cache's plain data when it holds this grammar's tables (≈1 ms),
    else built from the grammar (≈20 ms) and cached."""
    import hashlib

    import lark

    from . import cache

    grammar = grammar_text()
    key = hashlib.sha256(f"{lark.__version__}|{sorted(_LARK_OPTIONS.items())}|{grammar}".encode()).hexdigest()[:32]
    transformer = _Lines()
    hit = cache.load("grammar", key)
    if isinstance(hit, dict) and "data" in hit and "memo" in hit:
        try:
            return Lark._load_from_dict(hit["data"], hit["memo"], transformer=transformer)
        except Exception:  # noqa: BLE001 - tables from another lark version or damaged: build
            pass
    parser = _build_parser(grammar, transformer)
    try:
        from lark.grammar import Rule
        from lark.lexer import TerminalDef

        data, memo = parser.memo_serialize([TerminalDef, Rule])
        # the options given again at load time (the transformer) are not data
        data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_OPTIONS}
        cache.save("grammar", key, {"data": data, "memo": memo})
    except Exception:  # noqa: BLE001 - a lark without memo_serialize: no cache, same parser
        pass
    return parser


_LOAD_OPTIONS = {"postlex", "transformer", "lexer_callbacks", "use_bytes", "debug", "g_regex_flags", "regex",
                 "propagate_positions", "tree_class", "_plugins"}


def _build_parser(grammar: str, transformer: _Lines) -> Lark:
    """Build from the grammar without lark's terminal-collision check: with interegular
    installed (the dev extra) that check takes seconds, and it says nothing new at run time:
    tests/test_parse.py runs it in strict mode on the same grammar."""
    import lark.lexer

    saved = getattr(lark.lexer, "has_interegular", False)
    lark.lexer.has_interegular = False
    try:
        return Lark(grammar, transformer=transformer, **_LARK_OPTIONS)
    finally:
        lark.lexer.has_interegular = saved


class _Feeder:
    """Lark's LALR parser fed by a lean loop over Lark's own contextual scanners.

    ``Lark.parse`` spends half its time around the lexing (a generator per token, a line
    counter, the token constructor's keyword handling). Here each token is matched with the
    scanner Lark built for the parser's current state, as its contextual lexer does, and fed to
    Lark's ``ParserState``: the same terminals in the same order, the same parse table and
    callbacks, so the same lines, in about two thirds of the time. Tokens carry positions but
    no line/column (nothing reads them). Anything unexpected (a failed match, a grammar whose
    lexer needs callbacks or ignored terminals) goes to ``Lark.parse``, which raises as it does.

    With lark-cython installed (Lark's own plugin, the ``[speed]`` extra), its compiled
    ``ParserState`` runs the same table and callbacks (a sixth faster); ``compiled=False`` or a
    lark-cython that does not fit this lark gives Lark's Python one."""

    def __init__(self, lark: Lark, compiled: bool = True) -> None:
        from lark.lexer import ContextualLexer

        self.lark = lark
        self.scanners: dict[int, list] | None = None
        frontend = lark.parser
        lexer = getattr(frontend, "lexer", None)
        parser = getattr(getattr(frontend, "parser", None), "parser", None)
        if not isinstance(lexer, ContextualLexer) or parser is None or len(lark.options.start) != 1:
            return
        scanners = {state: lx.scanner._mres for state, lx in lexer.lexers.items()}  # builds .callback too
        if any(lx.callback or lx.ignore_types for lx in lexer.lexers.values()):
            return
        try:
            table, callbacks = _identity_rules(parser.parse_table, parser.callbacks)
        except Exception:  # noqa: BLE001 - a lark whose tables look otherwise: Lark.parse, as it is
            return
        self.callbacks = callbacks
        self.compiled = False
        if compiled:
            try:  # lark-cython (the [speed] extra): Lark's own parser state, compiled
                from lark_cython.lark_cython import ParseConf, ParserState, Token

                self.conf = ParseConf(table, callbacks, lark.options.start[0])
                self.state_class, self.token_class, self.compiled = ParserState, Token, True
            except Exception:  # noqa: BLE001 - not installed, or built for another lark: the Python one
                pass
        if not self.compiled:
            from lark.parsers.lalr_parser_state import ParseConf, ParserState

            self.conf = ParseConf(table, callbacks, lark.options.start[0])
            self.state_class, self.token_class = ParserState, _Tok
        self.scanners = scanners

    def parse(self, text: str) -> list[Line]:
        if self.scanners is None:
            return self.lark.parse(text)
        state = self.state_class(self.conf, None)
        stack, feed, scanners, tok = state.state_stack, state.feed_token, self.scanners, self.token_class
        pos, n = 0, len(text)
        while pos < n:
            m = None
            for rx in scanners[stack[-1]]:
                m = rx.match(text, pos)
                if m is not None:
                    break
            if m is None or m.end() == pos:
                return self.lark.parse(text)  # Lark's own error (the grammar is total: not reached)
            end = m.end()
            feed(tok(m.lastgroup, m.group(), pos, 0, 0, 0, 0, end))  # (type, value, start, line/column unused, end)
            pos = end
        return feed(tok("$END", "", pos, 0, 0, 0, 0, pos), True)


class _IdentityRule(Rule):
    """A grammar rule that compares and hashes by identity, in C (see :func:`_identity_rules`)."""

    __slots__ = ()
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


def _identity_rules(table, callbacks: dict) -> tuple[ParseTableBase, dict]:
    """The parse table and its callbacks again, each rule an :class:`_IdentityRule` copy.

    Each reduction of Lark's parse loop compares its rule with the end state (``arg !=
    end_state``) and looks up its callback (``callbacks[rule]``). ``Rule`` compares and hashes in
    Python, and a table loaded from the cache holds rules equal to, but not the same objects
    as, the callbacks' keys: two or three Python calls a reduction, two reductions a line. The
    copies stand where the rules stood: the same parse, the same callbacks."""
    copies: dict[int, _IdentityRule] = {}
    out = {k: v for k, v in callbacks.items() if not isinstance(k, Rule)}  # terminals' callbacks (none today)

    def copy(rule: Rule) -> _IdentityRule:
        got = copies.get(id(rule))
        if got is None:
            got = copies[id(rule)] = _IdentityRule(rule.origin, rule.expansion, rule.order, rule.alias, rule.options)
            out[got] = callbacks[rule]
        return got

    states = {state: {sym: (action, copy(arg) if action is Reduce else arg) for sym, (action, arg) in actions.items()}
              for state, actions in table.states.items()}
    return ParseTableBase(states, table.start_states, table.end_states), {k: _lean(v) for k, v in out.items()}


def _lean(callback: Any) -> Any:
    """The same tree for a repetition's step, one Python call instead of three.

    Lark builds ``start``'s repetition of lines as an inlined rule, ``__start_star_0 →
    __start_star_0 line``: its callback takes the first child's list, appends the line to it
    (the same list) and wraps it in a new ``Tree`` each line. Appending to the first child's
    tree and handing that on gives ``start`` the same children. Only that exact shape is
    replaced (a plain ``ChildFilter`` over an inlined rule's ``Tree``); any other callback is
    Lark's own."""
    from functools import partial

    from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders
    from lark.tree import Tree

    if type(callback) is not ChildFilterLALR_NoPlaceholders:
        return callback
    builder = callback.node_builder
    if not (isinstance(builder, partial) and builder.func is Tree and len(builder.args) == 1
            and str(builder.args[0]).startswith("__") and not builder.keywords):
        return callback
    if callback.to_include == [(0, True), (1, False)]:
        return _append_to_first
    if callback.to_include == [(0, True)]:
        return _first
    return callback


def _append_to_first(children: list) -> Any:
    children[0].children.append(children[1])
    return children[0]


def _first(children: list) -> Any:
    return children[0]


class _Tok:
    """What the parser state and :class:`_Lines` read of a token: its type, text and offsets
    (lark's ``Token`` is a ``str`` with eight attributes, slower to make)."""

    __slots__ = ("type", "value", "start_pos", "end_pos")

    def __init__(self, type: str, value: str, start_pos: int, line: int, column: int,  # noqa: A002 - lark's name
                 end_line: int, end_column: int, end_pos: int) -> None:
        # lark's (and lark-cython's) argument order; nothing reads a token's line or column
        self.type, self.value, self.start_pos, self.end_pos = type, value, start_pos, end_pos

    def __str__(self) -> str:
        return self.value


@lru_cache(maxsize=1)
def _feeder() -> _Feeder:
    return _Feeder(_parser())


def lex_lines(view: str) -> list[Line]:
    """Parse the view into typed lines (the view must end with a newline)."""
    lines: list[Line] = _feeder().parse(view)
    for i, ln in enumerate(lines):
        ln.index = i
        if ln.kind not in _WHOLE_LINE:
            ln.text = view[ln.start:ln.end]
    return lines


_WHOLE_LINE = {"para", "row"}  # their text is set by the transformer: the whole line


# -- tables ------------------------------------------------------------------------------------

def _cell(view: str, a: int, b: int) -> Cell:
    # trim spaces and tabs but keep the span on the text itself
    raw = view[a:b]
    text = raw.lstrip(" \t")
    a += len(raw) - len(text)
    text = text.rstrip(" \t")
    return Cell(text, parse_number(text), Span(a, a + len(text)))


def _split_pipe(view: str, ln: Line) -> list[Cell]:
    """The cells between the pipes of a row line (str.find, not a loop over characters)."""
    cells: list[Cell] = []
    a, end = ln.start, ln.end
    while (i := view.find("|", a, end)) != -1:
        cells.append(_cell(view, a, i))
        a = i + 1
    cells.append(_cell(view, a, end))
    return cells


def _trim_edge_pipes(run: list[Line], rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop the empty edge cells of ``| a | b |`` rows, but only when every row of the table
    has them: in a table where only some rows end in ``|``, that last cell is a real blank."""
    texts = [ln.text.strip() for ln in run]
    if all(t.endswith("|") for t in texts):
        rows = [r[:-1] if r and r[-1].blank else r for r in rows]
    if all(t.startswith("|") for t in texts):
        rows = [r[1:] if r and r[0].blank else r for r in rows]
    return rows


_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_COL_SPLIT = re.compile(r"\t+| {2,}")


def _split_columns(view: str, ln: Line) -> list[Cell]:
    cells = []
    a = ln.start
    for m in _COL_SPLIT.finditer(view, ln.start, ln.end):
        if m.start() > a:
            cells.append(_cell(view, a, m.start()))
        a = m.end()
    if a < ln.end:
        cells.append(_cell(view, a, ln.end))
    return [c for c in cells if c.text]


def _is_num(c: Cell) -> bool:
    return c.value is not None


def _regroup_cells(cells: list[Cell]) -> list[list[Cell]] | None:
    """One cell per line: find the row width whose columns are typed consistently."""
    n = len(cells)
    for k in range(2, min(12, n // 2) + 1):
        rows = [cells[i:i + k] for i in range(0, n, k)]
        if len(rows[-1]) != k or len(rows) < 3:
            continue
        body = rows[1:]
        consistent = all(len({_is_num(r[j]) for r in body}) == 1 for j in range(k))
        if consistent and any(_is_num(c) for c in body[0]) and not _is_num(body[0][0]):
            return rows
    return None


def _gap(view: str, a: Line, b: Line) -> int:
    """Blank lines between two lines."""
    return max(0, view.count("\n", a.end, b.start) - 1)


def _row(cells: list[Cell]) -> Row:
    return Row(cells, Span(cells[0].span.start, cells[-1].span.end) if cells else Span(0, 0))


def find_tables(view: str, lines: list[Line], grids: Sequence[Grid],
                src: Source | None = None) -> tuple[list[Table], set[int]]:
    """Group lines into tables; return the tables and the indexes of the lines they use."""
    used: set[int] = set()
    tables: list[Table] = []

    # 1. grids read by a format adapter: the cells come from the grid, spans from the lines
    line_no = {}
    if grids:
        # a grid names the line of the extracted text where its rows start; the view may have
        # more or fewer lines (a title joined, a flattened body split), so go through the map
        for ln in lines:
            if src is not None:
                line_no.setdefault(src.line_col(src.orig_offset(ln.start))[0], ln)
            else:
                line_no[view.count("\n", 0, ln.start) + 1] = ln
    for grid in grids:
        rows = []
        for r, cells in enumerate(grid.rows):
            ln = line_no.get(grid.first_line + r)
            if ln is None:
                break
            used.add(ln.index)
            pipe_cells = _split_pipe(view, ln) if ln.kind == "row" else []
            row_cells = []
            for j, text in enumerate(cells):
                if len(pipe_cells) == len(cells):  # the view's cells: normalized like all text
                    row_cells.append(pipe_cells[j])
                    continue
                span = pipe_cells[j].span if j < len(pipe_cells) else Span(ln.start, ln.end)
                folded = fold_width(text.strip())
                row_cells.append(Cell(folded, parse_number(folded), span))
            rows.append(Row(row_cells, Span(ln.start, ln.end)))
        if rows:
            tables.append(Table(rows, Span(rows[0].span.start, rows[-1].span.end), "grid"))

    # 2. runs of pipe rows
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.kind != "row" or ln.index in used:
            i += 1
            continue
        run = [ln]
        j = i + 1
        while j < len(lines) and lines[j].kind == "row" and lines[j].index not in used and _gap(view, run[-1], lines[j]) <= 1:
            run.append(lines[j])
            j += 1
        run = [r for r in run if not _MD_SEPARATOR.match(r.text)] or run
        rows = _trim_edge_pipes(run, [_split_pipe(view, r) for r in run])
        layout = "pipe"
        if len(run) >= 4 and all(len(r) <= 1 for r in rows):
            flat = [r[0] if r else _cell(view, run[k].start, run[k].start) for k, r in enumerate(rows)]
            regrouped = _regroup_cells(flat)
            if regrouped:
                rows, layout = regrouped, "cell-per-line"
        table_rows = [_row(r) for r in rows if r]
        if table_rows:
            tables.append(Table(table_rows, Span(run[0].start, run[-1].end), layout))
        used.update(r.index for r in run)
        i = j

    # 3. tab-indented cells, one per line, rows separated by blank lines
    i = 0 if "\t" in view else len(lines)  # (no tab in the text: no such table)
    while i < len(lines):
        ln = lines[i]
        if ln.index in used or not ln.text.startswith("\t"):
            i += 1
            continue
        run = [ln]
        j = i + 1
        while j < len(lines) and lines[j].text.startswith("\t") and lines[j].index not in used and _gap(view, run[-1], lines[j]) <= 2:
            run.append(lines[j])
            j += 1
        groups: list[list[Line]] = [[run[0]]]
        for prev, cur in zip(run, run[1:]):
            if _gap(view, prev, cur) >= 1:
                groups.append([cur])
            else:
                groups[-1].append(cur)
        widths = [len(g) for g in groups]
        if len(groups) >= 2 and max(widths) >= 2 and widths.count(max(widths)) >= len(groups) * 0.6:
            rows = [_row([_cell(view, x.start, x.end) for x in g]) for g in groups]
            tables.append(Table(rows, Span(run[0].start, run[-1].end), "cell-per-line"))
            used.update(x.index for x in run)
        i = j

    # 4. aligned columns (tabs or 2+ spaces inside a line), at least two such lines in a row
    i = 0 if "\t" in view or "  " in view else len(lines)
    while i < len(lines):
        ln = lines[i]
        cells = _split_columns(view, ln) if ln.index not in used and ln.kind in ("para", "h3", "h2", "h1") \
            and ("\t" in ln.text or "  " in ln.text) else []
        if len(cells) < 3 or not any(_is_num(c) for c in cells[1:]):
            i += 1
            continue
        run = [(ln, cells)]
        j = i + 1
        while j < len(lines) and lines[j].index not in used:
            c2 = _split_columns(view, lines[j])
            if len(c2) < 2 or _gap(view, run[-1][0], lines[j]) > 1:
                break
            run.append((lines[j], c2))
            j += 1
        if len(run) >= 2:
            # a header line just before, with the same shape, belongs to the table
            k = i - 1
            head = []
            if k >= 0 and lines[k].index not in used:
                hc = _split_columns(view, lines[k])
                if len(hc) >= 2 and not any(_is_num(c) for c in hc[1:]):
                    head = [(lines[k], hc)]
            run = head + run
            tables.append(Table([_row(c) for _, c in run], Span(run[0][0].start, run[-1][0].end), "columns"))
            used.update(x.index for x, _ in run)
        i = j
    tables += _flat_cell_runs(view, lines, used)
    tables.sort(key=lambda t: t.span.start)
    return tables, used


_STOPS = re.compile(r"[。;!?]")
_FIGURE_LINE = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*(?:万元|元|件|条|个|项|%)?\s*$")


def _is_figure_line(text: str) -> bool:
    """``_FIGURE_LINE.match(text)``, tried only where the first character after the leading
    whitespace is a digit or a minus (what the pattern needs there)."""
    c = text[:1]
    if c.isspace():
        c = text.lstrip()[:1]
    return (c.isdecimal() or c == "-") and _FIGURE_LINE.match(text) is not None


def _flat_cell_runs(view: str, lines: list[Line], used: set[int], min_figures: int = 10) -> list[Table]:
    """A table flattened to one cell per line (an extraction that put every cell on its own
    line): a run of short lines, mostly bare figures. Its rows are the lines (blank lines kept
    as empty cells); which figures belong to which label is left to the checks that know the
    prescribed labels. Its lines are not headings or paragraphs."""
    out: list[Table] = []
    free = [ln for ln in lines if ln.index not in used]
    figure = [_is_figure_line(ln.text) for ln in free]
    if sum(figure) < min_figures:
        return out  # a run needs that many figure lines

    def fits(n: int) -> bool:
        """A short line that can be a cell; a heading-typed line only when a figure follows
        within three lines (a row label such as 三、本年度办理结果, not the section title above)."""
        ln = free[n]
        if len(ln.text.strip()) > 40 or _STOPS.search(ln.text):
            return False
        return ln.kind not in _LEVEL or any(figure[n + 1:n + 4])

    i = 0
    while i < len(free):
        if not figure[i]:
            i += 1
            continue
        # grow a run of short lines around this figure, across single blank lines
        j = i
        while j + 1 < len(free) and _gap(view, free[j], free[j + 1]) <= 1 and fits(j + 1):
            j += 1
        k = i
        while k - 1 >= 0 and _gap(view, free[k - 1], free[k]) <= 1 and fits(k - 1) and i - k < 14:
            k -= 1
        run = free[k:j + 1]
        figures = sum(1 for ln in run if _is_figure_line(ln.text))
        if figures >= min_figures and figures >= 0.4 * len(run):
            rows = []
            for a, b in zip(run, run[1:] + [None]):
                rows.append(_row([_cell(view, a.start, a.end)]))
                if b is not None:
                    for _ in range(_gap(view, a, b)):  # a blank line inside the run: an empty cell
                        pos = view.find("\n", a.end) + 1
                        rows.append(Row([Cell("", None, Span(pos, pos))], Span(pos, pos)))
            out.append(Table(rows, Span(run[0].start, run[-1].end), "cell-per-line-flat"))
            used.update(ln.index for ln in run)
            i = j + 1
        else:
            i = j + 1 if j > i else i + 1
    return out


# -- headings ----------------------------------------------------------------------------------

_LEVEL = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5}


_MARKER_PUNCT = re.compile(r"[\s()、.:部分第]")
_CN_RUN = re.compile(r"[一二三四五六七八九十]+")
_DIGIT_RUN = re.compile(r"\d+")


@lru_cache(maxsize=512)
def _marker_reading(level: int, marker_view: str, marker_orig: str) -> tuple[int | None, str]:
    """(number, style) of a heading marker. Kept per marker: a report repeats a few dozen."""
    digits = _MARKER_PUNCT.sub("", marker_view)
    if level == 5:
        return _CIRCLED.get(digits[:1]), "①"
    # the style: the marker's punctuation as written (full- vs half-width kept); str.split
    # drops the same whitespace as \s
    return cn_int(digits), _CN_RUN.sub("一", _DIGIT_RUN.sub("1", "".join(marker_orig.split())))


def _heading(src: Source, ln: Line) -> Heading:
    marker_view = ln.marker.strip()
    m_start = ln.start + (len(ln.marker) - len(ln.marker.lstrip(" \t#*")))
    marker_view = marker_view.lstrip("#* \t")
    m_end = m_start + len(marker_view)
    to_orig = src.to_orig  # m_start and m_end - 1 are inside the view: no clamping needed
    marker_orig = src.original[to_orig.at(m_start):to_orig.at(m_end - 1) + 1] if m_end > m_start else ""
    level = _LEVEL[ln.kind]
    number, style = _marker_reading(level, marker_view, marker_orig)
    body = ln.body.strip().strip("*#").strip()
    cut = _SENT_END.search(body)
    title = body[: cut.start()] if cut else body
    return Heading(level, number, marker_orig, style, title.strip(), body,
                   Span(m_start, ln.end), Span(m_start, m_end), ln.index)


# -- assembling the document -------------------------------------------------------------------

def _front_matter_from_table(t: Table, out: dict[str, tuple[str, Span]]) -> bool:
    cells = [c for r in t.rows for c in r.cells]
    found = False
    for k, c in enumerate(cells):
        key = c.text.rstrip(":： ").strip()
        if key in FRONT_MATTER_KEYS:
            found = True
            if k + 1 < len(cells) and cells[k + 1].text.rstrip(":： ") not in FRONT_MATTER_KEYS:
                out.setdefault(key, (cells[k + 1].text, cells[k + 1].span))
    return found


_DATE_LABEL = re.compile(r"(?:成文|发布|印发|落款)?(?:日期|时间)\s*:\s*$")
_SEAL = re.compile(r"[(（]\s*(?:盖章|印章|章)\s*[)）]")
_ATTACHMENT = re.compile(r"附[件表]\s*\d*\s*[:：]?.{0,30}")


def _find_signature(view: str, lines: list[Line], used: set[int]) -> tuple[Signature | None, int]:
    """Agency and date at the end of the body; returns (signature, index of its first line).

    Looked for at the end, and, when an attachment (附件：, 附表) follows the report, just above
    the last attachment marker: an attachment may have headings and text of its own."""
    content = [ln for ln in lines if ln.index not in used and ln.text.strip()]
    found = _signature_before(content, len(content))
    if found[0] is None:
        markers = [i for i, ln in enumerate(content) if _ends_report(ln.text.strip())]
        for m in reversed(markers[-3:]):
            found = _signature_before(content, m)
            if found[0] is not None:
                break
    return found


_ATTACHMENT_START = re.compile(r"^附[件表]\s*\d*\s*[:：]")
_STATS_CAPTION = re.compile(r"^[^。;!?\s]{0,40}统计表(?:\s|$)")


def _ends_report(text: str) -> bool:
    """A line the report proper ends before: an attachment marker (``附件1：…``, possibly with
    the attachment's text run on), or the caption of an appended statistics table."""
    if _ATTACHMENT.fullmatch(text) and len(text) <= 30:
        return True
    return bool(_ATTACHMENT_START.match(text) or _STATS_CAPTION.match(text))


def _signature_before(content: list[Line], end: int) -> tuple[Signature | None, int]:
    examined = 0
    for pos in range(end - 1, -1, -1):
        ln = content[pos]
        text = ln.text.strip()
        if ln.kind in ("h1", "h2", "h3", "h4", "h5") and not _DATE_ONLY.match(text):
            return None, -1
        if _ATTACHMENT.fullmatch(text) and len(text) <= 30:
            continue  # an appendix marker after the signature
        examined += 1
        if examined > 3:
            return None, -1
        m = DATE_RE.search(text)
        if m and (_DATE_ONLY.match(text) or (len(text) <= 40 and m.end() >= len(text.rstrip()) - 1)):
            date = parse_date(m.group(0))
            agency = _SEAL.sub("", _DATE_LABEL.sub("", text[: m.start()])).strip() or None
            first = ln
            if agency is None and pos > 0:
                prev = content[pos - 1]
                ptext = _SEAL.sub("", prev.text.strip()).strip()
                ptext = re.sub(r"^(发布机关|单位|落款)\s*:\s*", "", ptext)
                if prev.kind == "para" and 0 < len(ptext) <= 30 and not re.search(r"[。,;:!?]", ptext):
                    agency = ptext
                    first = prev
            if agency and (len(agency) > 30 or re.search(r"[。;!?]", agency)):
                agency = None
            if agency:
                agency = re.sub(r"\s+", "", agency)
            return Signature(agency, date, m.group(0), Span(first.start, ln.end)), first.index
        if len(text) > 40:
            return None, -1
    return None, -1


def build(src: Source, grids: Sequence[Grid] | None = None) -> Document:
    view = src.view
    lines = lex_lines(view)
    doc = Document(source=src, lines=lines)
    tables, used = find_tables(view, lines, grids or [], src)

    # front matter: metadata lines and metadata tables
    for t in tables:
        if t.span.start < len(view) // 3 and _front_matter_from_table(t, doc.front_matter):
            t.kind = "metadata"
    for ln in lines:
        if ln.kind == "meta" and ln.index not in used:
            key = ln.marker.strip().rstrip(":").strip()
            doc.front_matter.setdefault(key, (ln.body.strip(), Span(ln.body_start, ln.end)))
            used.add(ln.index)
        elif ln.kind == "docnum" and doc.doc_number is None:
            doc.doc_number = (ln.body.strip(), Span(ln.start, ln.end))
            used.add(ln.index)
    doc.tables = [t for t in tables if t.kind != "metadata"]

    signature, sig_index = _find_signature(view, lines, used)
    doc.signature = signature
    doc.body_end = signature.span.start if signature else len(view)

    # title: a title-like line before the first heading, near the top
    first_heading = next((ln.index for ln in lines if ln.kind in _LEVEL and ln.index not in used), len(lines))
    seen = 0
    for ln in lines[:first_heading]:
        if ln.index in used:
            continue
        text = ln.text.strip()
        if not text:
            continue
        seen += 1
        if seen > 8:
            break
        if len(text) <= 80 and _TITLE_RE.search(text) and not re.search(r"[。;!?]", text):
            folded = re.sub(r"\s+", "", text)
            label = COLUMN_LABEL.match(folded) is not None
            if label and doc.title is not None:
                continue
            # "政府信息公开年报" above the real title is the page's column: a title only when no
            # better one follows
            doc.title = Title(folded, Span(ln.start, ln.end))
            used.add(ln.index)
            if not label:
                break
    if "标题" in doc.front_matter and (doc.title is None or COLUMN_LABEL.match(doc.title.text)):
        # a crawled page's own title field ("标题: 某县2019年政府信息公开工作年度报告")
        value, span = doc.front_matter["标题"]
        if _TITLE_RE.search(value):
            doc.title = Title(re.sub(r"\s+", "", value), span)

    # sections (stack), paragraphs and tables in order
    stack: list[Section] = []
    table_iter = iter(doc.tables)
    next_table = next(table_iter, None)
    for ln in lines:
        while next_table is not None and next_table.span.start <= ln.start:
            next_table.section = stack[-1] if stack else None
            if stack:
                stack[-1].tables.append(next_table)
            next_table = next(table_iter, None)
        if ln.index in used or (signature and sig_index <= ln.index and ln.start < signature.span.end):
            continue
        if ln.kind in _LEVEL and ln.body.rstrip(" \t")[-1:].isdecimal() and _FIGURES_AT_END.search(ln.body) \
                and len(_TRAILING_FIGURES.sub("", ln.body)) <= 40:  # (the pattern ends in a digit and [ \t]*)
            ln.kind = "para"  # "一、本年新收政府信息公开申请数量 80 1 0 0 0 0 81": a flattened table row
        if signature and ln.start >= signature.span.end and ln.text.strip():
            # after the agency and date: an attachment, with numbering of its own
            doc.attachments.append(Paragraph(ln.text.strip(), Span(ln.start, ln.end), ln.index))
            continue
        if ln.kind in _LEVEL:
            h = _heading(src, ln)
            doc.headings.append(h)
            sec = Section(h)
            while stack and stack[-1].level >= h.level:
                stack.pop().end = ln.start
            if stack:
                sec.parent = stack[-1]
                stack[-1].children.append(sec)
            else:
                doc.sections.append(sec)
            stack.append(sec)
            continue
        text = ln.text.strip()
        if not text:
            continue
        para = Paragraph(text, Span(ln.start, ln.end), ln.index)
        doc.paragraphs.append(para)
        if stack:
            stack[-1].paragraphs.append(para)
        else:
            doc.intro.append(para)
    while next_table is not None:
        next_table.section = stack[-1] if stack else None
        if stack:
            stack[-1].tables.append(next_table)
        next_table = next(table_iter, None)
    # a section ends where the next sibling-or-higher heading starts (set when it is popped above);
    # the ones still open end with the body
    for sec in stack:
        sec.end = doc.body_end
    # caption: the text just before each table
    for t in doc.tables:
        before = view[max(0, t.span.start - 200):t.span.start].rstrip("\n").split("\n")
        t.caption = before[-1].strip() if before else ""
    return doc
