"""A small on-disk cache for things that are slow to build and depend only on files we know:
the validated rule set and the Lark parser tables. Never required: any failure means a miss.

The cache holds data, never code: JSON, with a few tags for what JSON lacks (tuples, sets,
mappings with non-string keys, and objects of classes the *reader* names — nothing in a file
can choose what gets built). A file is read only when it is a regular file owned by this user
and writable by no one else, so a shared or restored cache directory cannot feed one user's
run with another's results; a planted file of any kind is a miss.

Location: ``$GIPCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/gipcheck``, else ``~/.cache/gipcheck``.
``GIPCHECK_NO_CACHE=1`` turns it off. gipcheck never writes next to the reports it checks.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any, Iterable

VERSION = "2"  # 1 was pickle: its files are never read


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
    import hashlib

    from . import __version__

    h = hashlib.sha256(f"{VERSION}|{__version__}|{sys.version_info[:2]}".encode())
    try:
        for f in files:
            h.update(str(f).encode() + b"\0" + Path(f).read_bytes() + b"\0")
        # the check code's own source: a changed check signature must not meet old params
        pkg = Path(__file__).resolve().parent
        for src in sorted((pkg / "checks").glob("*.py")) + sorted((pkg / "tables").glob("*.py")) + \
                [pkg / "rules.py", pkg / "ruleset.py"]:
            h.update(src.read_bytes())
    except OSError:
        return None
    return h.hexdigest()[:32]


# -- plain data <-> JSON -----------------------------------------------------------------------

def encode(value: Any) -> Any:
    """``value`` as JSON-ready data: tuples, sets, non-string keys and objects (their
    ``__dict__`` or ``__slots__``, tagged with the class name) become tagged objects."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$f": [encode(v) for v in value]}
    if isinstance(value, set):
        return {"$s": [encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$d": [[encode(k), encode(v)] for k, v in value.items()]}
    return {"$o": type(value).__name__, "v": {k: encode(v) for k, v in _attributes(value).items()}}


def _attributes(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "__dict__"):
        return dict(vars(obj))
    slots = [s for cls in type(obj).__mro__ for s in getattr(cls, "__slots__", ())]
    if not slots:
        raise TypeError(f"cannot cache a {type(obj).__name__}")
    return {s: getattr(obj, s) for s in slots if hasattr(obj, s)}


def decode(data: str, classes: dict[str, type] | None = None) -> Any:
    """The inverse of :func:`encode` on JSON text. An object tag names one of ``classes`` or
    the whole file is refused (``ValueError``): the reader decides what can be built."""
    classes = classes or {}

    def hook(d: dict[str, Any]) -> Any:
        if len(d) == 1:
            (tag, v), = d.items()
            if tag == "$t":
                return tuple(v)
            if tag == "$s":
                return set(v)
            if tag == "$f":
                return frozenset(v)
            if tag == "$d":
                return {_hashable(k): val for k, val in v}
        elif len(d) == 2 and "$o" in d and "v" in d:
            cls = classes.get(d["$o"]) if isinstance(d["$o"], str) else None
            if cls is None or not isinstance(d["v"], dict):
                raise ValueError(f"cache names a class this reader does not build: {d['$o']!r}")
            obj = cls.__new__(cls)
            for k, val in d["v"].items():
                object.__setattr__(obj, k, val)
            return obj
        return d

    return json.loads(data, object_hook=hook)


def _hashable(k: Any) -> Any:
    return tuple(_hashable(x) for x in k) if isinstance(k, list) else k


# -- files -------------------------------------------------------------------------------------

def _trusted(path: Path) -> bool:
    """A regular file of this user's that no one else can write. (Where there are no owners,
    as on Windows, every readable file counts as this user's.)"""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is not None and st.st_uid != getuid():
        return False
    return not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


# Text as UTF-8, not \u escapes: reading the rule set's Chinese messages escaped took a third
# longer. A lone surrogate (a pattern's range [\ud800-\udfff]) is written as its own code unit.
_ERRORS = "surrogatepass"


def load(kind: str, key: str, classes: dict[str, type] | Iterable[type] | None = None) -> Any:
    """The cached value, or None for a miss (absent, foreign, unreadable, damaged)."""
    d = directory()
    if d is None:
        return None
    if classes is not None and not isinstance(classes, dict):
        classes = {c.__name__: c for c in classes}
    path = d / f"{kind}-{key}.json"
    if not _trusted(path):
        return None
    try:
        with open(path, encoding="utf-8", errors=_ERRORS) as fh:
            return decode(fh.read(), classes)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is just a miss
        return None


def save(kind: str, key: str, value: Any) -> None:
    d = directory()
    if d is None:
        return
    import tempfile

    tmp = None
    try:
        text = json.dumps(encode(value), separators=(",", ":"), ensure_ascii=False)
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{kind}-")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8", errors=_ERRORS) as fh:
            fh.write(text)
        os.replace(tmp, d / f"{kind}-{key}.json")  # atomic: parallel runs never read half a file
    except Exception:  # noqa: BLE001 - a read-only home or a full disk: run without a cache
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
