"""Cross-report rules (GIP701–GIP704) on real reports of one agency across years, and of two
agencies of one place (tests/fixtures/real/cross/README says where each text came from)."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from gipcheck import api
from gipcheck.cross.stage import Batch
from gipcheck.cross.identity import agency_key
from gipcheck.read import Extracted

REAL = Path(__file__).parent / "fixtures" / "real" / "cross"
OPTS = api.Options(cross=True)


def _check(*paths: Path, previous: dict[str, str] | None = None):
    results = [api.check_file(p, OPTS) for p in paths]
    api.cross_check(results, OPTS, previous)
    return results


def _rules(result, prefix="GIP7"):
    return [f for f in result.findings if f.rule.startswith(prefix)]


@pytest.mark.parametrize("before,after", [("2011", "2012"), ("2020", "2021"), ("2023", "2024")])
def test_honest_successor_is_not_a_copy(before, after):
    prev, now = _check(REAL / f"{before}_pingtanzonghe.txt", REAL / f"{after}_pingtanzonghe.txt")
    assert now.summary.agency_key == prev.summary.agency_key
    assert not [f for f in _rules(now) if f.rule in ("GIP701", "GIP703", "GIP704")]
    assert not _rules(prev)  # the earlier report has no previous year in the run


def test_in_force_count_that_does_not_follow_from_last_year():
    _prev, now = _check(REAL / "2023_pingtanzonghe.txt", REAL / "2024_pingtanzonghe.txt")
    (f,) = [f for f in _rules(now) if f.rule == "GIP702"]
    assert f.severity == "warning"
    assert "440" in f.message and "470" in f.message and "499" in f.message
    assert "行政规范性文件" in now.lines[f.line - 1]


def test_in_force_count_explained_by_the_text_is_info(tmp_path):
    text = (REAL / "2024_pingtanzonghe.txt").read_text(encoding="utf-8")
    explained = tmp_path / "2024.txt"
    explained.write_text(text.replace("二、主动公开政府信息情况", "二、主动公开政府信息情况\n本年度对行政规范性文件进行了全面清理，现行有效件数以本年度报告为准。", 1),
                         encoding="utf-8")
    _prev, now = _check(REAL / "2023_pingtanzonghe.txt", explained)
    (f,) = [f for f in _rules(now) if f.rule == "GIP702"]
    assert f.severity == "info"


def _next_year(text: str, year: int) -> str:
    """The same report one year on: every year moved by one (the figures left as they were)."""
    return re.sub(r"(?<!\d)(20\d\d)(?!\d)", lambda m: str(int(m.group(1)) + 1) if int(m.group(1)) in (year, year - 1) else m.group(1), text)


def test_copy_of_last_year_with_only_the_year_changed(tmp_path):
    text = (REAL / "2023_pingtanzonghe.txt").read_text(encoding="utf-8")
    copy = tmp_path / "2024_copy.txt"
    copy.write_text(_next_year(text, 2023), encoding="utf-8")
    prev, now = _check(REAL / "2023_pingtanzonghe.txt", copy)
    (f,) = [f for f in _rules(now) if f.rule == "GIP703"]
    rate = int(re.search(r"(\d+)%", f.message).group(1))
    assert rate >= 90, f.message
    assert "只改了年份" in f.message and "2023_pingtanzonghe.txt" in f.message
    assert f.line > 1  # placed on the first copied passage, not on a blank line 1
    batch = Batch([prev.summary, now.summary])
    assert batch.repeat_rate(now.summary) >= 0.9


def test_carry_over_mismatch_in_a_built_second_year(tmp_path):
    text = (REAL / "2023_pingtanzonghe.txt").read_text(encoding="utf-8")
    nxt = _next_year(text, 2023)
    row = re.search(r"^.*上年结转.*$", nxt, re.M).group(0)
    cells = row.split("|")
    assert [c.strip() for c in cells[1:]] == ["0"] * 7  # the real 2023 report carried nothing over
    cells[1], cells[-1] = " 3 ", " 3"  # 自然人 and 总计: 3 carried in, where 2023 carried out 0
    changed = "|".join(cells)
    second = tmp_path / "2024_built.txt"
    second.write_text(nxt.replace(row, changed), encoding="utf-8")
    _prev, now = _check(REAL / "2023_pingtanzonghe.txt", second)
    (f,) = [f for f in _rules(now) if f.rule == "GIP701"]
    assert "自然人 3（上年报告 0）" in f.message and "总计 3（上年报告 0）" in f.message
    assert "上年结转" in now.lines[f.line - 1]
    en = api.check_file(second, api.Options(cross=True, lang="en"))
    prev_en = api.check_file(REAL / "2023_pingtanzonghe.txt", api.Options(cross=True, lang="en"))
    api.cross_check([prev_en, en], api.Options(cross=True, lang="en"))
    (g,) = [g for g in en.findings if g.rule == "GIP701"]
    assert "natural persons 3" in g.message and not re.search(r"[\u4e00-\u9fff]{2}", g.message.split("(")[0])


def test_real_copy_between_two_agencies_of_one_place():
    county, zone = _check(REAL / "2011_pingtanxian.txt", REAL / "2011_pingtanzonghe.txt")
    assert county.summary.agency_key != zone.summary.agency_key
    (f,) = [f for f in _rules(county) if f.rule == "GIP704"]
    assert "平潭综合实验区" in f.message and "2011_pingtanzonghe.txt" in f.message
    # the zone's report was published first: it is the source, not the copy
    assert not _rules(zone, "GIP704")


def test_big_batches_find_the_same_copy_through_minhash_lsh(monkeypatch):
    """Past SMALL_BATCH reports, candidate pairs come from MinHash LSH (datasketch) and the
    template from numpy; the copy found must be the one the exact comparison finds."""
    from gipcheck.cross import stage

    monkeypatch.setattr(stage, "SMALL_BATCH", 0)
    county, zone = _check(REAL / "2011_pingtanxian.txt", REAL / "2011_pingtanzonghe.txt")
    assert [f.rule for f in _rules(county, "GIP704")] == ["GIP704"] and not _rules(zone, "GIP704")


def test_previous_named_by_the_user_is_context_not_judged(tmp_path):
    prev, now = _check(REAL / "2023_pingtanzonghe.txt", REAL / "2024_pingtanzonghe.txt",
                       previous={str(REAL / "2024_pingtanzonghe.txt"): str(REAL / "2023_pingtanzonghe.txt")})
    assert [f.rule for f in _rules(now)] == ["GIP702"]
    assert not _rules(prev)


def test_template_shared_by_many_agencies_is_not_copied_text():
    """Sentences found in three agencies' reports are template: they never count as copied."""
    body = "本单位坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。"
    texts = {name: f"{name}2023年政府信息公开工作年度报告\n一、总体情况\n{body}\n{own}\n"
             for name, own in (("某县教育局", "全年公开招生政策、学区划分和教师招聘信息共计86条，新增了义务教育入学专栏，按月更新学位余量。"),
                               ("某县卫健委", "全年公开医疗机构执业登记、传染病疫情和卫生监督抽检信息共计64条，并在每家乡镇卫生院设立公开栏。"),
                               ("某县民政局", "全年公开低保、特困供养和临时救助对象名单共计12批次，按季度公开救助资金发放情况和养老机构评估结果。"))}
    results = [api.check_extracted(Extracted(text=t), f"{n}.txt", OPTS) for n, t in texts.items()]
    api.cross_check(results, OPTS)
    assert not [f for r in results for f in r.findings if f.rule == "GIP704"]


