"""Where the grammar and rule files live: inside the wheel, or at the top of a source checkout."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """``grammars`` or ``rules``: packaged copy first (wheel), then the repository (editable)."""
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gipcheck data folder {name!r} not found (looked in {_PKG / '_data'} and {_PKG.parent})")
