"""Find residue patterns where they can match, not everywhere: the same matches as
``pattern.finditer(text)``, at a cost proportional to the places that hold a literal the
pattern needs.

A residue pattern (a download banner, a page number, web-page chrome) is data from the rule
files. Most of them cannot use the regex engine's own literal scan, because they start with
an optional prefix or a ``^[ \\t]*``, so the engine tries the pattern at every position of the
text (the download banner cost ≈1.2 µs per character). At load time each pattern is parsed
(``re._parser``) to find a *trigger*: literal text that every match contains, and how far
before it a match can start. At run time a plain literal search finds the triggers and the
pattern is tried only at the few positions where a match could start, in text order, exactly
as ``finditer`` would meet them. A pattern the analysis cannot bound is scanned whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

try:  # the regex parser of the standard library; internal, so every use of it may fail safely
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # pragma: no cover - a Python without it scans whole texts
    _C = _P = None  # type: ignore[assignment]

_UNBOUNDED = 1 << 30
_NL = 10


@dataclass(frozen=True)
class _Trigger:
    literals: tuple[str, ...]
    before: int  # the most characters a match can have before the trigger; _UNBOUNDED if no bound
    line_bound: bool  # nothing before the trigger can match a newline: a match starts on its line
    at_line_start: bool  # the pattern starts with ^
    elastic: bool = False  # besides ``before`` characters, any run of whitespace (\s*, [ \t]*)


class ResiduePattern:
    """A compiled residue pattern with its plan for finding matches (see the module docstring).

    Plans: ``scan`` — the pattern starts with a literal (the regex engine scans for it) or no
    trigger bounds it: ``finditer`` over the whole text; ``start`` — ``\\A``: one attempt at 0;
    ``line`` — ``^`` and nothing before the trigger crosses a line: one attempt at the start of
    each line holding a trigger; ``range`` — one attempt at each position from which a match
    could reach a trigger."""

    __slots__ = ("pattern", "trigger", "plan", "_finder", "_firsts", "_ascii")

    def __init__(self, pattern: re.Pattern[str], analysis: dict[str, Any] | None = None) -> None:
        """``analysis``: what :meth:`analysis` returned for this pattern (from the cache)."""
        self.pattern = pattern
        self.trigger: _Trigger | None = None
        self._finder: re.Pattern[str] | None = None
        if analysis is not None:
            self.plan = analysis["plan"]
            t = analysis["trigger"]
            self.trigger = _Trigger(tuple(t[0]), t[1], t[2], t[3], t[4]) if t is not None else None
        else:
            self._analyse()
        if self.trigger is not None:
            # IGNORECASE always: a superset of the pattern's own case rules, inline flags included
            alternatives = "|".join(re.escape(s) for s in sorted(self.trigger.literals, key=len, reverse=True))
            self._finder = re.compile(alternatives, re.IGNORECASE)
        self._firsts = _first_chars(self.trigger.literals) if self.trigger is not None else None
        self._ascii = _ascii_blind(self.trigger.literals) if self.trigger is not None else None

    def analysis(self) -> dict[str, Any]:
        """The plan as plain data, to cache (parsing every pattern is a few ms a run)."""
        t = self.trigger
        return {"plan": self.plan,
                "trigger": [list(t.literals), t.before, t.line_bound, t.at_line_start, t.elastic] if t else None}

    def _analyse(self) -> None:
        pattern = self.pattern
        parsed = _parse(pattern)
        self.plan = _plan(parsed)
        if self.plan in ("line", "range"):
            self.trigger = _analyse(parsed)
            if self.trigger is None:
                self.plan = "scan"
            elif self.trigger.at_line_start and self.trigger.line_bound:
                self.plan = "line"
            elif self.trigger.before == 0 and not self.trigger.elastic and len(self.trigger.literals) == 1:
                # it starts with its literal: the regex engine's own literal search is faster still
                # (for several literals it only checks a set of first characters, then tries the
                # whole pattern there: the literal search and one attempt per trigger win)
                self.plan = "scan"
            else:
                self.plan = "range"

    def trigger_positions(self, text: str) -> Iterator[int]:
        """Every position where one of the trigger literals starts (overlaps included)."""
        assert self._finder is not None
        if self._firsts is not None and not any(c in text for c in self._firsts):
            return  # no literal can start anywhere: skip the case-blind search (slow in re)
        if self._ascii is not None:  # str.find for each case of each first character instead
            yield from _ascii_blind_positions(text, self._ascii)
            return
        search, pos = self._finder.search, 0
        while (t := search(text, pos)) is not None:
            yield t.start()
            pos = t.start() + 1

    def finditer(self, text: str, triggers: Iterable[int] | None = None) -> Iterator[re.Match[str]]:
        """The non-empty matches of the pattern, as ``pattern.finditer(text)`` gives them.
        ``triggers``: the positions of the trigger literals, when a :class:`ResidueSet` found
        them for several patterns at once."""
        if self.plan == "scan":
            yield from (m for m in self.pattern.finditer(text) if m.end() > m.start())
            return
        match = self.pattern.match
        if self.plan == "start":
            m = match(text, 0)
            if m is not None and m.end() > 0:
                yield m
            return
        trig, finder = self.trigger, self._finder
        assert trig is not None and finder is not None
        line_plan = self.plan == "line"
        next_start = 0  # the lowest start not yet tried (finditer never starts inside a match)
        for p in self.trigger_positions(text) if triggers is None else triggers:
            if p < next_start:
                continue
            if trig.line_bound:
                line_start = text.rfind("\n", 0, p) + 1
                if line_plan:
                    if line_start < next_start:
                        continue
                    lo, hi = line_start, line_start
                else:
                    lo = _back(text, p, trig.before, line_start) if trig.elastic else p - trig.before
                    lo, hi = max(line_start, lo), p
            elif trig.elastic:
                lo, hi = _back(text, p, trig.before, next_start), p
            else:
                lo, hi = p - trig.before, p
            s = max(lo, next_start)
            while s <= hi:
                m = match(text, s)
                if m is not None and m.end() > s:
                    yield m
                    next_start = s = m.end()
                else:
                    s += 1
            next_start = max(next_start, hi + 1)


class ResidueSet:
    """Several residue patterns whose trigger literals are found in one pass over the text.

    Each pattern's own literal search is a pass over the whole text (for several literals, a
    check of every character against a set); with a dozen patterns that was most of the
    normalizer's time. Literals without case (Chinese, digits, punctuation) are searched
    together, once; a pattern with a cased literal (``word``) keeps its own case-blind search."""

    def __init__(self, plans: list[ResiduePattern]) -> None:
        self.plans = plans
        self.shared = [i for i, rp in enumerate(plans) if rp.plan in ("line", "range") and rp.trigger is not None
                       and all(_uncased(lit) for lit in rp.trigger.literals)]
        owners: dict[str, list[int]] = {}
        for i in self.shared:
            for lit in self.plans[i].trigger.literals:  # type: ignore[union-attr]
                owners.setdefault(lit, []).append(i)
        self._by_first: dict[str, list[tuple[str, list[int]]]] = {}
        for lit, idxs in owners.items():
            self._by_first.setdefault(lit[0], []).append((lit, idxs))
        self._finder = re.compile("|".join(re.escape(lit) for lit in sorted(owners, key=len, reverse=True))) \
            if owners else None

    def matches(self, text: str) -> list[list[re.Match[str]]]:
        """For each pattern, its matches (as ``finditer`` over the whole text gives them)."""
        found: dict[int, list[int]] = {i: [] for i in self.shared}
        if self._finder is not None:
            search, pos, by_first = self._finder.search, 0, self._by_first
            while (t := search(text, pos)) is not None:
                p = t.start()
                for lit, idxs in by_first[text[p]]:
                    if text.startswith(lit, p):
                        for i in idxs:
                            if not found[i] or found[i][-1] != p:
                                found[i].append(p)
                pos = p + 1
        return [list(rp.finditer(text, found.get(i))) for i, rp in enumerate(self.plans)]


def _ascii_blind(literals: Iterable[str]) -> tuple[str, ...] | None:
    """The literals in lower case, when a case-blind match of each is exactly an ASCII text that
    lowers to it: literals of ASCII without the letters i, k and s (no other character beyond
    ASCII matches an ASCII letter under re.IGNORECASE; a test holds Python to it). None: not so."""
    lowered = tuple(lit.lower() for lit in literals)
    if not lowered or not all(lit and lit.isascii() and not (set(lit) & set("iks")) for lit in lowered):
        return None
    return lowered


def _ascii_blind_positions(text: str, lowered: tuple[str, ...]) -> list[int]:
    """Where a case-blind match of one of the literals starts, in order (overlaps included), by
    ``str.find`` for each case of their first characters: many times faster than a case-blind
    regex search, which tries its literal at every position."""
    found: set[int] = set()
    for lit in lowered:
        n, find = len(lit), text.find
        for first in {lit[0], lit[0].upper()}:
            p = find(first)
            while p != -1:
                window = text[p:p + n]
                if window.isascii() and window.lower() == lit:
                    found.add(p)
                p = find(first, p + 1)
    return sorted(found)


def _first_chars(literals: Iterable[str]) -> frozenset[str] | None:
    """Every character a case-blind match of one of ``literals`` can start with, when that is
    known exactly: ASCII first characters, where ``re.IGNORECASE`` matches the two cases only
    (not i, k, s: İ ı, K (Kelvin), ſ match them too). None: no such shortcut."""
    out: set[str] = set()
    for lit in literals:
        c = lit[:1]
        if not c or not c.isascii() or c.lower() in "iks":
            return None
        out.update((c, c.lower(), c.upper()))
    return frozenset(out)


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which every match of ``pattern`` holds, to look for with ``in`` before
    running the pattern over a whole text; None when the analysis finds none to rely on (or the
    pattern is case-blind and a literal has cases: ``in`` would miss some).

    Of the ways to name such literals (each literal run, alternation and required repetition of
    the pattern) the one with the fewest literals, then the longest: each is one ``in`` over the
    text (``【…(?:填写|填入|…)…】`` is looked for as 【, one search instead of six); where a match
    may start does not matter here, unlike for a residue trigger."""
    try:
        parsed = _parse(pattern)
        options = _options(_flatten(list(parsed), parsed.state.flags), parsed.state)
    except Exception:  # noqa: BLE001 - a pattern the analysis does not know: no shortcut
        return None
    blind = bool(pattern.flags & re.IGNORECASE) or _INLINE_BLIND.search(pattern.pattern) is not None  # (?i:…) too
    options = [o for o in options if o.literals and not (blind and not all(map(_uncased, o.literals)))]
    if not options:
        return None
    return min(options, key=lambda o: (len(o.literals), -min(map(len, o.literals)))).literals


