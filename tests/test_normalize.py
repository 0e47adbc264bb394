"""Reading and normalizing: decoding, width folding, Traditional → Simplified, residue, positions."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import gipcheck
from gipcheck import api
from gipcheck.engine import analyse
from gipcheck.normalize import normalize
from gipcheck.read import Extracted, InputError, decode, read_bytes, read_path

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED2 = SEEDS / "002_871b05a060ee8a47.txt"
SEED3 = SEEDS / "003_4c2f8b4fce2606f9.txt"
SEED4 = SEEDS / "004_4d5b83c37e9f0509.txt"
SAMPLE = "三元区民政局2017年政府信息公开工作年度报告\n一、概述\n联系电话：0598-8328341。\n"


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


# -- decoding -----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding,expect", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", None), ("utf-16-be", None),
])
def test_decode(encoding, expect):
    data = SAMPLE.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    text, used = decode(data, "x.txt")
    assert text == SAMPLE  # a BOM is not part of the text
    if expect:
        assert used == expect


def test_decode_gb18030_beyond_gbk():
    text = "𠀀政府信息公开€"  # a character only GB18030 (not GBK) encodes
    assert decode(text.encode("gb18030"), "x.txt")[0] == text


@pytest.mark.parametrize("data", [
    bytes.fromhex("ffd8ffe0813089 38ff"),      # a JPEG header, not text
    b"\xef\xbb\xbf\xff\xfe\xfa",              # a UTF-8 BOM, then bytes that are not UTF-8
    b"abc\x00def\xff\xfe\xfd" * 10,            # NULs and bad bytes: binary or BOM-less UTF-16
])
def test_undecodable_is_an_input_error_naming_the_file(data):
    with pytest.raises(InputError) as info:
        decode(data, "报告.txt")
    assert "报告.txt" in info.value.message("zh") and "报告.txt" in info.value.message("en")
    assert info.value.rule == "GIP001"


def test_read_path_missing_and_directory(tmp_path):
    with pytest.raises(InputError, match="nope.txt"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(InputError):
        read_path(tmp_path)


def test_check_file_decodes_like_utf8(tmp_path):
    text = SEED2.read_text(encoding="utf-8")
    ref = gipcheck.check(SEED2)
    for enc in ("gbk", "utf-16", "utf-8-sig"):
        p = tmp_path / f"{enc}.txt"
        p.write_bytes(text.encode(enc))
        got = gipcheck.check(p)
        assert got.facts == ref.facts
        assert [(f.rule, f.line, f.column) for f in got.findings] == [(f.rule, f.line, f.column) for f in ref.findings]


def test_read_bytes_keeps_the_text_as_read():
    ex = read_bytes("一、概述\r\n正文\r\n".encode("gbk"), "a.txt")
    assert ex.text == "一、概述\r\n正文\r\n" and ex.format == "text"


# -- width folding ------------------------------------------------------------------------------

def test_width_folding_is_one_to_one():
    original = "（一）１２３ＡＢＣ，；：！？　全角空格\u00a0ｘ"
    src = normalize(original)
    assert src.view == "(一)123ABC,;:!? 全角空格 x"
    assert list(src.to_orig) == list(range(len(original) + 1))


def test_zero_width_characters_are_cut_but_positions_stay_exact():
    original = "一、概\u200b述\ufeff正文"
    src = normalize(original)
    assert src.view == "一、概述正文"
    i = src.view.index("正")
    assert original[src.to_orig[i]] == "正"


def test_newlines_folded():
    src = normalize("a\r\nb\rc\nd")
    assert src.view == "a\nb\nc\nd"
    assert [src.line_col(src.orig_offset(src.view.index(ch))) for ch in "abcd"] == [(1, 1), (2, 1), (3, 1), (4, 1)]


def test_u2028_is_not_a_line_break():
    src = normalize("一、概述\u2028正文\n二、其他\n")
    assert src.line_col(src.orig_offset(src.view.index("二"))) == (2, 1)
    assert src.original_lines() == ["一、概述\u2028正文", "二、其他", ""]


# -- Traditional → Simplified -------------------------------------------------------------------

def test_t2s_on_seed_004_points_at_the_original():
    original = SEED4.read_text(encoding="utf-8")
    src = normalize(original)
    assert src.script == "traditional" and src.traditional_chars > 100
    assert "廳" in original and "廳" not in src.view and "厅" in src.view
    assert len(src.view) == len(original)  # t2s kept every offset
    for word_t, word_s in (("政府信息公開", "政府信息公开"), ("行政複議", "行政复议"), ("主動公開", "主动公开")):
        if word_t not in original:
            continue
        i = src.view.index(word_s)
        assert original[src.orig_offset(i):src.orig_offset(i) + len(word_t)] == word_t


def test_t2s_findings_point_at_the_original_text():
    result = gipcheck.check(SEED4)
    lines = _lines(SEED4.read_text(encoding="utf-8"))
    assert result.facts["script"] == "traditional"
    f104 = next(f for f in result.findings if f.rule == "GIP104")
    assert lines[f104.line - 1][f104.column - 1:].startswith("二、主動公開")  # Traditional, as written
    f4 = next(f for f in result.findings if f.rule == "GIP004")
    assert f4.severity == "info"


def test_simplified_text_is_not_called_traditional():
    assert normalize(SEED2.read_text(encoding="utf-8")).script == "simplified"


# -- residue ------------------------------------------------------------------------------------

def _front_end(text: str):
    """normalize (with the rule set's residue patterns) and segment, as the engine runs them."""
    return analyse(Extracted(text=text), api.rules())[0].source


def test_residue_cut_and_located_at_the_banner_in_seed_003():
    original = SEED3.read_text(encoding="utf-8")
    src = _front_end(original)
    kinds = {r.kind for r in src.residue}
    assert {"download-banner", "file-name"} <= kinds
    assert "本文为 word 版" not in src.view and "本文为word版" not in src.view.replace(" ", "")
    for r in src.residue:
        assert original[r.start:r.end] == r.text
    lines = _lines(original)
    result = gipcheck.check(SEED3)
    # every banner is cut and located; GIP003 reports the kind once, at the first, with the count
    pieces = [r for r in src.residue if r.kind == "download-banner" and "WORD" in r.text]
    assert len(pieces) >= 3
    for r in pieces:
        assert "WORD 版" in r.text and "本文为 word 版" in r.text
    banners = [f for f in result.findings if f.rule == "GIP003" and "WORD" in f.message]
    assert len(banners) == 1
    f = banners[0]
    shown = lines[f.line - 1][f.column - 1:f.end_column - 1]
    assert "WORD 版" in shown and "本文为 word 版" in shown, shown
    assert f.end_line == f.line
    assert f"共 {len([r for r in src.residue if r.kind == 'download-banner'])} 处" in f.message
    first = next(f for f in result.findings if f.rule == "GIP003")
    assert (first.line, first.column) == (1, 1)  # the file name on the first line


def test_residue_keeps_the_text_around_it():
    original = "一、概述\n2017年主动公开17条。\n第 3 页\n二、主动公开\n"
    src = _front_end(original)
    assert [r.kind for r in src.residue] == ["page-number"]
    assert "第 3 页" not in src.view and "二、主动公开" in src.view
    i = src.view.index("二、")
    assert src.line_col(src.orig_offset(i)) == (4, 1)


def test_bookmark_residue_in_seed_002():
    result = gipcheck.check(SEED2)
    lines = _lines(SEED2.read_text(encoding="utf-8"))
    f = next(f for f in result.findings if f.rule == "GIP003")
    assert lines[f.line - 1][f.column - 1:f.end_column - 1] == "[bookmark: _GoBack]"


# -- \r\n gives the same positions ----------------------------------------------------------------

@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_crlf_gives_the_same_positions(seed):
    text = seed.read_text(encoding="utf-8")
    lf = gipcheck.check_text(text)
    for sep in ("\r\n", "\r"):
        other = gipcheck.check_text(text.replace("\n", sep))
        assert [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in other.findings] == \
               [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in lf.findings]
        assert other.facts == lf.facts


def test_locate_maps_view_spans_back():
    original = "一、概述\r\n（二）ＡＢ\r\n正文"
    src = normalize(original)
    i = src.view.index("AB")
    assert src.locate(i, i + 2) == (2, 4, 2, 6)
    nl = src.view.index("\n")
    assert src.locate(0, nl + 1) == (1, 1, 2, 1)  # a span that takes in the line end ends on the next line


def test_rule_set_cache_is_used_and_invalidated(tmp_path, monkeypatch):
    """The validated rule set is cached by the rule files' content: an edited file is validated again."""
    from gipcheck import cache, rules as rules_mod

    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    extra = tmp_path / "extra.yaml"
    extra.write_text("checks: []\n", encoding="utf-8")
    first = rules_mod.load_rules([extra])
    cached = list(tmp_path.glob("rules-*.pickle"))
    assert len(cached) == 1
    again = rules_mod.load_rules([extra])
    assert set(again.rules) == set(first.rules) and len(again.checks) == len(first.checks)
    extra.write_text("checks:\n  - {rule: GIP602, check: pattern_absent, params: {patterns: ['重复重复']}}\n", encoding="utf-8")
    # an edited file is validated again (the cached copy of the old content is not used)
    again = rules_mod.load_rules([extra])
    assert len(list(tmp_path.glob("rules-*.pickle"))) == 2
    assert len(again.checks) == len(first.checks) + 1
    monkeypatch.setenv("GIPCHECK_NO_CACHE", "1")
    assert cache.directory() is None


def test_width_folding_matches_translate_on_every_mapped_character():
    from gipcheck.normalize import _WIDTH_TABLE, _WIDTH, fold_width

    text = "".join(chr(k) for k in _WIDTH) + "普通文字ABC，。"
    assert fold_width(text) == text.translate(_WIDTH_TABLE)


def test_an_invalid_regex_in_a_rule_file_is_reported_at_load_time(tmp_path):
    import pytest

    from gipcheck.rules import RuleFileError, load_rules

    extra = tmp_path / "bad.yaml"
    extra.write_text("checks:\n  - rule: GIP602\n    check: pattern_absent\n    params: {patterns: ['bad(']}\n",
                     encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rules([extra])
    assert str(err.value).startswith(f"{extra}:2:") and "not a valid regular expression" in str(err.value)


def test_a_custom_message_may_only_use_its_rules_placeholders(tmp_path):
    import pytest

    from gipcheck.rules import RuleFileError, load_rules

    extra = tmp_path / "province.yaml"
    extra.write_text("checks:\n  - rule: GIP102\n    check: section_present\n"
                     "    message: {zh: '缺少本省要求的内容：{label}', en: 'missing: {item}'}\n"
                     "    params: {key: x, label: 政策解读, label_en: policy, headings: ['政策解读']}\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rules([extra])
    assert f"{extra}:2:" in str(err.value) and "{label}" in str(err.value) and "{item}" in str(err.value)


def test_no_finding_keeps_a_literal_placeholder():
    import re
    from pathlib import Path

    import gipcheck

    fixtures = Path(__file__).parent / "fixtures"
    for path in sorted(fixtures.glob("*/*.txt")) + sorted(fixtures.glob("formats/*.*")):
        for lang in ("zh", "en"):
            for f in gipcheck.check(path, lang=lang).findings:
                assert not re.search(r"\{\w+\}", f.message), (path.name, f.rule, f.message)
