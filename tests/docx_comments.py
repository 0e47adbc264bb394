"""Read a .docx's comments back as Word does: each comment's text and the text its range covers."""
from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def comment_texts(data: bytes) -> dict[str, tuple[str, str]]:
    """comment id → (author, text with paragraphs joined by newlines)."""
    with zipfile.ZipFile(BytesIO(data)) as zf:
        if "word/comments.xml" not in zf.namelist():
            return {}
        root = etree.fromstring(zf.read("word/comments.xml"))
    out = {}
    for c in root.iter(W + "comment"):
        paras = ["".join(t.text or "" for t in p.iter(W + "t")) for p in c.iter(W + "p")]
        out[c.get(W + "id")] = (c.get(W + "author"), "\n".join(paras))
    return out


def anchored_texts(data: bytes) -> dict[str, str]:
    """comment id → the body text between its commentRangeStart and commentRangeEnd (paragraphs
    joined by newlines), in document order, as Word highlights it."""
    with zipfile.ZipFile(BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    open_ids: set[str] = set()
    texts: dict[str, list[str]] = {}
    for el in root.iter():
        tag = el.tag
        if tag == W + "commentRangeStart":
            open_ids.add(el.get(W + "id"))
            texts.setdefault(el.get(W + "id"), [])
        elif tag == W + "commentRangeEnd":
            open_ids.discard(el.get(W + "id"))
        elif tag == W + "t" and el.getparent().tag == W + "r":
            for i in open_ids:
                texts[i].append(el.text or "")
        elif tag == W + "tab" and el.getparent().tag == W + "r":
            for i in open_ids:
                texts[i].append("\t")
        elif tag == W + "p":
            for i in open_ids:
                if texts[i]:
                    texts[i].append("\n")
    return {i: "".join(t) for i, t in texts.items()}
