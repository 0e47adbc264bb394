"""Write the evaluator's summary (``gipcheck summary``) as xlsx (openpyxl), csv or json.

xlsx: a sheet 报告 with one row per report (counts per rule as extra columns), a sheet per
rule with its findings, and a sheet 单位 with each agency's reports across years. csv: the
报告 sheet alone. json: the plain records of :func:`gipcheck.cross.records.records`.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..cross.records import COLUMNS, FINDING_COLUMNS

SHEETS = {"zh": {"reports": "报告", "agencies": "单位"}, "en": {"reports": "reports", "agencies": "agencies"}}


def _headers(cols: list[tuple[str, str, str]], lang: str) -> list[str]:
    return [en if lang == "en" else zh for _k, zh, en in cols]


def _rule_ids(data: dict[str, Any]) -> list[str]:
    return sorted({rid for rec in data["reports"] for rid in rec["rules"]})


def _report_rows(data: dict[str, Any], lang: str) -> tuple[list[str], list[list[Any]]]:
    rids = _rule_ids(data)
    head = _headers(COLUMNS, lang) + rids
    rows = [[rec[k] for k, _zh, _en in COLUMNS] + [rec["rules"].get(r, 0) for r in rids] for rec in data["reports"]]
    return head, rows


def write(data: dict[str, Any], path: Path, lang: str = "zh") -> None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    elif suffix == ".csv":
        head, rows = _report_rows(data, lang)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(head)
        w.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8-sig")  # the BOM makes Excel read it as UTF-8
    elif suffix == ".xlsx":
        _write_xlsx(data, path, lang)
    else:
        raise ValueError(suffix)


def _write_xlsx(data: dict[str, Any], path: Path, lang: str) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # rows stream to disk: thousands of reports stay small
    names = SHEETS[lang]
    ws = wb.create_sheet(names["reports"])
    head, rows = _report_rows(data, lang)
    ws.append(head)
    for row in rows:
        ws.append(row)
    for rid, items in data["by_rule"].items():
        ws = wb.create_sheet(rid)
        ws.append(_headers(FINDING_COLUMNS, lang))
        for it in items:
            ws.append([it[k] for k, _zh, _en in FINDING_COLUMNS])
    ws = wb.create_sheet(names["agencies"])
    cols = [c for c in COLUMNS if c[0] not in ("agency",)]
    ws.append([_headers([("agency", "单位", "agency")], lang)[0]] + _headers(cols, lang))
    for key, recs in data["by_agency"].items():
        for rec in recs:
            ws.append([rec["agency"] or key] + [rec[k] for k, _zh, _en in cols])
    wb.save(path)
