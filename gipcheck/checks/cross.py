"""Cross-report checks (GIP7): carry-over between years, in-force counts, copied text.

Each kind receives the run's :class:`~gipcheck.cross.stage.Batch` of report summaries and
its validated parameters, and yields :class:`CrossHit` objects about one report each.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Iterator

from . import Field

from . import CrossHit, Params, cross_check

if TYPE_CHECKING:  # the cross stage is imported when a batch runs it, not by every check's rule set
    from ..cross.stage import Batch
    from ..cross.summary import ReportSummary


def _name(r: ReportSummary) -> str:
    return PurePath(r.path).name


class CarryParams(Params):
    # table 三's columns in the order of the facts, with their prescribed labels
    columns: dict[str, str]
    columns_en: dict[str, str] = {}


@cross_check("carry_over", CarryParams)
def carry_over(batch: Batch, p: CarryParams) -> Iterator[CrossHit]:
    """Fires when table 三's 上年结转 differs from the previous year's 结转下年度继续办理, per column."""
    for r, prev in batch.pairs():
        now = r.figures.get("t3", {}).get("carry_in")
        then = prev.figures.get("t3", {}).get("carry_out")
        if not now or not then:
            continue
        diffs = [(c, now[c], then[c]) for c in p.columns if c in now and c in then
                 and now[c] is not None and then[c] is not None and now[c] != then[c]]
        if not diffs:
            continue
        place = r.places.get("carry_in")
        yield CrossHit(r.path, place.as_tuple() if place else None, {
            "prev": _name(prev), "prev_year": prev.year,
            "cells": "；".join(f"{p.columns[c]} {_n(a)}（上年报告 {_n(b)}）" for c, a, b in diffs),
            "cells_en": "; ".join(f"{p.columns_en.get(c, c)} {_n(a)} (last year's report: {_n(b)})" for c, a, b in diffs),
        })


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


class InForceParams(Params):
    rows: list[str]  # the row labels of 第二十条第(一)项 whose counts carry over
    rows_en: dict[str, str] = {}
    issued: str  # column labels as in the facts
    repealed: str
    in_force: str


@cross_check("in_force_count", InForceParams)
def in_force_count(batch: Batch, p: InForceParams) -> Iterator[CrossHit]:
    """Fires when 现行有效件数 ≠ last year's + 本年制发 − 本年废止 (info when the text explains it)."""
    for r, prev in batch.pairs():
        now, then = r.figures.get("t2") or {}, prev.figures.get("t2") or {}
        for label in p.rows:
            a, b = now.get(label) or {}, then.get(label) or {}
            vals = (b.get(p.in_force), a.get(p.issued), a.get(p.repealed), a.get(p.in_force))
            if any(v is None for v in vals):
                continue
            before, issued, repealed, found = vals
            expected = before + issued - repealed
            if found == expected:
                continue
            place = r.places.get("t2")
            yield CrossHit(r.path, place.as_tuple() if place else None, {
                "label": label, "label_en": p.rows_en.get(label, label), "found": _n(found),
                "prev": _name(prev), "prev_count": _n(before), "issued": _n(issued),
                "repealed": _n(repealed), "expected": _n(expected),
            }, severity="info" if r.explains_in_force else None)


class CopyParams(Params):
    threshold: float = Field(0.5, gt=0, le=1)  # share of own text that makes a copy
    min_chars: int = 100  # reports with less own text than this are not judged
    template_min_agencies: int = 3  # a sentence in this many agencies' reports is template
    passages: int = 3  # how many copied passages the message lists


def _passages(r: ReportSummary, idx: list[int], other: ReportSummary, where: dict[int, int],
              n: int) -> tuple[str, str]:
    """Up to ``n`` copied passages (runs of consecutive copied sentences) with both places."""
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    runs.sort(key=lambda run: -sum(r.sentences.length[i] for i in run))
    zh, en = [], []
    with r.opened(), other.opened():
        for run in runs[:n]:
            i = run[0]
            j = where[r.sentences.key[i]]
            line, oline = r.place(i).line, other.place(j).line
            text = r.excerpt(i)
            zh.append(f"第{line}行“{text}”（“{_name(other)}”第{oline}行）")
            en.append(f"line {line} '{text}' ('{_name(other)}' line {oline})")
    return "；".join(zh), "; ".join(en)


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


