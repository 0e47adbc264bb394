"""The residue engine tries a pattern only near its trigger, and finds exactly what a scan of
the whole text finds."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gipcheck import api
from gipcheck.residue import ResiduePattern

FLAGS = re.IGNORECASE | re.MULTILINE


def vocabulary_patterns() -> list[str]:
    return [r["pattern"] for r in api.rules().vocabulary.get("residue", [])]


# Shapes the analysis has to get right: optional prefixes, anchors, alternations, required
# repetitions, lookarounds, inline flags, a newline inside the part before the trigger.
EXTRA = [
    r"(?P<prefix>[^\s【】]{2,30}[^\S\n]*)?word\s*版",
    r"(?P<prefix>[^\s【】]{2,5}\s*)?word",  # the prefix can cross a line
    r"(?P<prefix>[^\s【】]{2,5}.*)?word",  # no bound: a whole scan
    r"(?<=a)\d{0,2}[ \t]*-",
    r"(?:ab|c)\s?-",
    r"^[ \t]*(?:第\s*\d{1,4}\s*页|-\s*\d{1,4}\s*-)[ \t]*$",
    r"^[ \t]*(?:【\s*(?:打印|关闭)\s*】\s*)+$",
    r"\d{1,3}-\d",
    r"(?<=\n)ab+",
    r"(?<![a-z])x{2,}(?![a-z])",
    r"(?i:Word)版",
    r"(?-i:W)ord",
    r"a.{0,3}b",
    r"(?s)a.{0,3}b",
    r"\Aab\s*$",
    r"^a|b$",
    r"(a|bb)c",
    r"(x)\1y",
    r"[^\n]{0,4}页",
    r"\s{1,3}页",
]

ALPHABET = "abcxyWwORDord版页第共-—【】打印关闭 \t\n0123456789"


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


@pytest.mark.parametrize("source", vocabulary_patterns() + EXTRA)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=ALPHABET, max_size=120))
def test_same_matches_as_a_whole_scan(source: str, text: str) -> None:
    pattern = re.compile(source, FLAGS)
    engine = ResiduePattern(pattern)
    assert [m.span() for m in engine.finditer(text)] == spans(pattern, text)


@pytest.mark.parametrize("source", vocabulary_patterns() + EXTRA)
def test_same_matches_on_repeated_residue(source: str) -> None:
    pattern = re.compile(source, FLAGS)
    text = ("标题文字 WORD版 第 3 页\n- 12 -\n【打印】【关闭】\n第1页 共2页\nxx word版 aab\nab\n" * 20)
    assert [m.span() for m in ResiduePattern(pattern).finditer(text)] == spans(pattern, text)


@pytest.mark.parametrize("source", vocabulary_patterns())
def test_every_vocabulary_pattern_is_found_through_a_literal(source: str) -> None:
    """A residue pattern in the rule files must name (by its shape) a literal every match holds,
    with the start of a match bounded from it: else every report pays a scan of its whole text
    (≈1 µs a character for a pattern with an optional prefix). Start the pattern with its literal,
    or anchor it with ^ and keep the part before the literal on one line ([ \\t] or [^\\S\\n],
    not \\s)."""
    engine = ResiduePattern(re.compile(source, FLAGS))
    assert engine.plan in ("start", "line", "range") or engine.trigger is not None, engine.plan


def test_plans_of_the_shapes() -> None:
    def plan(p: str) -> str:
        return ResiduePattern(re.compile(p, FLAGS)).plan

    assert plan(r"word\s*版") == "scan"  # starts with its literal: the regex engine's own scan
    assert plan(r"\A\s*x\.docx$") == "start"
    assert plan(r"^[ \t]*(?:第|-)\d") == "line"
    assert plan(r"(?P<p>\w{2,3}[ \t]*)?word") == "range"
    assert plan(r"(?P<p>\w{2,3}\s*)?word") == "range"  # \s* may cross lines, but costs nothing
    assert plan(r"(?P<p>\w{2,3}.*)?word") == "range"  # . stops at a line end: its line
    assert plan(r"(?P<p>\w{2,3}[\s\S]*)?word") == "scan"  # no bound at all
    assert plan(r"x*") == "scan"  # may match empty text


def test_whitespace_runs_before_the_trigger_cost_nothing() -> None:
    """``\\s*`` before the trigger has no width bound, but a match holds at most the fixed part's
    characters besides whitespace: the engine walks back over whitespace for free."""
    engine = ResiduePattern(re.compile(r"(?P<prefix>[^\s【】]{2,30}\s*)?word\s*版", FLAGS))
    assert engine.plan == "range" and engine.trigger.elastic and engine.trigger.before == 30
    text = "x" * 5000 + " 标题\n\n   \t WORD 版" + "y" * 5000 + "标题 word版"
    assert [m.span() for m in engine.finditer(text)] == spans(engine.pattern, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=ALPHABET + "来源时间字体大中小浏览次数:微信微博QQ空间首页位置当前", max_size=160))
def test_patterns_searched_together_find_what_each_finds_alone(text: str) -> None:
    """ResidueSet finds the triggers of all uncased patterns in one pass: the same matches as a
    whole-text scan of each pattern."""
    from gipcheck.residue import ResidueSet

    patterns = [re.compile(p, FLAGS) for p in vocabulary_patterns() + EXTRA]
    together = ResidueSet([ResiduePattern(p) for p in patterns]).matches(text)
    assert [[m.span() for m in ms] for ms in together] == [spans(p, text) for p in patterns]


@pytest.mark.parametrize("source", vocabulary_patterns() + EXTRA)
def test_a_cached_analysis_is_the_analysis(source: str) -> None:
    import json

    pattern = re.compile(source, FLAGS)
    fresh = ResiduePattern(pattern)
    again = ResiduePattern(pattern, json.loads(json.dumps(fresh.analysis())))
    assert (again.plan, again.trigger) == (fresh.plan, fresh.trigger)
