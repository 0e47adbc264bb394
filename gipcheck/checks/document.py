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
    """One hit per kind of residue the normalizer cut out (banners, page numbers, chrome), at
    its first piece, with how many pieces there are and on which lines: six share buttons of a
    web page are one thing to delete, not six findings."""
    src = ctx.doc.source
    by_kind: dict[str, list] = {}
    for r in src.residue:
        if r.kind == "directive":  # gipcheck's own comments: cut from the view, not residue
            continue
        by_kind.setdefault(r.kind, []).append(r)
    hits = []
    for kind, pieces in by_kind.items():
        first = pieces[0]
        places = places_en = ""
        if len(pieces) > 1:
            at = [src.line_col(r.start) for r in pieces]
            shown, more = at[:_MAX_PLACES], "…" if len(at) > _MAX_PLACES else ""
            if len({line for line, _ in at}) == len(at):
                where = "第 " + "、".join(str(line) for line, _ in shown) + more + " 行"
                where_en = "lines " + ", ".join(str(line) for line, _ in shown) + more
            else:  # several on one line (a flattened page): say the columns too
                where = "、".join(f"第 {line} 行第 {col} 列" for line, col in shown) + more
                where_en = ", ".join(f"{line}:{col}" for line, col in shown) + more
            places = f"，共 {len(pieces)} 处（{where}）"
            places_en = f", {len(pieces)} times ({where_en})"
        # residue spans are in the original text: the finding points at the first piece
        hits.append(Hit(None, {"text": first.text.strip()[:40], "kind": kind, "count": len(pieces),
                               "places": places, "places_en": places_en}, orig=(first.start, first.end)))
    return hits


_MAX_PLACES = 6


@check("script_traditional")
def script_traditional(ctx: Context, params) -> list[Hit]:
    """Fires once when most Han characters changed under Traditional → Simplified conversion."""
    if ctx.facts.script == "traditional":
        return [Hit(Span(0, 0), {"count": ctx.doc.source.traditional_chars})]
    return []
