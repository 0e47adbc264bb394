"""Pattern checks on the narrative text: placeholders, repeats, blanked years (GIP502, 601–603)."""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from ..ast import Span
from .. import saferegex
from . import Context, Hit, Params, Regex, check


class PatternParams(Params):
    patterns: list[Regex]
    exceptions: list[Regex] = Field(default_factory=list)  # a match that fully matches one of these is fine
    context_exceptions: list[Regex] = Field(default_factory=list)  # …or whose surrounding line matches one
    scope: str = Field(default="body", pattern="^(body|all)$")
    max_hits: int = 50


@lru_cache(maxsize=256)
def _compile(p: str) -> saferegex.SafePattern:
    return saferegex.compile(p)  # rule-file patterns: time-bounded


@check("pattern_absent", PatternParams)
def pattern_absent(ctx: Context, p: PatternParams) -> list[Hit]:
    """Fires at each match of a pattern that should not occur (with exceptions)."""
    text = ctx.doc.body_text() if p.scope == "body" else ctx.doc.view
    skip = _table_spans(ctx)
    hits: list[Hit] = []
    for pat in p.patterns:
        for m in _compile(pat).finditer(text):
            if any(a <= m.start() < b for a, b in skip):
                continue
            found = m.group(0)
            if any(_compile(e).fullmatch(found) for e in p.exceptions):
                continue
            if p.context_exceptions:
                ls = text.rfind("\n", 0, m.start()) + 1
                le = text.find("\n", m.end())
                window = text[max(ls, m.start() - 12): (le if le != -1 else len(text))][: m.end() - m.start() + 24]
                if any(_compile(e).search(window) for e in p.context_exceptions):
                    continue
            hits.append(Hit(Span(m.start(), m.end()), {"text": _original(ctx, m.start(), m.end())}))
            if len(hits) >= p.max_hits:
                return hits
    hits.sort(key=lambda h: h.span.start)
    return hits


def _original(ctx: Context, a: int, b: int) -> str:
    src = ctx.doc.source
    return src.original[src.orig_offset(a):src.orig_offset(b - 1) + 1] if b > a else ""


def _table_spans(ctx: Context) -> list[tuple[int, int]]:
    return [(t.span.start, t.span.end) for t in ctx.doc.tables]