@cross_check("copied_from_previous", CopyParams)
def copied_from_previous(batch: Batch, p: CopyParams) -> Iterator[CrossHit]:
    """Fires when the report's own text (boilerplate excluded) is largely last year's report."""
    from ..cross.sentences import figures_kept

    template = batch.template(p.template_min_agencies)
    for r, prev in batch.pairs():
        sh = batch.shared(r, prev, template)
        if sh.own_chars < p.min_chars or sh.share < p.threshold:
            continue
        copied, where = sh.copied, sh.where
        with r.opened(), prev.opened():  # both texts decompressed once for all that follows
            kept = [figures_kept(r.sentence(i), prev.sentence(where[r.sentences.key[i]]), r.year, prev.year)
                    for i in copied]
            zh, en = _passages(r, copied, prev, where, p.passages)
            first = min(copied)
            place = r.place(first).as_tuple()
        same, year_only = kept.count("same"), kept.count("year-only")
        carried_zh, carried_en = "", ""
        if same or year_only:
            carried_zh = f"；其中{same}句连数字和日期都与上年相同，{year_only}句只改了年份"
            carried_en = (f"; {same} sentences keep last year's figures and dates unchanged, "
                          f"{year_only} changed only the year")
        yield CrossHit(r.path, place, {
            "rate": _pct(sh.share), "prev": _name(prev), "prev_year": prev.year,
            "copied": sh.copied_chars, "own": sh.own_chars,
            "carried": carried_zh, "carried_en": carried_en, "passages": zh, "passages_en": en,
        })


class OtherCopyParams(CopyParams):
    threshold: float = Field(0.3, gt=0, le=1)
    min_chars: int = 100
    # MinHash LSH threshold for candidate pairs: two reports of similar length sharing 30% of
    # their own sentences have a Jaccard similarity of about 0.18
    candidate_jaccard: float = Field(0.15, gt=0, lt=1)
    # findings per report: the reports it shares most with; the others are counted in the last one's
    # message (a text passed round a whole system would otherwise give each copy hundreds of findings)
    max_reports: int = Field(5, ge=1)


@cross_check("copied_from_other", OtherCopyParams)
def copied_from_other(batch: Batch, p: OtherCopyParams) -> Iterator[CrossHit]:
    """Fires when passages are shared nearly verbatim with another agency's report in the run."""
    template = batch.template(p.template_min_agencies)
    judged = {x.path for x in batch.judged()}
    best: dict[str, _Best] = {}
    seq = 0
    for a, b in batch.lookalikes(template, p.candidate_jaccard, min_share=p.threshold):
        for r, other in _later_first(a, b):
            if r.path not in judged:
                continue
            sh = batch.shared(r, other, template, other_own_only=True)
            if sh.own_chars < p.min_chars or sh.share < p.threshold:
                continue
            best.setdefault(r.path, _Best(p.max_reports)).add(sh.share, seq, other.path)
            seq += 1
    for path, kept in best.items():
        r = batch.by_path[path]
        others = kept.others()
        for k, other_path in enumerate(others):
            more = kept.dropped if k == len(others) - 1 else 0
            yield _other_hit(batch, r, batch.by_path[other_path], template, p, more)


@dataclass
class _Best:
    """The ``size`` other reports a report shares most with (ties: the first found), and how many
    more there were: a few numbers a report, whatever the run holds."""

    size: int
    heap: list[tuple[float, int, str]] = field(default_factory=list)  # (share, -order, path): worst first
    dropped: int = 0

    def add(self, share: float, order: int, path: str) -> None:
        item = (share, -order, path)
        if len(self.heap) < self.size:
            heapq.heappush(self.heap, item)
            return
        self.dropped += 1
        if item > self.heap[0]:
            heapq.heapreplace(self.heap, item)

    def others(self) -> list[str]:
        """The kept reports in the order they were found."""
        return [path for _share, _order, path in sorted(self.heap, key=lambda x: -x[1])]


def _other_hit(batch: Batch, r: ReportSummary, other: ReportSummary, template: frozenset[int],
               p: OtherCopyParams, more: int) -> CrossHit:
    sh = batch.shared(r, other, template, other_own_only=True)
    shared, where = sh.copied, sh.where
    names_zh = names_en = ""
    with r.opened(), other.opened():  # each text decompressed once for all that follows
        if other.agency and r.agency and other.agency not in r.agency and other.agency in r.text():
            names_zh = f"，文中还出现了“{other.agency}”的名称"
            names_en = f", and the text names '{other.agency}'"
        zh, en = _passages(r, shared, other, where, p.passages)
        place = r.place(min(shared)).as_tuple()
    more_zh = f"；另有 {more} 份其他单位的报告也与本报告大量相同，未逐一列出" if more else ""
    more_en = f"; {more} more reports of other agencies share much of it too (not listed)" if more else ""
    return CrossHit(r.path, place, {
        "share": _pct(sh.share), "other": _name(other), "other_agency": other.agency,
        "shared": sh.copied_chars, "own": sh.own_chars,
        "names": names_zh, "names_en": names_en, "passages": zh, "passages_en": en,
        "more": more_zh, "more_en": more_en,
    })


def _later_first(a: ReportSummary, b: ReportSummary) -> list[tuple[ReportSummary, ReportSummary]]:
    """Who copied whom: when both publication dates are known and differ, only the later report
    is judged; otherwise both are, each naming the other."""
    da, db = a.publication_date or a.signature_date, b.publication_date or b.signature_date
    if da and db and da != db:
        return [(a, b)] if da > db else [(b, a)]
    return [(a, b), (b, a)]
