"""Run the cross-report rules over the summaries of a whole run.

:class:`Batch` is what a cross-report check kind sees: the reports, their histories (same
agency, consecutive years — or the ``--previous`` file the user named), which sentences are
template (shared by many agencies), and candidate pairs of look-alike reports found with
MinHash LSH (datasketch), so ten thousand reports compare in minutes, not hours.
"""
from __future__ import annotations

import traceback
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from ..model import Finding
from .summary import ReportSummary


SMALL_BATCH = 64  # up to this many signed reports, look-alike pairs are found by comparing every pair


@dataclass
class Batch:
    reports: list[ReportSummary]
    previous: dict[str, str] = field(default_factory=dict)  # path → the path of its previous report
    _template: dict[int, frozenset[int]] = field(default_factory=dict)
    _own: dict[tuple[int, str], array] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_path = {r.path: r for r in self.reports}
        self.history: dict[str, list[ReportSummary]] = defaultdict(list)
        for r in self.reports:
            if r.agency_key and r.year:
                self.history[r.agency_key].append(r)
        for h in self.history.values():
            h.sort(key=lambda r: r.year or 0)

    def pairs(self) -> Iterator[tuple[ReportSummary, ReportSummary]]:
        """(report, the same agency's report of the year before), for every report that has one."""
        for r in self.reports:
            prev = self.previous_of(r)
            if prev is not None:
                yield r, prev

    def previous_of(self, r: ReportSummary) -> ReportSummary | None:
        named = self.previous.get(r.path)
        if named is not None:
            return self.by_path.get(named)
        if r.path in set(self.previous.values()):
            return None  # a file given only as someone's previous year is not judged itself
        if not (r.agency_key and r.year):
            return None
        return next((p for p in self.history[r.agency_key] if p.year == r.year - 1 and p is not r), None)

    def judged(self) -> list[ReportSummary]:
        """The reports findings may be about (a ``--previous`` file is context, not checked again)."""
        given_as_previous = set(self.previous.values())
        return [r for r in self.reports if r.path not in given_as_previous]

    def template(self, min_agencies: int) -> frozenset[int]:
        """Sentence keys found in the reports of at least ``min_agencies`` different agencies."""
        if min_agencies not in self._template:
            self._template[min_agencies] = _shared_by(self.reports, min_agencies)
        return self._template[min_agencies]

    def own(self, r: ReportSummary, template: frozenset[int]) -> array:
        """Indexes of the report's own sentences: neither built-in boilerplate nor batch template.
        Kept for the run (a few hundred bytes a report): GIP704 asks again for every candidate pair."""
        key = (id(template), r.path)  # the templates themselves are kept in _template: ids stay theirs
        found = self._own.get(key)
        if found is None:
            s = r.sentences
            found = self._own[key] = array("I", (i for i in range(len(s)) if not r.template[i] and s.key[i] not in template))
        return found

    def shared(self, r: ReportSummary, other: ReportSummary, template: frozenset[int],
               other_own_only: bool = False) -> "Shared":
        """Which of ``r``'s own sentences ``other`` also has (by key: figures and punctuation aside)."""
        own = self.own(r, template)
        js = self.own(other, template) if other_own_only else range(len(other.sentences))
        where = {other.sentences.key[j]: j for j in js}
        copied = [i for i in own if r.sentences.key[i] in where]
        return Shared(own, copied, sum(r.sentences.length[i] for i in own),
                      sum(r.sentences.length[i] for i in copied), where)

    def repeat_rate(self, r: ReportSummary, template_min_agencies: int = 3) -> float | None:
        """The share of ``r``'s own text found in its previous report (None without one)."""
        prev = self.previous_of(r)
        if prev is None:
            return None
        sh = self.shared(r, prev, self.template(template_min_agencies))
        return sh.share

    def sentence_keys(self, r: ReportSummary, template: frozenset[int]) -> set[int]:
        return {r.sentences.key[i] for i in self.own(r, template)}

    def lookalikes(self, template: frozenset[int], threshold: float,
                   num_perm: int = 32) -> Iterator[tuple[ReportSummary, ReportSummary]]:
        """Pairs of reports of different agencies whose own sentences overlap (MinHash LSH).

        Each report queries the index before it is added, so every pair is found once and no
        MinHash is kept: the index's bands are all that stays. With 32 permutations and the low
        threshold of GIP704, datasketch picks 9 bands of one row: a pair at the threshold is found
        83% of the time (64 permutations gave 32 bands of two rows: 65%, and four times the memory,
        about 5 KB a report); every candidate is then compared exactly."""
        if len({r.agency_key for r in self.reports if r.agency_key}) < 2:
            return
        signed = [r for r in self.reports if r.agency_key]
        if len(signed) <= SMALL_BATCH:  # every pair, exactly: cheaper than importing numpy and scipy
            owns = [frozenset(self.sentence_keys(r, template)) for r in signed]
            for i, a in enumerate(signed):
                for j in range(i + 1, len(signed)):
                    b = signed[j]
                    if a.agency_key != b.agency_key and len(owns[i] & owns[j]) >= 3:
                        yield (a, b) if a.path < b.path else (b, a)
            return
        from datasketch import MinHash, MinHashLSH  # heavy (numpy, scipy): only for a real batch

        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        base = MinHash(num_perm=num_perm, hashfunc=int)
        perm, scheme = base.permutations, base.scheme  # one permutation table for every report
        for r in self.reports:
            if not r.agency_key:
                continue  # who wrote an unsigned report is unknown: never "another agency"
            keys = list({k & 0xFFFFFFFF for k in self.sentence_keys(r, template)})
            if len(keys) < 3:
                continue
            m = MinHash(num_perm=num_perm, hashfunc=int, permutations=perm, scheme=scheme)
            m.update_batch(keys)
            for other in sorted(lsh.query(m)):  # a set of paths: its order changes with the hash seed
                o = self.by_path[other]
                if o.agency_key != r.agency_key:
                    yield (o, r) if o.path < r.path else (r, o)
            lsh.insert(r.path, m, check_duplication=False)