_INLINE_BLIND = re.compile(r"\(\?[a-zA-Z-]*i")  # an inline case-blind flag, (?i) or (?i:…) (or text that looks like one: safe)


def _uncased(literal: str) -> bool:
    """No character of it has another case: matched case-blind or not, it is the same text."""
    return all(ch.lower() == ch == ch.upper() and ch.casefold() == ch for ch in literal)


def _parse(pattern: re.Pattern[str]):
    if _P is None:
        return None
    try:
        return _P.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an analysis that fails only costs speed
        return None


def _plan(parsed) -> str:
    """A first plan from the pattern's shape: anything but ``scan`` still needs _analyse."""
    if parsed is None:
        return "scan"
    try:
        if parsed.getwidth()[0] == 0:
            return "scan"  # it can match empty text: leave finditer's empty-match rules to finditer
        seq = _flatten(list(parsed), parsed.state.flags)
    except Exception:  # noqa: BLE001
        return "scan"
    if seq and seq[0][0] is _C.AT and seq[0][1] is _C.AT_BEGINNING_STRING:
        return "start"
    return "range"


def _analyse(parsed) -> _Trigger | None:
    """The best trigger of a pattern, or None when no literal bounds where a match starts."""
    try:
        state = parsed.state
        seq = _flatten(list(parsed), state.flags)
        at_line = bool(seq) and seq[0][0] is _C.AT and seq[0][1] is _C.AT_BEGINNING
        options = _options(seq, state)
    except Exception:  # noqa: BLE001
        return None
    usable = [o for o in options if o.before < _UNBOUNDED or o.line_bound]
    if not usable:
        return None
    best = max(usable, key=lambda o: (-_bucket(o, at_line),) + _rank(o))
    return _Trigger(best.literals, best.before, best.line_bound, at_line, best.elastic)


