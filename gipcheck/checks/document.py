"""Checks on the input as a whole: empty text, conversion residue, script."""
from __future__ import annotations

from ..ast import Span
from . import Context, Hit, check


@check("document_empty")
def document_empty(ctx: Context, params) -> list[Hit]:
    """Fires when nothing but whitespace is left after extraction and residue removal."""
    return [] if ctx.doc.view.strip() else [Hit(None)]


@check("conversion_residue")
def conversion_residue(ctx: Context, params) -> list[Hit]:
    """One hit per piece of residue the normalizer cut out (banners, page numbers, chrome)."""
    hits = []
    src = ctx.doc.source
    for r in src.residue:
        if r.kind == "directive":  # gipcheck's own comments: cut from the view, not residue
            continue
        # residue spans are in the original text: find a view offset that maps to them
        hits.append(Hit(None, {"text": r.text.strip()[:40], "kind": r.kind}, orig=(r.start, r.end)))
    return hits


@check("script_traditional")
def script_traditional(ctx: Context, params) -> list[Hit]:
    """Fires once when most Han characters changed under Traditional → Simplified conversion."""
    if ctx.facts.script == "traditional":
        return [Hit(Span(0, 0), {"count": ctx.doc.source.traditional_chars})]
    return []
