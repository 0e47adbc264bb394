"""Run the cross-report rules over the summaries of a whole run.

:class:`Batch` is what a cross-report check kind sees: the reports, their histories (same
agency, consecutive years — or the ``--previous`` file the user named), which sentences are
template (shared by many agencies), and candidate pairs of look-alike reports: in a run of up to
:data:`SMALL_BATCH` reports from an exact index of their own sentences, in a bigger one with MinHash
LSH (datasketch), so ten thousand reports compare in minutes, not hours, in bounded memory.
"""
from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from ..model import Finding
from .summary import ReportSummary


# Up to this many signed reports, look-alike pairs come from an exact index of the reports' own
# sentences and the template is counted in plain Python; above it, MinHash LSH (datasketch) and numpy,
# whose imports (numpy, scipy: about a second of CPU and 65 MB) pay off only in a big run, and whose
# memory stays bounded where the exact index's would not. Measured in docs/architecture.md.
SMALL_BATCH = 2000
_KEY_CACHE = 1024  # own-sentence key sets kept at once (a few KB each) in a batch bigger than SMALL_BATCH


@dataclass
class Batch:
    reports: list[ReportSummary]
    previous: dict[str, str] = field(default_factory=dict)  # path → the path of its previous report
    _template: dict[int, frozenset[int]] = field(default_factory=dict)
    _own: dict[tuple[int, str], tuple[array, int]] = field(default_factory=dict)
    _keys: dict[tuple[int, str], frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_path = {r.path: r for r in self.reports}
        self.history: dict[str, list[ReportSummary]] = defaultdict(list)
        for r in self.reports:
            if r.agency_key and r.year:
                self.history[r.agency_key].append(r)
        # (agency, year) → the first of its reports in input order: a report's previous year is found
        # at once, not by scanning a history that copies of one report can make thousands long
        self._of_year: dict[tuple[str, int], ReportSummary] = {}
        for key, h in self.history.items():
            h.sort(key=lambda r: r.year or 0)
            for r in h:
                self._of_year.setdefault((key, r.year), r)  # type: ignore[arg-type]
        self._given_as_previous = set(self.previous.values())

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
        if r.path in self._given_as_previous:
            return None  # a file given only as someone's previous year is not judged itself
        if not (r.agency_key and r.year):
            return None
        return self._of_year.get((r.agency_key, r.year - 1))

    def judged(self) -> list[ReportSummary]:
        """The reports findings may be about (a ``--previous`` file is context, not checked again)."""
        return [r for r in self.reports if r.path not in self._given_as_previous]

    def template(self, min_agencies: int) -> frozenset[int]:
        """Sentence keys found in the reports of at least ``min_agencies`` different agencies."""
        if min_agencies not in self._template:
            self._template[min_agencies] = _shared_by(self.reports, min_agencies)
        return self._template[min_agencies]

    def _own_entry(self, r: ReportSummary, template: frozenset[int]) -> tuple[array, int]:
        key = (id(template), r.path)  # the templates themselves are kept in _template: ids stay theirs
        found = self._own.get(key)
        if found is None:
            s = r.sentences
            boiler, length = s.template, s.length
            own = array("I", [i for i, k in enumerate(s.key) if not boiler[i] and k not in template])
            found = self._own[key] = (own, sum(length[i] for i in own))
        return found

    def own(self, r: ReportSummary, template: frozenset[int]) -> array:
        """Indexes of the report's own sentences: neither built-in boilerplate nor batch template.
        Kept for the run (a few hundred bytes a report): GIP704 asks again for every candidate pair."""
        return self._own_entry(r, template)[0]

    def sentence_keys(self, r: ReportSummary, template: frozenset[int]) -> frozenset[int]:
        """The keys of the report's own sentences. Kept for the run up to :data:`SMALL_BATCH` reports
        (a few KB each); in a bigger one only the last :data:`_KEY_CACHE` asked for."""
        key = (id(template), r.path)
        found = self._keys.get(key)
        if found is None:
            found = frozenset(map(r.sentences.key.__getitem__, self.own(r, template)))
            if len(self._keys) >= _KEY_CACHE and len(self.reports) > SMALL_BATCH:
                self._keys.clear()
            self._keys[key] = found
        return found

    def shared(self, r: ReportSummary, other: ReportSummary, template: frozenset[int],
               other_own_only: bool = False) -> "Shared":
        """Which of ``r``'s own sentences ``other`` also has (by key: figures and punctuation aside)."""
        own, own_chars = self._own_entry(r, template)
        theirs = self.sentence_keys(other, template) if other_own_only else frozenset(other.sentences.key)
        keys, length = r.sentences.key, r.sentences.length
        copied = [i for i in own if keys[i] in theirs]
        return Shared(own, copied, own_chars, sum(length[i] for i in copied),
                      other, self.own(other, template) if other_own_only else None)

    def repeat_rate(self, r: ReportSummary, template_min_agencies: int = 3) -> float | None:
        """The share of ``r``'s own text found in its previous report (None without one)."""
        prev = self.previous_of(r)
        if prev is None:
            return None
        sh = self.shared(r, prev, self.template(template_min_agencies))
        return sh.share

    def lookalikes(self, template: frozenset[int], threshold: float, num_perm: int = 32,
                   min_share: float = 0.0) -> Iterator[tuple[ReportSummary, ReportSummary]]:
        """Pairs of reports of different agencies whose own sentences overlap, each once.

        Up to :data:`SMALL_BATCH` signed reports, exactly: every pair in which one report's own text
        (in characters) is found in the other's own sentences to a share of ``min_share`` or more
        (:meth:`_sharing`; 0: every pair with an own sentence in common). Above it, MinHash LSH with
        ``threshold`` as its Jaccard threshold: each report queries the index before it is added, so
        every pair is found once and no MinHash is kept: the index's bands are all that stays. With 32
        permutations and the low threshold of GIP704, datasketch picks 9 bands of one row: a pair at
        the threshold is found 83% of the time (64 permutations gave 32 bands of two rows: 65%, and
        four times the memory, about 5 KB a report). Either way every candidate is then compared
        exactly by the caller, so a copy LSH finds the exact search finds too."""
        if len({r.agency_key for r in self.reports if r.agency_key}) < 2:
            return
        signed = [r for r in self.reports if r.agency_key]
        if len(signed) <= SMALL_BATCH:
            yield from self._sharing(signed, template, min_share)
            return
        from datasketch import MinHash, MinHashLSH  # heavy (numpy, scipy): only for a big batch

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

    def _sharing(self, signed: list[ReportSummary], template: frozenset[int],
                 min_share: float) -> Iterator[tuple[ReportSummary, ReportSummary]]:
        """The pairs of :meth:`lookalikes` for a small batch, in the order of the reports.

        An inverted index from own sentence keys to the reports that have them, probed with prefix
        filtering (as in set-similarity joins): a report's own keys are ordered rarest first, and only
        the first ones are probed, as many as it takes for the others to weigh less than ``min_share``
        of its own text. A pair whose shared sentences all lie in the rest cannot reach the share, so
        none is missed; and a key many reports have (a heading two agencies' reports of many years
        keep) is probed only where it weighs enough to matter, so the pairs stay few."""
        first: dict[int, int] = {}  # own key → the first report that has it
        more: dict[int, list[int]] = {}  # own key → every report that has it, for keys of two or more
        for i, r in enumerate(signed):
            for k in self.sentence_keys(r, template):
                j = first.setdefault(k, i)
                if j != i:
                    holders = more.get(k)
                    if holders is None:
                        more[k] = [j, i]
                    else:
                        holders.append(i)
        del first
        agency = [r.agency_key for r in signed]
        for k in [k for k, holders in more.items() if all(agency[j] == agency[holders[0]] for j in holders)]:
            del more[k]  # one agency's own text over the years: never shared with another agency
        found: dict[int, set[int]] = defaultdict(set)  # report → the later reports of its pairs
        for i, r in enumerate(signed):
            if more.keys().isdisjoint(self.sentence_keys(r, template)):
                continue  # no own sentence of it is in another agency's report
            keys, length = r.sentences.key, r.sentences.length
            w: dict[int, int] = {}  # own key → its characters in this report (every occurrence)
            for x in self.own(r, template):
                w[keys[x]] = w.get(keys[x], 0) + length[x]
            shared_keys = [k for k in w if k in more]
            if not shared_keys:
                continue
            total = sum(w.values())
            rest = sum(w[k] for k in shared_keys)  # keys no other agency has can never be shared
            if rest < min_share * total * (1 - 1e-9):
                continue
            shared_keys.sort(key=lambda k: (len(more[k]), k))  # rarest first
            mine = agency[i]
            for k in shared_keys:
                if rest < min_share * total * (1 - 1e-9):
                    break  # the keys left cannot make the share on their own
                rest -= w[k]
                for j in more[k]:
                    if agency[j] != mine:
                        found[min(i, j)].add(max(i, j))
        for i in sorted(found):
            a = signed[i]
            for j in sorted(found[i]):
                b = signed[j]
                yield (a, b) if a.path < b.path else (b, a)


def _shared_by(reports: list[ReportSummary], min_agencies: int) -> frozenset[int]:
    """The keys that at least ``min_agencies`` agencies' reports have (a report whose agency is
    unknown counts as one of its own). numpy keeps this to a few bytes a sentence in a big batch;
    up to :data:`SMALL_BATCH` reports it is counted in plain Python, without importing numpy: one
    int per key for the first agency, a set only for keys a second agency has."""
    try:
        if len(reports) <= SMALL_BATCH:
            raise ImportError  # not worth numpy's import
        import numpy as np
    except ImportError:  # a small batch, or no batch extra: the same, in plain Python
        ids: dict[str, int] = {}
        first: dict[int, int] = {}
        more: dict[int, set[int]] = {}
        found: set[int] = set()
        for r in reports:
            who = ids.setdefault(r.agency_key or r.path, len(ids))
            for k in set(r.sentences.key):
                w = first.setdefault(k, who)
                if w == who or k in found:
                    continue
                owners = more.get(k)
                if owners is None:
                    owners = more[k] = {w}
                owners.add(who)
                if len(owners) >= min_agencies:
                    found.add(k)
        if min_agencies <= 1:
            return frozenset(first)
        return frozenset(found)
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


class Shared:
    """Which own sentences of a report another report has: ``own`` (indexes of the report's own
    sentences), ``copied`` (those the other has too), their lengths in characters, and ``where``
    (sentence key → its index in the other report), built only when a finding quotes from it."""

    def __init__(self, own: Sequence[int], copied: list[int], own_chars: int, copied_chars: int,
                 other: ReportSummary, other_own: Sequence[int] | None = None) -> None:
        self.own, self.copied, self.own_chars, self.copied_chars = own, copied, own_chars, copied_chars
        self._other, self._other_own = other, other_own
        self._where: dict[int, int] | None = None

    @property
    def share(self) -> float:
        return self.copied_chars / self.own_chars if self.own_chars else 0.0

    @property
    def where(self) -> dict[int, int]:
        if self._where is None:
            keys = self._other.sentences.key
            js = self._other_own if self._other_own is not None else range(len(keys))
            self._where = {keys[j]: j for j in js}
        return self._where


def cross_findings(summaries: list[ReportSummary], ruleset: Any,
                   previous: dict[str, str] | None = None, workers: int = 1) -> dict[str, list[Finding]]:
    """The findings of every cross-report rule, by the path of the report they are about, each
    in that report's language and only where its settings enable the rule. ``workers``: how many
    cores the check kinds may share (:mod:`gipcheck.cross.parallel`); the findings are the same."""
    from ..engine import render
    from .parallel import run_kinds

    out: dict[str, list[Finding]] = defaultdict(list)
    reports = [s for s in summaries if s is not None and not s.unreadable]
    if len(reports) < 2:
        return {}
    batch = Batch(reports, dict(previous or {}))
    active = [c for c in ruleset.cross_checks if any(c.entry.rule in r.rules_on for r in reports)]
    for check, (hits, error) in zip(active, run_kinds(active, batch, workers)):
        rid = check.entry.rule
        rule = ruleset.rules[rid]
        if error is not None:
            first = reports[0]
            if "GIP005" in ruleset.rules:
                r5 = ruleset.rules["GIP005"]
                msg = render(r5.message.en if first.lang == "en" else r5.message.zh,
                             {"rule": rid, "check": check.entry.check, "error": error})
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
    workers: int = 1  # cores the cross stage may use at the end of the run (the run's own pool's)

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
        return cross_findings(reports, rules(self.extra_rules), mapping, self.workers)