def _shared_by(reports: list[ReportSummary], min_agencies: int) -> frozenset[int]:
    """The keys that at least ``min_agencies`` agencies' reports have (a report whose agency is
    unknown counts as one of its own). numpy keeps this to a few bytes a sentence in a big batch;
    a small one is counted in plain Python, without importing it."""
    try:
        if len(reports) <= 4 * SMALL_BATCH:
            raise ImportError  # not worth numpy's import
        import numpy as np
    except ImportError:  # a small batch, or no batch extra: the same, in plain Python
        owners: dict[int, set[str]] = defaultdict(set)
        for r in reports:
            for k in set(r.sentences.key):
                if len(owners[k]) < min_agencies:
                    owners[k].add(r.agency_key or r.path)
        return frozenset(k for k, v in owners.items() if len(v) >= min_agencies)
    return _shared_by_sorting(reports, min_agencies, np)


def _shared_by_sorting(reports: list[ReportSummary], min_agencies: int, np: Any) -> frozenset[int]:
    """:func:`_shared_by` for a big batch: every (key, agency) of the run in two flat arrays, sorted
    once. Two flat arrays, not one array a report, so nothing small is left behind in the heap."""
    ids: dict[str, int] = {}
    keys, who = array("q"), array("q")
    for r in reports:
        keys.extend(r.sentences.key)
        who.extend(array("q", [ids.setdefault(r.agency_key or r.path, len(ids))]) * len(r.sentences))
    if not keys:
        return frozenset()
    k, w = np.frombuffer(keys, dtype=np.int64), np.frombuffer(who, dtype=np.int64)
    order = np.lexsort((w, k))
    k, w = k[order], w[order]
    del order
    first = np.ones(len(k), dtype=bool)  # the first row of each (key, agency)
    first[1:] = (k[1:] != k[:-1]) | (w[1:] != w[:-1])
    uk, counts = np.unique(k[first], return_counts=True)
    return frozenset(uk[counts >= min_agencies].tolist())


