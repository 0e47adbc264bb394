"""Compiled regular expressions kept between runs, so a cold start does not compile them again.

Python compiles a pattern by parsing it and generating SRE code, and a character class that
holds a Chinese character makes that slow (a 65,536-entry map per class: 0.2–2 ms a pattern).
gipcheck and its rule files use a few hundred such patterns, and compiling them was a third of a
cold ``gipcheck check``. The SRE code is plain data (a list of integers): this module stores it
in the cache (``gipcheck/cache.py``: JSON, this user's files only) and, at import, builds the
pattern objects from it with ``_sre.compile`` — which validates the code — and puts them in
``re``'s own cache, where every ``re.compile`` and ``re.search(str)`` looks first. At exit, the
patterns this run compiled that the cache did not hold are added (from the second run on: the
first, a cache miss anyway, is not made slower still).

It relies on CPython internals (``re._cache``, ``re._parser``, ``re._compiler``, ``_sre``), so
it is used only where they look as expected, keyed by the exact Python build; anywhere else, or
on any failure, patterns are simply compiled as usual.
"""
from __future__ import annotations

import atexit
import re
import sys
from typing import Any

_KIND = "regex"
_loaded: set[tuple[str, int]] = set()


def _supported() -> bool:
    return (sys.implementation.name == "cpython" and isinstance(getattr(re, "_cache", None), dict)
            and hasattr(re, "_compiler") and hasattr(re, "_parser"))


def _key() -> str:
    """The exact Python build: SRE code is valid only for the engine that made it."""
    import zlib

    import _sre

    build = f"{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}"
    return f"{sys.version_info[0]}{sys.version_info[1]}-{zlib.crc32(build.encode()):08x}"


def load() -> None:
    """Fill ``re``'s cache from the stored patterns, and store this run's new ones at exit."""
    if not _supported():
        return
    from . import cache

    if cache.directory() is None:
        return
    try:
        import _sre

        entries = cache.load(_KIND, _key())
    except Exception:  # noqa: BLE001 - no cache: compile as usual
        return
    good: list[Any] = []
    for entry in entries if isinstance(entries, list) else ():
        try:
            pattern, flags, final_flags, code, groups, groupindex, indexgroup = entry
            compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
            if compiled.pattern != pattern or not isinstance(flags, int):
                continue
        except Exception:  # noqa: BLE001 - a damaged entry (or a foreign file) is skipped and dropped
            continue
        re._cache[(str, pattern, flags)] = compiled  # type: ignore[attr-defined]
        _loaded.add((pattern, flags))
        good.append(entry)
    _stored[:] = good
    # The first run with no stored patterns only leaves an empty list: storing them means
    # compiling each again, which a run that is already a cache miss (rules, grammar) should
    # not pay; the next run stores them.
    atexit.register(_save, len(good) != len(entries or ()), entries is None)


_stored: list[Any] = []


def _entry(pattern: str, flags: int) -> list[Any]:
    """What ``re._compiler.compile`` hands to ``_sre.compile``, as plain data."""
    parsed = re._parser.parse(pattern, flags)  # type: ignore[attr-defined]
    code = re._compiler._code(parsed, flags)  # type: ignore[attr-defined]
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return [pattern, flags, flags | parsed.state.flags, list(code), parsed.state.groups - 1, groupindex, indexgroup]


def _save(dropped: bool = False, first: bool = False) -> None:
    try:
        if first:
            from . import cache

            cache.save(_KIND, _key(), [])
            return
        new = [(p, f) for (t, p, f) in list(re._cache) if t is str and isinstance(f, int)  # type: ignore[attr-defined]
               and not f & re.DEBUG and (p, f) not in _loaded]
        if not new and not dropped:
            return
        from . import cache

        entries = _stored + [_entry(p, f) for p, f in dict.fromkeys(new)]
        cache.save(_KIND, _key(), entries[-2000:])
    except Exception:  # noqa: BLE001 - the cache is never required
        pass