def _bucket(o: _Trigger, at_line: bool) -> int:
    """How many positions a trigger leaves to try: one (its line start), a bounded few, or its
    whole line."""
    return 0 if at_line and o.line_bound else 1 if o.before < _UNBOUNDED else 2


def _rank(o: _Trigger) -> tuple[bool, int, int]:
    # a trigger bounded by its line first, then the rarest literal (the longest shortest
    # alternative), then the fewest positions to try
    return (o.line_bound, min(len(s) for s in o.literals), -o.before)


def _flatten(items: list, flags: int) -> list[tuple[object, object, int]]:
    """Top-level items with plain (non-repeated) groups opened, each with its flags."""
    out: list[tuple[object, object, int]] = []
    for op, av in items:
        if op is _C.SUBPATTERN:
            _group, add, delete, sub = av
            out += _flatten(list(sub), (flags | add) & ~delete)
        elif op is _C.ATOMIC_GROUP:
            out += _flatten(list(av), flags)
        else:
            out.append((op, av, flags))
    return out


_REPEATS = tuple(x for x in (getattr(_C, "MAX_REPEAT", None), getattr(_C, "MIN_REPEAT", None),
                             getattr(_C, "POSSESSIVE_REPEAT", None)) if x is not None)


def _options(seq: list[tuple[object, object, int]], state) -> list[_Trigger]:
    """Every way to name literals that each match holds: a literal run in the sequence, an
    alternation whose every branch holds one, or the first pass of a required repetition."""
    options: list[_Trigger] = []
    i = 0
    while i < len(seq):
        op, av, fl = seq[i]
        if op is _C.LITERAL:
            j = i
            while j < len(seq) and seq[j][0] is _C.LITERAL:
                j += 1
            lit = "".join(chr(seq[k][1]) for k in range(i, j))  # type: ignore[arg-type]
            if j < len(seq) and seq[j][0] in _REPEATS and seq[j][1][0] >= 1:  # type: ignore[index]
                body = list(seq[j][1][2])  # type: ignore[index]
                if len(body) == 1 and body[0][0] is _C.LITERAL:  # ",,+" holds ",,": the run and the repeat's first pass
                    lit += chr(body[0][1]) * min(seq[j][1][0], 8)  # type: ignore[index]
            options.append(_make((lit,), seq[:i], state, 0, True))
            i = j
            continue
        inner: list[_Trigger] | None = None
        if op is _C.IN and av and all(o is _C.LITERAL for o, _a in av):  # type: ignore[union-attr]
            # [第-], or an alternation of single characters the parser turned into a set
            chars = tuple(chr(a) for _o, a in av)  # type: ignore[union-attr]
            options.append(_make(chars, seq[:i], state, 0, True))
        elif op is _C.BRANCH:
            inner = []
            for alt in av[1]:  # type: ignore[index]
                alt_opts = _options(_flatten(list(alt), fl), state)
                if not alt_opts:
                    inner = None
                    break
                inner.append(max(alt_opts, key=_rank))
        elif op in _REPEATS and av[0] >= 1:  # type: ignore[index]
            body = _options(_flatten(list(av[2]), fl), state)  # type: ignore[index]
            inner = [max(body, key=_rank)] if body else None
        if inner:
            lits = _minimal(tuple(dict.fromkeys(s for o in inner for s in o.literals)))
            before = max(o.before for o in inner)
            options.append(_make(lits, seq[:i], state, before, all(o.line_bound for o in inner),
                                 any(o.elastic for o in inner)))
        i += 1
    return options


