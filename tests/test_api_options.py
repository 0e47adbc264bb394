"""The library API does not guess (issue 11, point 7): a string that names a file is a path,
check_text takes the options check takes, and unknown profiles, languages or rules raise."""
from __future__ import annotations

import typing
from pathlib import Path

import pytest

import gipcheck
from gipcheck.api import names_a_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value", ["examples/2023_pingtan.tx", "examples/missing.docx", "年报.pdf",
                                   "reports/2023/县民政局年报.doc", str(ROOT / "examples" / "2023_pingtan.txt")])
def test_strings_that_name_a_path_are_paths(value):
    assert names_a_path(value)


@pytest.mark.parametrize("value", ["推进信息公开公开。", "一、概述\n二、主动公开", "本报告/附件中所列数据，统计期限为全年。", "0/", "甲/乙", ""])
def test_report_text_is_text(value):
    assert not names_a_path(value)


def test_a_mistyped_path_is_gip001_not_a_report_about_nothing():
    result = gipcheck.check("examples/2023_pingtan.tx")
    assert [f.rule for f in result.findings] == ["GIP001"]
    assert "2023_pingtan.tx" in result.findings[0].message and result.findings[0].basis


def test_check_text_takes_the_options_check_takes():
    text = "推进信息公开公开。全面梳理事项,,进一步调整。\n"
    assert {f.rule for f in gipcheck.check_text(text, select=["repeated-word"]).findings} == {"GIP602"}
    assert "GIP602" not in {f.rule for f in gipcheck.check_text(text, ignore=["GIP6"]).findings}
    sev = gipcheck.check_text(text, select=["GIP602"], severity={"GIP602": "error"}).findings
    assert [f.severity for f in sev] == ["error"]
    assert gipcheck.check_text(text, lang="en", select=["GIP602"]).findings[0].message.startswith("Repeated word")
    assert gipcheck.check_text.__doc__ and "same options" in gipcheck.check_text.__doc__


@pytest.mark.parametrize("kwargs,word", [({"profile": "gip-2030"}, "gip-2030"), ({"lang": "fr"}, "fr"),
                                         ({"select": ["GIP999"]}, "GIP999"), ({"ignore": ["titel-missing"]}, "title-missing"),
                                         ({"severity": {"GIP602": "fatal"}}, "fatal")])
def test_unknown_values_raise(kwargs, word):
    with pytest.raises(ValueError, match=word):
        gipcheck.check_text("一、概述\n", **kwargs)
    with pytest.raises(ValueError):
        gipcheck.check("一、概述\n", **kwargs)


def test_options_and_selection_are_exported_and_severities_are_a_literal():
    opts = gipcheck.options(select=["title-missing"], severity={"GIP101": "info"})
    assert isinstance(opts, gipcheck.Options) and isinstance(opts.selection, gipcheck.Selection)
    assert opts.selection.select == ["GIP101"] and opts.selection.severity_for("GIP101") == "info"
    assert set(typing.get_args(gipcheck.Severity)) == {"error", "warning", "info"}
    with pytest.raises(ValueError):
        gipcheck.Options(profile="gip-2030")
