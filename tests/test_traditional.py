"""The Traditional-script detector: a text it passes over comes out of OpenCC unchanged.

Normalizing skips OpenCC's conversion when :func:`gipcheck.traditional.detector` says nothing
would change; these tests hold it to that, on the fixtures, on every dictionary key it learnt
and on generated text, and check the fallback (convert everything) when it cannot learn.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from gipcheck import traditional
from gipcheck.normalize import _t2s, normalize

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def found():
    d = traditional.detector(_t2s())
    if d is None:
        pytest.skip("this OpenCC's dictionaries cannot be read (no opencc_dict): every text is converted")
    return d


def _texts() -> list[str]:
    paths = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".txt", ".md"})
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


def test_a_text_it_passes_over_is_one_opencc_leaves_alone(found):
    cc = _t2s()
    passed = 0
    for text in _texts():
        if not found.may_change(text):
            passed += 1
            assert cc.convert(text) == text
    assert passed > 10  # most fixtures are Simplified: the shortcut is in use


def test_every_learnt_character_and_phrase_is_found_in_a_sentence(found):
    data = traditional._learn(_t2s(), *_config())
    assert data is not None
    for ch in data["chars"] + data["astral"]:
        assert found.may_change(f"这是{ch}的")
    for anchor, before, after in data["phrases"]:
        assert found.may_change(f"这是{before}{anchor}{after}的")
        assert not found.chars.search(before + anchor + after)  # found by its context, not a character


def test_traditional_text_and_phrases_are_found(found):
    assert found.may_change("政府信息公開工作")
    assert found.may_change("我们瞭解情况")  # 瞭解 → 了解: neither character changes alone
    assert found.may_change("反覆研究")
    assert not found.may_change("覆盖全市的政府信息公开")  # 覆 alone stays 覆


def _config():
    import opencc

    config = Path(opencc._opencc_share_dir) / "t2s.json"
    return config, traditional._dictionary_files(config)


_PIECES = ["公开", "瞭", "解", "覆", "反", "沈", "开", "開", "藉", "口", "坏", "土", "了", "一", "\n", "a", "𠀀", "衹"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_on_any_text_a_pass_means_unchanged(found, pieces):
    text = "".join(pieces)
    if not found.may_change(text):
        assert _t2s().convert(text) == text


def test_without_opencc_dict_every_text_is_converted(monkeypatch, tmp_path):
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(traditional, "_learn", lambda *a: None)
    traditional.detector.cache_clear()
    try:
        assert traditional.detector(_t2s()) is None
        src = normalize("政府信息公開工作年度報告\n")
        assert src.view.startswith("政府信息公开工作年度报告")
    finally:
        traditional.detector.cache_clear()