def _make(literals: tuple[str, ...], before_items: list, state, extra: int, extra_line_bound: bool,
          extra_elastic: bool = False) -> _Trigger:
    width, elastic = _budget([(op, av) for op, av, _fl in before_items], state)
    elastic = elastic or extra_elastic
    before = width + extra if width < _UNBOUNDED and extra < _UNBOUNDED else _UNBOUNDED
    line_bound = extra_line_bound and not any(_can_match_newline(op, av, fl) for op, av, fl in before_items)
    return _Trigger(_minimal(literals), before, line_bound, False, elastic)


def _back(text: str, p: int, budget: int, floor: int) -> int:
    """The lowest start of a match whose part before the trigger at ``p`` holds at most
    ``budget`` characters besides whitespace runs (every such character is counted, so the
    bound holds whatever the pattern's whitespace repeats took)."""
    i = p
    while i > floor:
        if not text[i - 1].isspace():
            if budget == 0:
                break
            budget -= 1
        i -= 1
    return i


def _budget(items: list, state) -> tuple[int, bool]:
    """The most characters ``items`` can match besides whitespace runs (``\\s*`` and the like,
    which cost nothing), and whether there are such runs."""
    width, elastic = 0, False
    for op, av in items:
        if _whitespace_run(op, av):
            elastic = True
            continue
        if op is _C.SUBPATTERN:
            w, e = _budget(list(av[-1]), state)  # type: ignore[index]
        elif op is _C.ATOMIC_GROUP:
            w, e = _budget(list(av), state)  # type: ignore[arg-type]
        elif op in _REPEATS:
            w, e = _budget(list(av[2]), state)  # type: ignore[index]
            if w and av[1] >= _C.MAXREPEAT:  # type: ignore[index]
                w = _UNBOUNDED
            else:
                w = min(_UNBOUNDED, w * av[1])  # type: ignore[index]
        elif op is _C.BRANCH:
            parts = [_budget(list(alt), state) for alt in av[1]]  # type: ignore[index]
            w, e = max(p[0] for p in parts), any(p[1] for p in parts)
        else:
            w, e = _width([(op, av, 0)], state), False
        width, elastic = min(_UNBOUNDED, width + w), elastic or e
    return width, elastic