@pytest.mark.parametrize("a,b", [("某区人民政府办公室", "某区政府办"), ("平潭综合实验区管委会", "平潭综合实验区"),
                                 ("某市人民政府", "某市政府")])
def test_agency_spellings_meet(a, b):
    forms = api.rules().vocabulary["cross"]["agency_forms"]
    assert agency_key(a, forms) == agency_key(b, forms)


def test_different_agencies_stay_apart():
    forms = api.rules().vocabulary["cross"]["agency_forms"]
    assert agency_key("平潭县人民政府", forms) != agency_key("平潭综合实验区", forms)
    assert agency_key("某区统计局", forms) != agency_key("某区教育局", forms)


def test_summary_is_small():
    """What the batch keeps per report is a few KB, never the document."""
    import pickle

    r = api.check_file(REAL / "2023_pingtanzonghe.txt", OPTS)
    size = len(pickle.dumps(r.summary))
    text = (REAL / "2023_pingtanzonghe.txt").stat().st_size
    assert size < max(20_000, text // 2), size


# -- through the command line and the run layer ----------------------------------------------

def _cli_json(capsys, *argv):
    import json as _json

    from gipcheck.cli import main

    code = main(["check", *argv, "--format", "json", "--isolated"])
    return code, _json.loads(capsys.readouterr().out)


def test_cli_previous_gives_a_draft_its_last_year(capsys):
    code, out = _cli_json(capsys, str(REAL / "2024_pingtanzonghe.txt"), "--previous", str(REAL / "2023_pingtanzonghe.txt"))
    # last year's report is context only: every entry (the file's, then its batch stage) is the draft's
    assert {f["path"] for f in out["files"]} == {str(REAL / "2024_pingtanzonghe.txt")}
    assert [f.get("stage", "file") for f in out["files"]] == ["file", "batch"]
    rules = [g["rule"] for f in out["files"] for g in f["findings"]]
    assert rules.count("GIP702") == 1


def test_cli_batch_finds_histories_by_itself_in_any_job_count(capsys, tmp_path):
    for name in ("2023_pingtanzonghe.txt", "2024_pingtanzonghe.txt", "2011_pingtanxian.txt", "2011_pingtanzonghe.txt"):
        (tmp_path / name).write_bytes((REAL / name).read_bytes())
    seen = []
    for jobs in ("1", "2"):
        _code, out = _cli_json(capsys, str(tmp_path), "-j", jobs)
        seen.append(sorted((Path(f["path"]).name, g["rule"]) for f in out["files"] for g in f["findings"]
                           if g["rule"].startswith("GIP7")))
    assert seen[0] == seen[1] == [("2011_pingtanxian.txt", "GIP704"), ("2024_pingtanzonghe.txt", "GIP702")]


def test_cli_jsonl_streams_cross_report_findings_last(capsys, tmp_path):
    import json as _json

    from gipcheck.cli import main

    for name in ("2023_pingtanzonghe.txt", "2024_pingtanzonghe.txt"):
        (tmp_path / name).write_bytes((REAL / name).read_bytes())
    main(["check", str(tmp_path), "--format", "jsonl", "--isolated"])
    lines = [_json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    files = [x for x in lines if "findings" in x]
    assert [x.get("stage", "file") for x in files][-1] == "batch"
    assert [g["rule"] for g in files[-1]["findings"]] == ["GIP702"]


def test_ignoring_a_cross_report_rule_and_english(capsys):
    _code, out = _cli_json(capsys, str(REAL / "2024_pingtanzonghe.txt"), "--previous", str(REAL / "2023_pingtanzonghe.txt"),
                           "--ignore", "GIP702")
    assert not [g for f in out["files"] for g in f["findings"] if g["rule"].startswith("GIP7")]
    _code, out = _cli_json(capsys, str(REAL / "2024_pingtanzonghe.txt"), "--previous", str(REAL / "2023_pingtanzonghe.txt"),
                           "--lang", "en")
    (g,) = [g for f in out["files"] for g in f["findings"] if g["rule"] == "GIP702"]
    assert g["message"].startswith("normative documents in force") and g["basis"].startswith("Unified")


def test_missing_previous_is_a_usage_error(capsys):
    from gipcheck.cli import main

    assert main(["check", str(REAL / "2024_pingtanzonghe.txt"), "--previous", str(REAL / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_api_run_merges_cross_report_findings_into_their_files():
    run = api.run([REAL / "2023_pingtanzonghe.txt", REAL / "2024_pingtanzonghe.txt"], jobs=1)
    by_name = {Path(f.path).name: [g.rule for g in f.findings] for f in run.files}
    assert "GIP702" in by_name["2024_pingtanzonghe.txt"] and len(run.files) == 2
    alone = api.run([REAL / "2023_pingtanzonghe.txt", REAL / "2024_pingtanzonghe.txt"], jobs=1, cross_report=False)
    assert not [g for f in alone.files for g in f.findings if g.rule.startswith("GIP7")]


def test_copy_findings_are_bounded_by_max_reports():
    """A report sharing its text with more reports than GIP704's max_reports gets that many findings
    (those it shares most with), the last naming how many more there were."""
    own = ("全年公开低保、特困供养和临时救助对象名单共计12批次，按季度公开救助资金发放情况和养老机构评估结果。"
           "我局在每个乡镇民政办设立了公开栏，每月更新一次救助对象的变动情况，接受群众监督。"
           "针对群众关心的养老服务补贴，我局编写了办事指南并在政务服务网同步发布。")
    texts = {"copy.txt": f"某县民政局2023年政府信息公开工作年度报告\n一、总体情况\n{own}\n"}
    for year in range(2014, 2022):  # one other agency's eight years, all with the same text
        texts[f"other{year}.txt"] = f"某市民政局{year}年政府信息公开工作年度报告\n一、总体情况\n{own}\n"
    results = [api.check_extracted(Extracted(text=t), name, OPTS) for name, t in texts.items()]
    api.cross_check(results, OPTS)
    found = [f for f in results[0].findings if f.rule == "GIP704"]
    assert len(found) == 5
    assert sum("另有 3 份其他单位的报告" in f.message for f in found) == 1
    assert all("另有" not in f.message for r in results[1:] for f in r.findings if f.rule == "GIP704")


def _variants(n: int = 36, seed: int = 3) -> dict[str, str]:
    """Copies of the real texts, each under an agency name of its own, with a share of their
    sentences dropped: every copy shares passages with the other copies of its text."""
    rnd = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted(REAL.glob("*.txt"))]
    out = {}
    for i in range(n):
        agency = f"某{i:02d}县第{i % 5}局"
        text = re.sub(r"^[^\n]{0,40}?((?:19|20)\d\d)\s*年", lambda m: f"{agency}{m.group(1)}年",
                      texts[i % len(texts)], count=1)
        out[f"r{i:02d}.txt"] = "".join(p for p in re.split(r"(?<=。)", text) if "\n" in p or rnd.random() > 0.4)
    return out


def test_the_exact_index_finds_every_copy_minhash_lsh_finds(monkeypatch):
    """Up to SMALL_BATCH reports candidate pairs come from an exact index of own sentences, above it
    from MinHash LSH (and the template from numpy): every GIP704 finding of the LSH path is one of the
    exact path's, word for word, and the exact path misses none."""
    from gipcheck.cross import stage

    results = [api.check_extracted(Extracted(text=t), name, OPTS) for name, t in _variants().items()]
    summaries = [r.summary for r in results]

    def copies() -> set[tuple[str, str]]:
        found = stage.cross_findings(summaries, api.rules())
        return {(path, f.message) for path, fs in found.items() for f in fs if f.rule == "GIP704"}

    exact = copies()
    monkeypatch.setattr(stage, "SMALL_BATCH", 0)
    lsh = copies()
    assert len(lsh) >= 10  # the copies are found at all
    assert lsh <= exact


def _summary(path: str, agency: str | None, keys: list[int], boiler: list[int] | None = None,
             lengths: list[int] | None = None):
    from array import array

    from gipcheck.cross.sentences import Sentences
    from gipcheck.cross.summary import ReportSummary

    n = len(keys)
    # one key, one length: a key is the hash of one sentence's comparable text
    s = Sentences(array("q", keys), array("I", lengths or [12 + abs(k) * 3 for k in keys]), array("I", range(n)),
                  array("I", range(1, n + 1)), array("b", boiler or [0] * n))
    return ReportSummary(path, agency, agency, 2023, "gip-2021", sentences=s)


_reports = st.lists(st.tuples(st.sampled_from(["甲", "乙", "丙", "丁", None]),
                              st.lists(st.integers(-8, 8), max_size=8)), min_size=2, max_size=12)


@settings(max_examples=200, deadline=None)
@given(_reports, st.integers(1, 4), st.sampled_from([0.0, 0.1, 0.3, 0.5, 1.0]))
def test_the_exact_search_misses_no_pair_that_can_make_the_share(reports, min_agencies, min_share):
    """The exact look-alike search gives, in the order of a loop over all pairs, pairs of signed reports
    of two agencies with an own sentence in common (template and built-in boilerplate aside), among them
    every pair in which one report's own text is shared to ``min_share`` or more (0: every such pair)."""
    rs = [_summary(f"r{i:02d}", a, keys, [int(k == 0) for k in keys]) for i, (a, keys) in enumerate(reports)]
    batch = Batch(rs)
    template = batch.template(min_agencies)
    signed = [r for r in rs if r.agency_key]

    def share(a, b) -> float:
        own = [i for i in range(len(a.sentences)) if a.sentences.key[i] != 0 and a.sentences.key[i] not in template]
        theirs = {k for k in b.sentences.key if k != 0 and k not in template}
        total = sum(a.sentences.length[i] for i in own)
        return sum(a.sentences.length[i] for i in own if a.sentences.key[i] in theirs) / total if total else 0.0

    candidates = [(i, j) for i, a in enumerate(signed) for j, b in enumerate(signed)
                  if i < j and a.agency_key != b.agency_key and share(a, b) > 0]
    if len({r.agency_key for r in signed}) < 2:
        candidates = []
    needed = {(i, j) for i, j in candidates
              if max(share(signed[i], signed[j]), share(signed[j], signed[i])) >= max(min_share, 1e-12)}
    index = {r.path: i for i, r in enumerate(signed)}
    got = [tuple(sorted((index[a.path], index[b.path]))) for a, b in batch.lookalikes(template, 0.15, min_share=min_share)]
    assert got == sorted(got) and len(set(got)) == len(got)  # in report order, each pair once
    assert needed <= set(got) <= set(candidates)
    if min_share == 0:
        assert got == candidates
    for a, b in batch.lookalikes(template, 0.15, min_share=min_share):
        assert a.path < b.path


@settings(max_examples=150, deadline=None)
@given(_reports, st.integers(1, 4))
def test_template_counted_in_plain_python_is_numpys(reports, min_agencies):
    np = pytest.importorskip("numpy")
    from gipcheck.cross import stage

    rs = [_summary(f"r{i:02d}", a, keys) for i, (a, keys) in enumerate(reports)]
    assert stage._shared_by(rs, min_agencies) == stage._shared_by_sorting(rs, min_agencies, np)


def test_a_small_batch_imports_neither_numpy_nor_datasketch():
    """Below SMALL_BATCH the look-alike search and the template need no numpy, scipy or datasketch
    (about a second of imports): a run of a few reports never loads them."""
    code = ("import sys\nfrom gipcheck import api\n"
            f"run = api.run([{str(REAL / '2011_pingtanxian.txt')!r}, {str(REAL / '2011_pingtanzonghe.txt')!r}], jobs=1)\n"
            "assert any(f.rule == 'GIP704' for r in run.files for f in r.findings)\n"
            "print(sorted(m for m in ('numpy', 'scipy', 'datasketch') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_previous_year_is_the_first_report_of_that_year_in_input_order():
    """Two reports of one agency claim the same year: the next year's report is compared with the one
    that came first, as the scan of the agency's history always did (now a lookup)."""
    a, b, c = (_summary(name, "甲", [1, 2, 3]) for name in ("b-2022", "a-2022", "c-2023"))
    a.year, b.year, c.year = 2022, 2022, 2023
    batch = Batch([c, a, b])
    assert batch.previous_of(c) is a and batch.previous_of(a) is None
    assert [(r.path, p.path) for r, p in batch.pairs()] == [("c-2023", "b-2022")]


def _by_rule(found):
    return {path: [(f.rule, f.severity, f.message, f.line, f.column) for f in fs] for path, fs in found.items()}


@pytest.mark.skipif(sys.platform != "linux", reason="the cross stage forks only on Linux")
def test_the_cross_stage_on_two_cores_gives_the_findings_of_one(monkeypatch):
    """The check kinds run side by side in forked processes in a big run (gipcheck.cross.parallel):
    the findings, their order and their messages are those of the kinds run one after another."""
    from gipcheck.cross import parallel, stage

    results = [api.check_extracted(Extracted(text=t), name, OPTS) for name, t in _variants().items()]
    summaries = [r.summary for r in results]
    serial = stage.cross_findings(summaries, api.rules(), workers=1)
    forks = []
    real = parallel._forked
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)  # the fork path, on a batch a test can afford
    monkeypatch.setattr(parallel, "_forked", lambda *a: forks.append(a[2]) or real(*a))
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)  # whatever threads other tests left running
    side_by_side = stage.cross_findings(summaries, api.rules(), workers=2)
    assert forks == [2]
    assert sum(len(fs) for fs in serial.values()) >= 10
    assert _by_rule(side_by_side) == _by_rule(serial)


def _kind(rule: str, func):
    from types import SimpleNamespace

    return SimpleNamespace(entry=SimpleNamespace(rule=rule, check="test"), params=None, func=func)


@pytest.mark.skipif(sys.platform != "linux", reason="the cross stage forks only on Linux")
def test_a_kind_whose_process_dies_runs_again_here(monkeypatch):
    """A forked process that dies (killed, out of memory) loses nothing: its kinds run in this process."""
    import os

    from gipcheck.checks import CrossHit
    from gipcheck.cross import parallel

    me = os.getpid()

    def dies_if_forked(batch, params):
        if os.getpid() != me:
            os._exit(9)
        return iter([CrossHit("b.txt", None, {"n": len(batch.reports)})])

    def fine(batch, params):
        return iter([CrossHit("a.txt", (1, 1, 1, 2))])

    def broken(batch, params):
        raise ValueError("no such table")

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    batch = Batch([_summary("a.txt", "甲", [1, 2]), _summary("b.txt", "乙", [1, 3])])
    got = parallel.run_kinds([_kind("GIP701", fine), _kind("GIP703", dies_if_forked), _kind("GIP704", broken)],
                             batch, workers=2)
    assert got[0] == ([CrossHit("a.txt", (1, 1, 1, 2))], None)
    assert got[1] == ([CrossHit("b.txt", None, {"n": 2})], None)
    assert got[2][0] == [] and got[2][1].startswith("ValueError: no such table (test_cross_report.py:")


@pytest.mark.skipif(sys.platform != "linux", reason="the cross stage forks only on Linux")
def test_a_kind_that_fails_in_a_forked_process_is_reported_as_in_one(monkeypatch):
    """An exception in a kind is the same one-line GIP005 wherever the kind ran."""
    from gipcheck.cross import parallel

    def broken(batch, params):
        raise KeyError("t3")

    batch = Batch([_summary("a.txt", "甲", [1, 2]), _summary("b.txt", "乙", [1, 3])])
    kinds = [_kind("GIP701", lambda b, p: iter([])), _kind("GIP702", broken)]
    serial = parallel.run_kinds(kinds, batch, workers=1)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    assert parallel.run_kinds(kinds, batch, workers=2) == serial
    assert serial[1][1].startswith("KeyError: 't3' (test_cross_report.py:")
