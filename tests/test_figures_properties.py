"""Properties of the breakdown check (GIP407) on generated sentences: a list that adds up never
fires; a complete list (ending with 其他) that does not add up always fires; a list that may be
partial fires only when its parts exceed the total. Real files are in test_real_text_rules.py."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gipcheck.checks import load_all
from gipcheck.checks.figures import BreakdownParams, find_breakdowns

load_all()
LABELS = ["机构职能类信息", "政策、规范性文件类信息", "规划计划类信息", "行政许可类信息", "重大建设项目信息",
          "科教文体卫生类信息", "安全生产、应急管理类信息", "民政扶贫救灾社会保障就业类信息"]
SETTINGS = dict(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])

parts = st.lists(st.tuples(st.sampled_from(LABELS), st.integers(0, 3000)), min_size=2, max_size=7)
shapes = st.sampled_from(["inline", "bracket", "next-sentence"])


def _sentence(total: int, items: list[tuple[str, int]], catch_all: bool, shape: str) -> str:
    listed = "，".join(f"{label}{n}条" for label, n in items)
    if catch_all:
        listed = listed.rsplit("，", 1)[0] + f"，其他信息{items[-1][1]}条" if len(items) > 1 else listed
    if shape == "bracket":
        return f"全年共公布政府信息{total}条(其中{listed})。"
    if shape == "next-sentence":
        return f"2012年主动公开政府信息{total}条。其中，{listed}。"
    return f"2017年共主动公开政府信息{total}条，其中{listed}。"


def _fires(text: str) -> bool:
    p = BreakdownParams()
    for b in find_breakdowns(text.replace("，", ","), p):
        s = sum(x.n for x in b.parts)
        if s > b.total or (b.complete and s != b.total):
            return True
    return False


@settings(**SETTINGS)
@given(parts, st.booleans(), shapes)
def test_a_list_that_adds_up_never_fires(items, catch_all, shape):
    total = sum(n for _, n in items)
    assert not _fires(_sentence(total, items, catch_all, shape))


@settings(**SETTINGS)
@given(parts, st.integers(-500, 500).filter(lambda d: d != 0), shapes)
def test_a_complete_list_that_misses_its_total_fires(items, delta, shape):
    total = sum(n for _, n in items) + delta
    if total < 0:
        return
    assert _fires(_sentence(total, items, True, shape))


@settings(**SETTINGS)
@given(parts, st.integers(1, 500), shapes)
def test_a_list_that_may_be_partial_fires_only_when_its_parts_exceed_the_total(items, delta, shape):
    s = sum(n for _, n in items)
    assert not _fires(_sentence(s + delta, items, False, shape))      # fewer parts listed than counted
    if s - delta >= 0:
        assert _fires(_sentence(s - delta, items, False, shape))      # more parts than the whole
