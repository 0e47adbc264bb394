"""Which reports belong together: the agency a report is of, in a form two spellings share.

``区人民政府办公室`` and ``区政府办`` are one office; ``平潭综合实验区管委会`` and
``平潭综合实验区`` one body. The forms are data (``vocabulary.cross.agency_forms`` in
``rules/cross.yaml``): each is a regex and its replacement, applied in order.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..ast import Document
from ..facts import Facts

_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"^(?:关于|标题[:：])")


def report_agency(doc: Document, facts: Facts) -> str | None:
    """The agency as the report names it: title, else signature, else the page's 发布机构."""
    for name in (facts.agency, doc.signature.agency if doc.signature else None,
                 (doc.front_matter.get("发布机构") or (None,))[0]):
        if name and name.strip():
            return _LEAD.sub("", _SPACE.sub("", name)).strip("的") or None
    return None


@lru_cache(maxsize=64)
def _compiled(forms: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), r) for p, r in forms]


def agency_key(agency: str | None, forms: list[dict[str, str]] | list[list[str]]) -> str | None:
    """The agency's name reduced to a comparable form (``None`` when the report names none)."""
    if not agency:
        return None
    pairs = tuple((f["pattern"], f.get("replace", "")) if isinstance(f, dict) else (f[0], f[1]) for f in forms)
    key = agency
    for pattern, repl in _compiled(pairs):
        key = pattern.sub(repl, key)
    return key or None
