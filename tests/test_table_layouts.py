"""Issue 4: one table 三/四 rendered into every supported text layout gives the same cells and
the same findings; a consistent table gives no GIP404/405, one changed cell gives exactly the
expected finding (hypothesis over the data)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

import gipcheck
from gipcheck.api import Options, check_extracted
from gipcheck.read.base import Extracted, SourceTable

LEAF = [
    ("三、本年度办理结果", "（一）予以公开"), ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("（三）不予公开", "1.属于国家秘密"), ("", "2.其他法律行政法规禁止公开"), ("", "3.危及“三安全一稳定”"),
    ("", "4.保护第三方合法权益"), ("", "5.属于三类内部事务信息"), ("", "6.属于四类过程性信息"),
    ("", "7.属于行政执法案卷"), ("", "8.属于行政查询事项"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息"), ("", "2.没有现成信息需要另行制作"), ("", "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "1.信访举报投诉类申请"), ("", "2.重复申请"), ("", "3.要求提供公开出版物"),
    ("", "4.无正当理由大量反复申请"), ("", "5.要求行政机关确认或重新出具已获取信息"),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"), ("", "3.其他"),
]
HEAD = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]


def table_rows(leaf_values: list[list[int]], carry_in: list[int]) -> list[list[str]]:
    """Rows of table 三 (as cell lists) for leaf values (21 rows × 6 columns)."""
    col_sums = [sum(r[j] for r in leaf_values) for j in range(6)]
    carry_out = [0] * 6
    new = [col_sums[j] + carry_out[j] - carry_in[j] for j in range(6)]
    def row(label: list[str], vals: list[int]) -> list[str]:
        return [x for x in label if x] + [str(v) for v in vals] + [str(sum(vals))]
    rows = [h[:] for h in HEAD]
    rows.append(row(["一、本年新收政府信息公开申请数量"], new))
    rows.append(row(["二、上年结转政府信息公开申请数量"], carry_in))
    for (group, leaf), vals in zip(LEAF, leaf_values):
        rows.append(row([group, leaf], vals))
    rows.append(row(["（七）总计"], col_sums))
    rows.append(row(["四、结转下年度继续办理"], carry_out))
    return rows


def render(rows: list[list[str]], layout: str) -> tuple[str, list[SourceTable]]:
    intro = "某区统计局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
    if layout == "pipe":
        body = "\n".join(" | ".join(r) for r in rows)
    elif layout == "tabs":
        body = "\n".join("\t".join(r) for r in rows)
    elif layout == "spaces":
        body = "\n".join("    ".join(r) for r in rows)
    elif layout == "cells":  # one cell per line, as some PDF and web extractions give
        body = "\n".join(c for r in rows for c in r)
    elif layout == "cells-blank-rows":  # …with a blank line between rows
        body = "\n\n".join("\n".join(r) for r in rows)
    elif layout == "grid":  # what the docx/html/pdf adapters produce
        body = "\n".join(" | ".join(r) for r in rows)
        return intro + body + "\n", [SourceTable(first_line=3, rows=rows)]
    else:
        raise ValueError(layout)
    return intro + body + "\n", []


LAYOUTS = ["pipe", "tabs", "spaces", "grid", "cells", "cells-blank-rows"]
SELECT = ["GIP403", "GIP404", "GIP405", "GIP408"]


def findings(text: str, tables: list[SourceTable]) -> list[tuple[str, str]]:
    opts = Options(profile="gip-2021", selection=gipcheck.engine.Selection(select=SELECT))
    res = check_extracted(Extracted(text=text, tables=tables), "<t>", opts)
    return sorted((f.rule, f.message) for f in res.findings)


values = st.lists(st.lists(st.integers(0, 30), min_size=6, max_size=6), min_size=21, max_size=21)
carry = st.lists(st.integers(0, 5), min_size=6, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, carry)
def test_consistent_table_is_clean_in_every_layout(leaf, carry_in):
    rows = table_rows(leaf, carry_in)
    for layout in LAYOUTS:
        assert findings(*render(rows, layout)) == [], layout


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, carry, st.integers(0, 20), st.integers(0, 5), st.integers(1, 9))
def test_one_changed_cell_gives_the_same_finding_in_every_layout(leaf, carry_in, r, c, delta):
    rows = table_rows(leaf, carry_in)
    # change one leaf cell of result row r (rows: 3 header + new + carry_in + 21 leaf rows)
    target = rows[5 + r]
    col = len(target) - 7 + c
    target[col] = str(int(target[col]) + delta)
    results = {layout: findings(*render(rows, layout)) for layout in LAYOUTS}
    first = results["pipe"]
    assert all(v == first for v in results.values()), results
    rules = [rule for rule, _ in first]
    # the row's own total and the column's (七)总计 no longer add up: two GIP404 findings
    assert rules.count("GIP404") == 2, first
    assert "GIP405" not in rules


def test_changed_total_breaks_the_balance():
    rows = table_rows([[1, 0, 0, 0, 0, 0]] * 21, [0] * 6)
    new_row = rows[3]
    new_row[1] = str(int(new_row[1]) + 1)  # 自然人 of 本年新收
    new_row[-1] = str(int(new_row[-1]) + 1)  # keep its own total right
    got = [rule for rule, _ in findings(*render(rows, "pipe"))]
    assert got.count("GIP405") == 2  # the 自然人 column and the 总计 column


def test_digits_run_together_is_unreadable_not_a_sum_error():
    text = ("某区统计局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量 3100004\n二、上年结转政府信息公开申请数量 000000\n"
            "（一）予以公开 2100003\n（七）总计 3100004\n四、结转下年度继续办理 0000000\n")
    got = [rule for rule, _ in findings(text, [])]
    assert "GIP408" in got and "GIP404" not in got and "GIP405" not in got


def test_one_cell_per_line_labels_are_not_headings():
    """Row labels such as 一、本年新收… or （一）予以公开 inside a flattened table are table
    cells: they must not enter the section tree (no false numbering finding)."""
    rows = table_rows([[1, 0, 0, 0, 0, 0]] * 21, [0] * 6)
    for layout in ("cells", "cells-blank-rows"):
        text, _ = render(rows, layout)
        res = check_extracted(Extracted(text=text), "<t>", Options(profile="gip-2021"))
        # the test document starts at section 三: that (line 2) is the only numbering finding
        assert [(f.rule, f.line) for f in res.findings if f.rule == "GIP104"] == [("GIP104", 2)], layout
        assert [h.title for h in gipcheck.parse(text).headings] == ["收到和处理政府信息公开申请情况"], layout
