"""The report's tables as numbers (facts.tables) and the PrescribedTable view: what evaluators
read in batch. The same numbers must come out whatever layout or format the table arrived in."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gipcheck
from gipcheck.api import Options, check_extracted
from gipcheck.read.base import Extracted

FIX = Path(__file__).parent / "fixtures"


def test_table_three_and_four_as_numbers():
    t = gipcheck.check(FIX / "reports" / "2023_pingtan.txt").facts["tables"]
    assert t["t3"]["new"] == {"np": 80, "biz": 1, "sci": 0, "ngo": 0, "law": 0, "oth": 0, "total": 81}
    assert t["t3"]["r6_1"]["total"] == 1 and t["t3"]["carry_out"]["total"] == 0
    assert t["t4"]["rev"] == {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2}
    assert t["t4"]["lit_direct"]["total"] + t["t4"]["lit_after"]["total"] == 7
    assert t["t2"]["第二十条第(五)项"]["行政许可"]["本年处理决定数量"] == 2629


def test_blank_cells_are_null_not_zero():
    t = gipcheck.check(FIX / "reports" / "2019_shanghai_bangongting.txt").facts["tables"]
    assert t["t3"]["r1"] == {"np": 258, "biz": 12, "sci": None, "ngo": None, "law": 1, "oth": 1, "total": None}
    assert t["t3"]["r7"]["total"] == 805


def test_2008_statistics_table_as_numbers():
    t = gipcheck.check(FIX / "seeds" / "002_871b05a060ee8a47.txt").facts["tables"]
    assert t["stats"]["主动公开文件数"] == {"2017": 17, "历年累计": 192}
    assert gipcheck.check(FIX / "seeds" / "000_a421f33a1e233292.txt").facts["tables"] == {}


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_the_same_numbers_from_every_format(fmt):
    path = FIX / "formats" / f"002_871b05a060ee8a47.{fmt}"
    if not path.exists():
        pytest.skip(f"no {fmt} fixture")
    text_numbers = gipcheck.check(FIX / "seeds" / "002_871b05a060ee8a47.txt").facts["tables"]["stats"]
    got = gipcheck.check(path).facts["tables"]["stats"]
    assert {k.replace(":", "").replace("：", ""): v for k, v in got.items()} == \
        {k.replace(":", "").replace("：", ""): v for k, v in text_numbers.items()}


def test_prescribed_table_view_for_library_users():
    from gipcheck.engine import analyse
    from gipcheck.tables import build

    rs = gipcheck.api.rules()
    doc, facts = analyse(Extracted(text=(FIX / "reports" / "2023_pingtan.txt").read_text(encoding="utf-8")), rs)
    views = build(doc, rs.tables_for("gip-2021"))
    t3 = views.get("t3")
    assert t3.value("new", "total") == 81 and t3.value("r7", "np") == 80
    cell = t3.cell("carry_in", "total")
    line, col, _, _ = doc.locate(cell.span)
    assert doc.source.original_lines()[line - 1].startswith("二、上年结转") and col > 1


def test_tables_appear_in_the_json_contract():
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "--format", "json",
                           str(FIX / "reports" / "2023_pingtan.txt")], capture_output=True, text=True)
    facts = json.loads(proc.stdout)["files"][0]["facts"]
    assert facts["tables"]["t3"]["new"]["total"] == 81
