"""A small on-disk cache for things that are slow to build and depend only on files we know:
the validated rule set and the Lark parser tables. Never required: any failure means a miss.

Location: ``$GIPCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/gipcheck``, else ``~/.cache/gipcheck``.
``GIPCHECK_NO_CACHE=1`` turns it off. gipcheck never writes next to the reports it checks.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

VERSION = "1"


def directory() -> Path | None:
    if os.environ.get("GIPCHECK_NO_CACHE"):
        return None
    base = os.environ.get("GIPCHECK_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "gipcheck" if xdg else Path.home() / ".cache" / "gipcheck"


def key_for(files: list[Path]) -> str | None:
    """A key from the files' bytes, gipcheck's own code version and the Python version."""
    from . import __version__

    h = hashlib.sha256(f"{VERSION}|{__version__}|{sys.version_info[:2]}".encode())
    try:
        for f in files:
            h.update(str(f).encode() + b"\0" + Path(f).read_bytes() + b"\0")
        # the check code's own source: a changed check signature must not meet old params
        pkg = Path(__file__).resolve().parent
        for src in sorted((pkg / "checks").glob("*.py")) + sorted((pkg / "tables").glob("*.py")) + [pkg / "rules.py"]:
            h.update(src.read_bytes())
    except OSError:
        return None
    return h.hexdigest()[:32]


def load(kind: str, key: str) -> Any:
    d = directory()
    if d is None:
        return None
    try:
        with open(d / f"{kind}-{key}.pickle", "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - a missing, stale or foreign cache file is just a miss
        return None


def save(kind: str, key: str, value: Any) -> None:
    d = directory()
    if d is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{kind}-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, d / f"{kind}-{key}.pickle")  # atomic: parallel runs never read half a file
    except Exception:  # noqa: BLE001 - a read-only home or a full disk: run without a cache
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:  # noqa: BLE001
            pass
