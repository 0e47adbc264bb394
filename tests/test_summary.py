"""`gipcheck summary`: the evaluator's spreadsheet, read back as Excel users would (openpyxl)."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from gipcheck import api
from gipcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CROSS = Path(__file__).parent / "fixtures" / "real" / "cross"


def _reports(folder: Path) -> list[Path]:
    return [p for p in api.expand_paths([folder])]


def test_xlsx_of_the_examples_has_one_row_per_report(tmp_path):
    out = tmp_path / "results.xlsx"
    before = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in _reports(EXAMPLES)}
    assert main(["summary", str(EXAMPLES), "-o", str(out), "--isolated"]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "报告" and wb.sheetnames[-1] == "单位"
    rows = list(wb["报告"].iter_rows(values_only=True))
    head, body = rows[0], rows[1:]
    assert len(body) == len(before)
    assert sorted(r[head.index("文件")] for r in body) == sorted(before)
    for col in ("单位", "年度", "发布日期", "逾期天数", "错误", "新收申请", "予以公开率", "复议纠错率", "与上年重复率"):
        assert col in head
    pingtan = next(r for r in body if r[0].endswith("2023_pingtan.txt"))
    assert pingtan[head.index("新收申请")] == 81 and pingtan[head.index("予以公开")] == 22
    assert pingtan[head.index("予以公开率")] == pytest.approx(22 / 81, abs=1e-4)
    # a sheet per rule that fired, each row a finding with its place
    rule_sheets = [n for n in wb.sheetnames if n.startswith("GIP")]
    assert rule_sheets and all(len(list(wb[n].iter_rows())) > 1 for n in rule_sheets)
    assert {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in before} == before  # inputs untouched


def test_agency_sheet_lists_each_agency_across_years(tmp_path):
    out = tmp_path / "s.xlsx"
    assert main(["summary", str(CROSS), "-o", str(out), "--isolated"]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb["单位"].iter_rows(values_only=True))
    head = rows[0]
    pingtan = [r for r in rows[1:] if r[0] == "平潭综合实验区"]
    years = [r[head.index("年度")] for r in pingtan]
    assert years == sorted(years) and {2011, 2012, 2020, 2021, 2023, 2024} <= set(years)
    reports = list(wb["报告"].iter_rows(values_only=True))
    rh = reports[0]
    y2024 = next(r for r in reports[1:] if r[0].endswith("2024_pingtanzonghe.txt"))
    assert y2024[rh.index("与上年重复率")] is not None and y2024[rh.index("与上年重复率")] < 0.5
    assert y2024[rh.index("GIP702")] == 1  # the cross-report finding is counted with the others


def test_csv_and_json_and_english(tmp_path):
    assert main(["summary", str(CROSS), "-o", str(tmp_path / "s.csv"), "--lang", "en", "--isolated"]) == 0
    with open(tmp_path / "s.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["file", "agency", "year"] and len(rows) == 1 + len(_reports(CROSS))
    assert main(["summary", str(CROSS), "-o", str(tmp_path / "s.json"), "--isolated"]) == 0
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert set(data) == {"reports", "by_rule", "by_agency"}
    assert [x["agency"] for x in data["by_rule"]["GIP704"]] == ["平潭县人民政府"]


def test_api_records_are_plain_data():
    data = api.summary_records([CROSS / "2023_pingtanzonghe.txt", CROSS / "2024_pingtanzonghe.txt"])
    json.dumps(data, ensure_ascii=False)  # nothing but plain values
    rec = data["reports"][1]
    assert rec["agency"] == "平潭综合实验区" and rec["year"] == 2024 and rec["rules"]["GIP702"] == 1


def test_bad_output_suffix_is_a_usage_error(tmp_path, capsys):
    assert main(["summary", str(CROSS), "-o", str(tmp_path / "s.txt")]) == 2
    assert "s.txt" in capsys.readouterr().err