@dataclass
class Shared:
    own: Sequence[int]  # indexes of the report's own sentences
    copied: list[int]  # those the other report has too
    own_chars: int
    copied_chars: int
    where: dict[int, int]  # sentence key → index in the other report

    @property
    def share(self) -> float:
        return self.copied_chars / self.own_chars if self.own_chars else 0.0


def cross_findings(summaries: list[ReportSummary], ruleset: Any,
                   previous: dict[str, str] | None = None) -> dict[str, list[Finding]]:
    """The findings of every cross-report rule, by the path of the report they are about, each
    in that report's language and only where its settings enable the rule."""
    from ..engine import render

    out: dict[str, list[Finding]] = defaultdict(list)
    reports = [s for s in summaries if s is not None and not s.unreadable]
    if len(reports) < 2:
        return {}
    batch = Batch(reports, dict(previous or {}))
    for check in ruleset.cross_checks:
        rid = check.entry.rule
        if not any(rid in r.rules_on for r in reports):
            continue
        rule = ruleset.rules[rid]
        try:
            hits = list(check.func(batch, check.params))
        except Exception as exc:  # a bug in a cross check must not lose the run's other results
            first = reports[0]
            if "GIP005" in ruleset.rules:
                tb = traceback.extract_tb(exc.__traceback__)[-1]
                r5 = ruleset.rules["GIP005"]
                msg = render(r5.message.en if first.lang == "en" else r5.message.zh,
                             {"rule": rid, "check": check.entry.check,
                              "error": f"{type(exc).__name__}: {exc} ({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})"})
                out[first.path].append(Finding("GIP005", "error", msg, 1, 1, 1, 1, None, r5.name))
            continue
        msg_t = check.entry.message or rule.message
        basis_t = check.entry.basis or rule.basis
        for hit in hits:
            target = batch.by_path.get(hit.path)
            if target is None or rid not in target.rules_on:
                continue
            en = target.lang == "en"
            data = dict(hit.data)
            if en:
                data.update({k[:-3]: v for k, v in hit.data.items() if k.endswith("_en")})
            line, col, end_line, end_col = hit.place or (1, 1, 1, 1)
            out[hit.path].append(Finding(
                rid, target.rules_on[rid] or hit.severity or check.entry.severity or rule.severity,
                render(msg_t.en if en else msg_t.zh, data), line, col, end_line, end_col,
                (basis_t.en if en else basis_t.zh) if basis_t else None, rule.name,
                (rule.fix.en if en else rule.fix.zh) if rule.fix else None))
    for findings in out.values():
        findings.sort(key=Finding.sort_key)
    return dict(out)


@dataclass
class CrossReportCheck:
    """The cross-report rules as a batch check of the run layer (:class:`gipcheck.batch.BatchCheck`).

    ``summarize`` takes the summary the worker made while checking the report (the document is
    gone by then) off the result, so it is not sent on to the reporters; ``finish`` runs the
    rules over all of them. ``previous`` is last year's report named by the user (``--previous``):
    context for every report of the run, never judged itself."""

    extra_rules: tuple[str, ...] = ()
    previous: ReportSummary | None = None
    reports: int = 0  # how many reports the run has (0: not known)

    def prefetch(self) -> None:
        """Import the look-alike search's libraries (numpy, datasketch, scipy: most of a second)
        while the workers still check files, when the run is big enough to need them."""
        if self.reports > SMALL_BATCH:
            try:
                import datasketch  # noqa: F401
            except ImportError:  # no [batch] extra: every pair is compared instead
                pass

    def summarize(self, result: Any) -> ReportSummary | None:
        summary, result.summary = result.summary, None
        return summary

    def finish(self, summaries: Any) -> dict[str, list[Finding]]:
        from ..api import rules

        reports = [s for _path, s in summaries if s is not None]
        mapping: dict[str, str] = {}
        if self.previous is not None:
            mapping = {s.path: self.previous.path for s in reports if s.path != self.previous.path}
            reports.append(self.previous)
        return cross_findings(reports, rules(self.extra_rules), mapping)
