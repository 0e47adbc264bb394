"""Small helpers the table readers share."""
from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import fold_label as fold  # label folding, defined once (whitespace and quotes removed)


@lru_cache(maxsize=1024)
def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def view_of(doc) -> str:
    return doc.source.view


__all__ = ["fold", "rx", "view_of"]