def _whitespace_run(op: object, av: object) -> bool:
    """A repetition of a class that holds only whitespace: ``\\s*``, ``[ \\t]*``, ``[^\\S\\n]+``."""
    if op not in _REPEATS:
        return False
    body = list(av[2])  # type: ignore[index]
    if len(body) != 1:
        return False
    bop, bav = body[0]
    if bop is _C.LITERAL:
        return chr(bav).isspace()  # type: ignore[arg-type]
    if bop is _C.IN:
        return _only_space(list(bav))  # type: ignore[arg-type]
    return False


_SPACE = {"CATEGORY_SPACE", "CATEGORY_UNI_SPACE"}
_NOT_SPACE = {"CATEGORY_NOT_SPACE", "CATEGORY_UNI_NOT_SPACE"}


def _only_space(items: list) -> bool:
    """Whether a parsed class ``[...]`` holds whitespace only (str.isspace, which \\s is)."""
    if items and items[0][0] is _C.NEGATE:
        # [^\S…]: the complement of non-space and more is space only
        return any(o is _C.CATEGORY and str(a) in _NOT_SPACE for o, a in items[1:])
    for op, av in items:
        if op is _C.LITERAL:
            if not chr(av).isspace():
                return False
        elif op is _C.CATEGORY:
            if str(av) not in _SPACE:
                return False
        else:
            return False
    return True


def _minimal(literals: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a literal that contains another: wherever it occurs, the shorter one does too."""
    return tuple(s for s in literals if not any(o != s and o in s for o in literals))


def _width(items: list[tuple[object, object, int]], state) -> int:
    if not items:
        return 0
    hi = _P.SubPattern(state, [(op, av) for op, av, _fl in items]).getwidth()[1]
    return _UNBOUNDED if hi >= _C.MAXREPEAT else int(hi)


_NEWLINE_CATEGORIES = {"CATEGORY_NOT_DIGIT", "CATEGORY_SPACE", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK",
                       "CATEGORY_UNI_NOT_DIGIT", "CATEGORY_UNI_SPACE", "CATEGORY_UNI_NOT_WORD", "CATEGORY_UNI_LINEBREAK",
                       "CATEGORY_LOC_NOT_WORD"}
_NO_NEWLINE_CATEGORIES = {"CATEGORY_DIGIT", "CATEGORY_NOT_SPACE", "CATEGORY_WORD", "CATEGORY_NOT_LINEBREAK",
                          "CATEGORY_UNI_DIGIT", "CATEGORY_UNI_NOT_SPACE", "CATEGORY_UNI_WORD",
                          "CATEGORY_UNI_NOT_LINEBREAK", "CATEGORY_LOC_WORD"}


def _in_set(items: list) -> bool:
    """Whether a character class ``[...]`` (parsed) holds \\n; True when unsure."""
    negate = False
    hit = False
    for op, av in items:
        if op is _C.NEGATE:
            negate = True
        elif op is _C.LITERAL:
            hit = hit or av == _NL
        elif op is _C.RANGE:
            hit = hit or av[0] <= _NL <= av[1]
        elif op is _C.CATEGORY:
            if str(av) in _NEWLINE_CATEGORIES:
                hit = True
            elif str(av) not in _NO_NEWLINE_CATEGORIES:
                return True
        else:
            return True
    return hit != negate


def _can_match_newline(op: object, av: object, flags: int) -> bool:
    """Whether an item can consume a \\n; True when unsure (that only costs speed)."""
    if op is _C.LITERAL:
        return av == _NL
    if op is _C.NOT_LITERAL:
        return av != _NL
    if op is _C.ANY:
        return bool(flags & re.DOTALL)
    if op is _C.IN:
        return _in_set(list(av))  # type: ignore[arg-type]
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return False  # zero width
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        _lo, hi, sub = av  # type: ignore[misc]
        return hi > 0 and any(_can_match_newline(o, a, flags) for o, a in sub)
    if op is _C.SUBPATTERN:
        _g, add, delete, sub = av  # type: ignore[misc]
        return any(_can_match_newline(o, a, (flags | add) & ~delete) for o, a in sub)
    if op is _C.ATOMIC_GROUP:
        return any(_can_match_newline(o, a, flags) for o, a in av)  # type: ignore[union-attr]
    if op is _C.BRANCH:
        return any(_can_match_newline(o, a, flags) for alt in av[1] for o, a in alt)  # type: ignore[index]
    return True
