"""Regular expressions from rule files, matched with a time limit.

A rule file is data a user wrote (``--rules``, ``extend-rules``): a pattern such as ``(a+)+$``
backtracks for ever on a line of 40 ``a``, and Python's ``re`` cannot be stopped. Patterns are
therefore compiled with the `regex <https://pypi.org/project/regex/>`_ package (VERSION0, the
``re`` dialect) and every match call gets a timeout; when it runs out the match is abandoned
with :class:`PatternTimeout`, which the engine reports as GIP007 naming the rule, and every
other check still runs.

Why ``regex`` and not RE2 (``google-re2``): RE2 never backtracks, but it refuses lookbehind and
back-references, which 12 of the 156 built-in patterns use (``(?<!不)予以公开``, ``([,;:、。])\\1+``);
``regex`` accepts all of them and, measured on the built-in patterns over a 32k-character report,
matched them in 0.12 s against ``re``'s 0.56 s.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

import regex

TIMEOUT = 1.0  # seconds for one match call (regex overshoots under load: ~3 s measured); a real report needs < 0.01 s


class PatternTimeout(Exception):
    """A match that ran past :data:`TIMEOUT` and was abandoned."""

    def __init__(self, pattern: str, seconds: float) -> None:
        super().__init__(f"pattern {pattern!r} abandoned after {seconds:g} s")
        self.pattern = pattern
        self.seconds = seconds


class SafePattern:
    """The part of ``re.Pattern`` the checks use, each call bounded by a timeout."""

    __slots__ = ("_rx", "pattern", "flags", "timeout")

    def __init__(self, pattern: str, flags: int = 0, timeout: float = TIMEOUT) -> None:
        self._rx = regex.compile(pattern, int(flags) | regex.VERSION0)
        self.pattern = pattern
        self.flags = flags
        self.timeout = timeout

    def _call(self, name: str, *args: Any) -> Any:
        try:
            return getattr(self._rx, name)(*args, timeout=self.timeout)
        except TimeoutError:
            raise PatternTimeout(self.pattern, self.timeout) from None

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._call("search", string, pos, len(string) if endpos is None else endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._call("match", string, pos, len(string) if endpos is None else endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._call("fullmatch", string, pos, len(string) if endpos is None else endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        it = self._call("finditer", string, pos, len(string) if endpos is None else endpos)
        while True:
            try:
                yield next(it)
            except StopIteration:
                return
            except TimeoutError:
                raise PatternTimeout(self.pattern, self.timeout) from None

    def findall(self, string: str, pos: int = 0, endpos: int | None = None) -> list[Any]:
        return self._call("findall", string, pos, len(string) if endpos is None else endpos)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self._call("sub", repl, string, count)

    @property
    def groupindex(self) -> Any:
        return self._rx.groupindex

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r})"


_TRUSTED: set[str] = set()  # patterns of gipcheck's own rule files (ruleset._trust_shipped)


def trust(patterns: set[str]) -> None:
    """Patterns gipcheck ships: they run on ``re``, whose speed and behaviour they were written for."""
    _TRUSTED.update(patterns)


@lru_cache(maxsize=1024)
def compile(pattern: str, flags: int = 0, parts: tuple[str, ...] = ()) -> Any:  # noqa: A001 - the name re users expect
    """A compiled pattern: ``re``'s for gipcheck's own patterns, else one with a bounded match
    time (cached, as ``re.compile`` is). ``parts``: the rule-file patterns a pattern was built
    from (an alternation of them): it is gipcheck's own when each of them is."""
    if pattern in _TRUSTED or (parts and all(p in _TRUSTED for p in parts)):
        import re

        return re.compile(pattern, flags)
    return SafePattern(pattern, flags)


def validate(pattern: str) -> None:
    """Raise ``ValueError`` for a pattern neither ``re`` nor ``regex`` would compile."""
    try:
        regex.compile(pattern, regex.VERSION0)
    except regex.error as exc:
        raise ValueError(str(exc)) from None
