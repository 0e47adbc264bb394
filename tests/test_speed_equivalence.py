"""The fast paths of the hot loop give exactly what the plain ones give.

Speed work (issue 12) replaced a few plain calls with equivalent cheaper ones: Lark fed by a
lean loop over its own contextual scanners, number patterns written to start with the digit,
literal pre-checks before regexes. Each is checked here against the plain form, on the
fixtures and on generated text, so that a later edit cannot make them drift apart.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

parse_mod = importlib.import_module("gipcheck.parse")  # `gipcheck.parse` the attribute is api.parse
FIXTURES = Path(__file__).parent / "fixtures"

# characters that make every kind of line: markers, keys, pipes, digits, brackets, dates
_ALPHABET = list("一二三四五六七八九十()（）、.:：|#* \t\n0123456789年月日第部分①②索引号发布机构成文〔〕号附件表统计公开申请条件")


def _views() -> list[str]:
    import gipcheck

    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "real").glob("*.txt"))[:20]]
    return [gipcheck.parse(t).view for t in texts]


_FEEDERS: dict[bool, object] = {}


def _feeder(compiled: bool):
    """The feeding loop with lark-cython's parser state (when installed) or Lark's Python one."""
    if compiled not in _FEEDERS:
        _FEEDERS[compiled] = parse_mod._Feeder(parse_mod._parser(), compiled=compiled)
    return _FEEDERS[compiled]


@pytest.mark.parametrize("compiled", [False, True], ids=["python", "lark-cython"])
def test_feeder_gives_larks_own_lines_on_the_fixtures(compiled):
    feeder = _feeder(compiled)
    if compiled and not feeder.compiled:
        pytest.skip("lark-cython is not installed (the [speed] extra)")
    assert not compiled or parse_mod._feeder().compiled  # installed: the default uses it
    assert feeder.scanners is not None  # the fast path is in use, not the fallback
    assert parse_mod._append_to_first in feeder.callbacks.values()  # and the lean repetition step
    for view in _views():
        assert feeder.parse(view) == parse_mod._parser().parse(view)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=40), max_size=12), st.booleans())
def test_feeder_gives_larks_own_lines_on_any_text(lines, compiled):
    view = "\n".join(lines) + "\n"
    assert _feeder(compiled).parse(view) == parse_mod._parser().parse(view)


_DIGITS = st.text(alphabet=list("0123456789.条件 ,x中其"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_DIGITS)
def test_digit_first_number_pattern_is_the_lookbehind_one(text):
    from gipcheck.checks.figures import _NUMBER

    plain = re.compile(r"(?<![\d.])(?P<n>\d+)\s*(?P<u>条|件)")
    fast = re.compile(rf"(?P<n>{_NUMBER})\s*(?P<u>条|件)")
    assert [m.span("n") for m in plain.finditer(text)] == [m.span("n") for m in fast.finditer(text)]


def _parse_number_plain(text: str):
    """cn.parse_number before its all-digits shortcut (the reference)."""
    from gipcheck.cn import _AMOUNT, _UNIT

    t = text.strip().replace(" ", "").replace("−", "-")
    if not t:
        return None
    t = _UNIT.sub("", t)
    if not _AMOUNT.match(t):
        return None
    v = float(t.replace(",", ""))
    return int(v) if v.is_integer() and "." not in t else v


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(alphabet=list("0123456789 ,.-−+件元%"), max_size=12), st.from_regex(r"\d{1,400}", fullmatch=True)))
def test_parse_number_shortcut_is_the_plain_reading(text):
    from gipcheck.cn import parse_number

    got, want = parse_number(text), _parse_number_plain(text)
    assert got == want and type(got) is type(want)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("ab| \t1"), max_size=30))
def test_split_pipe_cells_are_the_character_loop_ones(line):
    from gipcheck.ast import Line

    view = "x\n" + line + "\n"
    ln = Line("row", 2, 2 + len(line), line)
    want, a = [], ln.start
    for i in range(ln.start, ln.end + 1):  # the loop _split_pipe replaced
        if i == ln.end or view[i] == "|":
            b, c = i, a
            while c < b and view[c] in " \t":
                c += 1
            while b > c and view[b - 1] in " \t":
                b -= 1
            want.append((view[c:b], c, b))
            a = i + 1
    assert [(c.text, c.span.start, c.span.end) for c in parse_mod._split_pipe(view, ln)] == want


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("0129 年x"), max_size=30))
def test_year_mention_pattern_is_the_lookbehind_one(text):
    from gipcheck.facts import _YEAR_MENTION

    assert _YEAR_MENTION.findall(text) == re.findall(r"(?<!\d)((?:19|20)\d\d)\s*年", text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("ab\n\r 年"), max_size=40))
def test_line_starts_and_lines_are_the_regex_ones(text):
    from gipcheck.normalize import Source

    src = Source(original=text, view=text, to_orig=None)  # type: ignore[arg-type]
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    lines = [text[s:(starts[i + 1] if i + 1 < len(starts) else len(text))].rstrip("\r\n")
             for i, s in enumerate(starts)]
    assert src.line_starts == starts
    assert src.original_lines() == lines


def test_ascii_letters_match_only_their_two_cases_case_blind_but_i_k_s():
    """residue._first_chars relies on it: under re.IGNORECASE no character outside ASCII
    matches an ASCII letter, except for i, k and s (İ ı, the Kelvin sign, ſ)."""
    import string
    import sys

    beyond_ascii = "".join(map(chr, range(128, sys.maxunicode + 1)))
    matched = {c for c in string.ascii_lowercase if re.search(re.escape(c), beyond_ascii, re.IGNORECASE)}
    assert matched <= set("iks")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=list("一二十() \t。.;、甲1"), max_size=30))
def test_marker_after_space_or_stop_is_the_finditer_one(line):
    from gipcheck.segment import _INLINE_MARKER, _after_space_or_stop

    plain = {m.end() for m in _INLINE_MARKER.finditer(line) if m.end() > 0}
    assert {a for a in range(len(line) + 1) if _after_space_or_stop(line, a)} == plain


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=list("2019年1月3日 -./一〇十0x"), max_size=30))
def test_a_span_the_date_precheck_skips_holds_no_date(text):
    from gipcheck.checks.dates import _may_hold_date
    from gipcheck.cn import DATE_RE

    if not _may_hold_date(text, 0, len(text)):
        assert DATE_RE.search(text) is None


# -- the grammar's newline-carrying tokens (LINE, ROW) type lines as the plain grammar did -------

def _plain_line_parser():
    """The grammar before its line tokens took their newline (kept in tests/fixtures), with the
    transformer it had: the reference for what every line is."""
    from lark import Lark

    from gipcheck.ast import Line

    class Plain(parse_mod._Lines):  # the line rules as they were: tokens without their newline
        def _heading(self, kind, c):
            marker = c[0]
            body = c[1] if len(c) > 1 else None
            end = body.end_pos if body is not None else marker.end_pos
            return Line(kind, marker.start_pos, end, "", str(marker), str(body or ""),
                        body.start_pos if body is not None else marker.end_pos)

        def row(self, c): return Line("row", c[0].start_pos, c[0].end_pos, "", "", str(c[0]), c[0].start_pos)
        def para(self, c): return Line("para", c[0].start_pos, c[0].end_pos, "", "", str(c[0]), c[0].start_pos)

    text = parse_mod.grammar_text((FIXTURES / "report_before_newline_tokens.lark").read_text(encoding="utf-8"))
    lark = Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=False, transformer=Plain())

    def lines(view):
        out = lark.parse(view)
        for i, ln in enumerate(out):
            ln.index, ln.text = i, view[ln.start:ln.end]
        return out
    return lines


_PLAIN = []


def _plain(view):
    if not _PLAIN:
        _PLAIN.append(_plain_line_parser())
    return _PLAIN[0](view)


def test_lines_are_the_plain_grammars_on_the_fixtures():
    for view in _views():
        assert parse_mod.lex_lines(view) == _plain(view)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=40), max_size=12))
def test_lines_are_the_plain_grammars_on_any_text(lines):
    view = "\n".join(lines) + "\n"
    assert parse_mod.lex_lines(view) == _plain(view)


# -- section titles searched joined by newlines: the same titles as one search each -------------

def _section_patterns() -> list[tuple[str, ...]]:
    import gipcheck.api as api

    found = []
    for c in api.rules().checks:
        for sp in [c.params] + list(getattr(c.params, "sections", []) or []):
            if hasattr(sp, "headings") and hasattr(sp, "not_in"):
                found += [tuple(sp.headings), tuple(sp.not_in)]
    return sorted({p for p in found if p})


_TITLE_WORDS = ["总体", "情况", "概述", "概况", "基本", "主动公开", "政府信息", "收到和处理", "申请", "依申请公开",
                "复议", "诉讼", "问题", "改进", "其他需要报告", "事项", "年度", "工作", "一、", "(二)", "的", "及", "3."]
_TITLE = st.lists(st.sampled_from(_TITLE_WORDS), max_size=5).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TITLE, max_size=20), st.data())
def test_titles_joined_by_newlines_hold_the_same_matches(titles, data):
    from gipcheck.checks import across_lines, any_of
    from gipcheck.checks.structure import _holding

    patterns = data.draw(st.sampled_from(_section_patterns()))
    joined = across_lines(patterns)
    if joined is None:
        return
    items = [(i, t) for i, t in enumerate(titles)]
    wanted = any_of(patterns)
    assert list(_holding(joined, items, {}, "t")) == [x for x in items if wanted(x[1])]


def test_the_shipped_section_patterns_are_searched_joined():
    from gipcheck.checks import across_lines

    patterns = _section_patterns()
    assert patterns and sum(across_lines(p) is not None for p in patterns) >= len(patterns) * 0.8


@pytest.mark.parametrize("pattern", [r"总体\s*情况", r"[^。]+问题", r"(?s)问题.改进", r"\A概况", r"情况\Z", r"\W问题"])
def test_a_pattern_that_could_see_past_a_newline_is_searched_title_by_title(pattern):
    from gipcheck.checks import across_lines

    assert across_lines((pattern,)) is None


# -- literal pre-checks of three per-line patterns -----------------------------------------------

_CELLS = st.text(alphabet=list("0123456789.-− 万亿元件条个项次人篇期家%‰\t\n\u3000a"), max_size=12)


@settings(max_examples=400, deadline=None)
@given(_CELLS)
def test_strip_unit_is_the_pattern_sub(text):
    from gipcheck.cn import _UNIT, _strip_unit

    t = text.strip()
    assert _strip_unit(t) == _UNIT.sub("", t)


@settings(max_examples=400, deadline=None)
@given(_CELLS)
def test_figure_line_precheck_is_the_pattern(text):
    assert parse_mod._is_figure_line(text) == (parse_mod._FIGURE_LINE.match(text) is not None)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list("总计申请12 .\t。;-a"), max_size=20))
def test_figures_at_end_needs_a_last_digit(body):
    if parse_mod._FIGURES_AT_END.search(body):
        assert body.rstrip(" \t")[-1:].isdecimal()


# -- a rule pattern is run only where a literal every match holds occurs ------------------------

def _absent_patterns() -> list[str]:
    """The shipped patterns searched over whole texts: pattern_absent's, and section_present's sentences."""
    import gipcheck.api as api

    found = set()
    for c in api.rules().checks:
        found.update(getattr(c.params, "patterns", None) or [] if c.entry.check == "pattern_absent" else [])
        found.update(getattr(c.params, "sentences", None) or [])
    return sorted(p for p in found if isinstance(p, str))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_pattern_skipped_for_want_of_its_literals_has_no_match(data):
    from gipcheck.checks import _needed_literals as _needs

    pattern = data.draw(st.sampled_from(_absent_patterns()))
    needs = _needs(pattern)
    alphabet = sorted(set("".join(needs or ()) + "年度本县X×_＿【】此处填写请单位,;:、。 \nabc12"))
    text = data.draw(st.text(alphabet=alphabet, max_size=40))
    if needs is not None and not any(lit in text for lit in needs):
        assert re.search(pattern, text) is None


def test_the_fixtures_give_the_same_pattern_hits_with_the_literal_precheck():
    from gipcheck.checks import _needed_literals as _needs

    for view in _views():
        for pattern in _absent_patterns():
            needs = _needs(pattern)
            if needs is not None and not any(lit in view for lit in needs):
                assert re.search(pattern, view) is None


# -- GIP602: the whole-text doubled-unit test says what the pattern's search says ---------------

_DOUBLING = list("公开申请信息政府年一二") + ["\u4e00", "\u9fff", "\u4dff", "\ua000", "\u3000", "。", "a", " ", "\n",
                                             "\U00020000", "\ud800", "丗", "丗"]


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=_DOUBLING, max_size=30), st.text(alphabet=_DOUBLING, min_size=1, max_size=5),
       st.text(alphabet=_DOUBLING, max_size=30), st.booleans())
def test_doubled_han_test_is_the_patterns_search(before, unit, after, doubled):
    from gipcheck.checks.text import DOUBLED_HAN, doubled_han_matches, has_doubled_han

    text = before + unit * (2 if doubled else 1) + after  # units of 1–5 characters written twice, or once
    assert has_doubled_han(text) == (re.search(DOUBLED_HAN, text) is not None)
    rx = re.compile(DOUBLED_HAN)
    assert [(m.span(), m.group(1)) for m in doubled_han_matches(text + unit * 3 + text, rx)] == \
        [(m.span(), m.group(1)) for m in rx.finditer(text + unit * 3 + text)]


def test_doubled_han_test_on_the_fixtures():
    from gipcheck.checks.text import DOUBLED_HAN, doubled_han_matches, has_doubled_han

    views = _views()
    assert any(re.search(DOUBLED_HAN, v) for v in views)  # the fixtures hold both kinds
    for view in views:
        for cut in range(0, len(view), 997):  # slices of every length and alignment as well
            piece = view[cut:cut + 1500]
            assert has_doubled_han(piece) == (re.search(DOUBLED_HAN, piece) is not None)
        rx = re.compile(DOUBLED_HAN)
        assert [m.span() for m in doubled_han_matches(view, rx)] == [m.span() for m in rx.finditer(view)]


# -- lexicon.YEAR, written with its first characters first, is the plain alternation ----------

_YEARISH = list("1290〇○零O一二三九年度 \n") + ["o"]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_YEARISH, max_size=24), st.sampled_from([0, re.IGNORECASE]))
def test_year_pattern_is_the_plain_alternation(text, flags):
    from gipcheck.lexicon import YEAR, YEAR_PLAIN

    for wrap in ("({})", r"({})\s*年度?", r"(?<!\d)(?:{})"):
        fast, plain = re.compile(wrap.format(YEAR), flags), re.compile(wrap.format(YEAR_PLAIN), flags)
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == \
            [(m.span(), m.groups()) for m in plain.finditer(text)]


_PIECES = ["a", "b", "ab", ",", "、", "a+", "b{2,}", ",+", "a*", "(?:a|b)", "[ab]", "(a|bc)", r"\d", ".", "b?",
           "(?:ab)+", "a{3}", "(?i:a)"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5), st.text(alphabet="ab,、1A\n", max_size=30))
def test_required_literals_of_any_pattern_are_in_every_match(pieces, text):
    from gipcheck.residue import required_literals

    pattern = re.compile("".join(pieces))
    needs = required_literals(pattern)
    if needs is not None:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                assert any(lit in m.group(0) for lit in needs), (pattern.pattern, m.group(0), needs)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list("，（）；：！？＋．﹒\u3000\xa0a,中文") + [chr(0xFF01 + i) for i in range(0, 94, 7)], max_size=40))
def test_fold_width_is_the_character_table(text):
    from gipcheck.normalize import _WIDTH_TABLE, fold_width

    assert fold_width(text) == text.translate(_WIDTH_TABLE)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=list("woRDab-1"), min_size=1, max_size=4), min_size=1, max_size=3),
       st.text(alphabet=list("wWoOrRdDaAbB-1 版KſıİＷｗ\n"), max_size=60))
def test_case_blind_literal_positions_are_the_regex_ones(literals, text):
    """residue._ascii_blind_positions (str.find on each case of the first characters) gives the
    positions the case-blind regex search over the literals gives, overlaps included."""
    from gipcheck.residue import _ascii_blind, _ascii_blind_positions

    lowered = _ascii_blind(literals)
    assert lowered is not None
    finder = re.compile("|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True)), re.IGNORECASE)
    expected, pos = [], 0
    while (m := finder.search(text, pos)) is not None:
        expected.append(m.start())
        pos = m.start() + 1
    assert _ascii_blind_positions(text, lowered) == expected


def test_literals_with_i_k_s_or_beyond_ascii_keep_the_regex_search():
    from gipcheck.residue import _ascii_blind

    assert _ascii_blind(["word"]) == ("word",)
    assert _ascii_blind(["Word", "pdf"]) == ("word", "pdf")
    for literals in (["skip"], ["link"], ["版word"], ["word", "docs"], ["wps"]):
        assert _ascii_blind(literals) is None
