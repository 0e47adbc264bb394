"""Small helpers the table readers share."""
from __future__ import annotations

import re
from functools import lru_cache


def fold(text: str) -> str:
    """A label as matched: whitespace and quotes removed (the view is already width-folded)."""
    return re.sub(r"[\s\"'“”‘’「」]", "", text)


@lru_cache(maxsize=1024)
def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def view_of(doc) -> str:
    return doc.source.view
