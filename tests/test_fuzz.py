"""A fuzz suite that stays: report-shaped text through the whole pipeline, and bytes through
every reader. No exception escapes, no GIP005 (a check that crashed), every location lies
inside the document, and no input takes long.

The normal suite runs a few dozen inputs per property; the long run is

    .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py --hypothesis-profile=long

(25,000 inputs per property, ≥ 100,000 in all).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import gipcheck
from gipcheck import api
from gipcheck.read import InputError, read_bytes

from test_properties import FRAGMENTS, assert_positions, original_lines

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SLOW = 20.0  # CPU seconds: no single small input may take this long (the time budget is 60 s)
_PROGRESS = os.environ.get("GIPCHECK_FUZZ_PROGRESS")  # a file: the long run appends a count per 1,000 inputs
_seen = [0]


def _tick() -> None:
    _seen[0] += 1
    if _PROGRESS and _seen[0] % 1000 == 0:
        with open(_PROGRESS, "a", encoding="utf-8") as fh:
            fh.write(f"{time.time():.0f} {_seen[0]}\n")


def _examples(normal: int):
    """The profile's count in the long run, a small one in the normal suite."""
    if settings._current_profile == "long":  # noqa: SLF001 - hypothesis keeps no public name for it
        return settings()
    return settings(max_examples=normal)


# report-shaped text: headings, table rows, dates, phones, and the characters that break things
SHAPES = FRAGMENTS + [
    "一、总体情况\n", "二、主动公开政府信息情况\n", "三、收到和处理政府信息公开申请情况\n", "（一）予以公开 | 3 | 1 | 0 | 4\n",
    "第二十条第（一）项\n", "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n", "规章 | 0 | 0 | 2\n",
    "总计 | 1 | 2 | 3 | 4 | 5 | 6 | 21\n", "电话：0591-87654321", "联系电话: (0598)8328341", "传真 0591 8765 4321",
    "2021年1月1日至2021年12月31日", "二〇二二年一月二十日", "2022年1月", "\ufeff", "\ufeff一、", "\ufffe", "\x00\x00",
    "\u2028一、", "\ud83d", "\udc00", "\U0010ffff", "表1", "附表：", "政府信息公开工作年度报告\n", "某某县人民政府办公室\n",
]
report_text = st.lists(st.one_of(st.sampled_from(SHAPES), st.text(max_size=12)), max_size=80).map("".join)


def _check_text(text: str):
    _tick()
    start = time.process_time()  # CPU time: a busy machine must not fail the bound
    result = gipcheck.check_text(text)
    assert time.process_time() - start < SLOW
    assert "GIP005" not in [f.rule for f in result.findings], [f.message for f in result.findings]
    assert_positions(text, result.findings)
    assert result.lines == original_lines(text)
    return result


@_examples(40)
@given(report_text)
def test_report_shaped_text(text: str) -> None:
    _check_text(text)


@_examples(20)
@given(report_text, st.sampled_from(["gip-2008", "gip-2019", "gip-2021"]))
def test_report_shaped_text_under_each_profile(text: str, profile: str) -> None:
    _tick()
    result = gipcheck.check_text(text, profile=profile)
    assert "GIP005" not in [f.rule for f in result.findings], [f.message for f in result.findings]
    assert_positions(text, result.findings)


_SAMPLES = {ext: (FORMATS / f"002_871b05a060ee8a47.{ext}").read_bytes() for ext in ("docx", "html", "pdf")}
_MAGIC = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html><body>", b"\xef\xbb\xbf",
          b"\xff\xfe", b"<?xml version='1.0'?>", b"<meta charset='undefined'>"]


def _through_the_pipeline(data: bytes, name: str) -> None:
    _tick()
    start = time.process_time()
    try:
        extracted = read_bytes(data, name)
    except InputError as err:
        assert "\n" not in err.message_en and name in err.message_en
        assert "\n" not in err.message_zh
        return
    if extracted.line_sources is not None and extracted.text:  # an empty page may have no line at all
        assert len(extracted.line_sources) == len(extracted.text.split("\n"))
    result = api.check_extracted(extracted, name)
    assert "GIP005" not in [f.rule for f in result.findings], [f.message for f in result.findings]
    assert_positions(extracted.text, [f for f in result.findings if f.rule != "GIP002"])
    assert time.process_time() - start < SLOW


@_examples(30)
@given(st.sampled_from(_MAGIC), st.binary(max_size=2000), st.sampled_from(["x.txt", "x.html", "x.pdf", "x.docx", "x.odt", "x"]))
def test_bytes_through_every_reader(magic: bytes, rest: bytes, name: str) -> None:
    _through_the_pipeline(magic + rest, name)


@_examples(30)
@given(st.sampled_from(sorted(_SAMPLES)),
       st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=16)), min_size=1, max_size=6), st.floats(0.02, 1.0))
def test_damaged_real_files(ext: str, cuts, keep: float) -> None:
    data = bytearray(_SAMPLES[ext][: max(16, int(len(_SAMPLES[ext]) * keep))])
    for where, junk in cuts:
        i = int(where * (len(data) - 1))
        data[i: i + len(junk)] = junk
    _through_the_pipeline(bytes(data), f"fuzz.{ext}")


def test_the_long_profile_reaches_100k() -> None:
    """Four properties at the long profile's 25,000 each: the long run is ≥ 100,000 inputs."""
    from hypothesis import settings as s

    assert s.get_profile("long").max_examples * 4 >= 100_000
    assert os.path.basename(__file__) == "test_fuzz.py"
