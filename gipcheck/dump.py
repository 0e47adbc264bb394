"""Print a parsed Document for people (a tree) or tools (JSON): `gipcheck parse`."""
from __future__ import annotations

from typing import Any

from .ast import Document, Section, Table


def _loc(doc: Document, span) -> str:
    line, col, _, _ = doc.locate(span)
    return f"{line}:{col}"


def document_tree(doc: Document) -> str:
    out = []
    if doc.front_matter:
        out.append("front matter: " + "; ".join(f"{k}={v[0]}" for k, v in doc.front_matter.items()))
    if doc.doc_number:
        out.append(f"document number: {doc.doc_number[0]}")
    out.append(f"title: {doc.title.text if doc.title else '(none)'}")
    out.append(f"introduction: {len(doc.intro)} paragraph(s)")

    def walk(s: Section, depth: int) -> None:
        h = s.heading
        out.append(f"{'  ' * depth}{_loc(doc, h.span):>8}  {h.marker.strip()} {h.title}  "
                   f"[level {h.level}, {len(s.paragraphs)} para, {len(s.tables)} table]")
        for c in s.children:
            walk(c, depth + 1)

    for s in doc.sections:
        walk(s, 0)
    for i, t in enumerate(doc.tables, 1):
        out.append(f"table {i} at {_loc(doc, t.span)}: {len(t.rows)} rows, layout {t.layout}"
                   + (f", kind {t.kind}" if t.kind else ""))
    sig = doc.signature
    out.append(f"signature: {sig.agency or '(no agency)'} {sig.date_text}" if sig else "signature: (none)")
    return "\n".join(out)


def _table_json(doc: Document, t: Table) -> dict[str, Any]:
    return {"at": _loc(doc, t.span), "layout": t.layout, "kind": t.kind, "caption": t.caption,
            "rows": [[{"text": c.text, "value": c.value} for c in r.cells] for r in t.rows]}


def _section_json(doc: Document, s: Section) -> dict[str, Any]:
    h = s.heading
    return {"at": _loc(doc, h.span), "level": h.level, "marker": h.marker, "number": h.number, "title": h.title,
            "paragraphs": len(s.paragraphs), "children": [_section_json(doc, c) for c in s.children]}


def document_json(doc: Document) -> dict[str, Any]:
    sig = doc.signature
    return {
        "front_matter": {k: v[0] for k, v in doc.front_matter.items()},
        "document_number": doc.doc_number[0] if doc.doc_number else None,
        "title": doc.title.text if doc.title else None,
        "introduction": [p.text for p in doc.intro],
        "sections": [_section_json(doc, s) for s in doc.sections],
        "tables": [_table_json(doc, t) for t in doc.tables],
        "signature": {"agency": sig.agency, "date": sig.date.isoformat() if sig.date else None} if sig else None,
        "attachments": [p.text for p in doc.attachments],
    }
