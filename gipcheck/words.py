"""Word boundaries for GIP602 (a word written twice): jieba, over a compact copy of its dictionary.

jieba's own tokenizer keeps its 350,000-word dictionary as a dict of every word and every
prefix of a word (about 580,000 keys): some 70 MB in every process that segments a single
sentence, and a second or so to load. GIP602 segments a few short clauses per report, so here
the same dictionary is one string per first character (about 7 MB in all, read straight from
jieba's ``dict.txt``) and jieba's own algorithm (prefix DAG, best route, HMM for unknown runs)
runs over it unchanged: :class:`CompactFreq` answers exactly the questions jieba asks of its dict
(``frag in FREQ``, ``FREQ[frag]``, ``FREQ.get(frag)``), with the same answers. No dictionary
cache is written or read (jieba's own is marshal, unsafe to load from a shared directory).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# a run of dictionary lines that start with the same character ("word count [tag]\n"), in UTF-8:
# a character is a lead byte and its continuation bytes
_RUN = re.compile(rb"^([\x00-\x7f]|[\xc0-\xff][\x80-\xbf]*)[^\n]*\n(?:\1[^\n]*\n)*", re.MULTILINE)
_COUNT = re.compile(rb"^[^ \n]+ ([0-9]+)", re.MULTILINE)
_DIGITS = re.compile(r"[0-9]+")


class CompactFreq:
    """jieba's ``FREQ`` (word → count, a prefix of a word → 0) as one string per first character.

    Each string is ``"\\n" + lines``, its lines as in ``dict.txt``; a fragment is in the mapping
    when some line starts with it, and its count is that of the last line that is exactly it
    (jieba keeps the last of a repeated word)."""

    def __init__(self, runs: dict[str, str]) -> None:
        self._runs = runs

    def __contains__(self, frag: object) -> bool:
        run = self._runs.get(frag[:1]) if isinstance(frag, str) else None
        return run is not None and ("\n" + frag) in run

    def get(self, frag: str, default: Any = None) -> Any:
        run = self._runs.get(frag[:1])
        if run is None:
            return default
        i = run.rfind("\n" + frag + " ")
        if i >= 0:
            return int(_DIGITS.match(run, i + len(frag) + 2).group())
        return 0 if ("\n" + frag) in run else default

    def __getitem__(self, frag: str) -> int:
        value = self.get(frag)
        if value is None:
            raise KeyError(frag)
        return value


def load_dictionary(path: Path) -> tuple[CompactFreq, int]:
    """The compact ``FREQ`` and jieba's ``total`` (the sum of every line's count) from a dict file."""
    # bytes, decoded a run at a time (with the line break before it): the whole file is never a
    # str, and each run is decoded straight into the string that is kept
    data = b"\n" + path.read_bytes().replace(b"\r\n", b"\n")
    if not data.endswith(b"\n"):
        data += b"\n"
    runs: dict[str, str] = {}
    for m in _RUN.finditer(data, 1):
        first = m.group(1).decode("utf-8")
        run = data[m.start() - 1:m.end()].decode("utf-8")
        runs[first] = runs[first] + run[1:] if first in runs else run  # a character met again later
    return CompactFreq(runs), _total(path, data)


def _total(path: Path, data: bytes) -> int:
    """jieba's ``total``, the sum of the dictionary's 349,000 counts: two thirds of building the
    segmenter, and the same for the same file, so it is cached by the file's size and time."""
    from . import cache

    st = path.stat()
    key = f"{st.st_size}-{st.st_mtime_ns}"
    hit = cache.load("jieba-total", key)
    if isinstance(hit, int) and not isinstance(hit, bool):
        return hit
    total = sum(int(m.group(1)) for m in _COUNT.finditer(data))
    cache.save("jieba-total", key, total)
    return total


def _import_jieba() -> Any:
    """jieba, imported without pkg_resources: when that is installed jieba finds its model files
    through it, which costs 0.2 s, 10 MB in every process and a deprecation warning; without it
    jieba opens them beside its own module, the same files."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # "import pkg_resources" raises ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def tokenizer() -> Any:
    """A jieba tokenizer over the compact dictionary: jieba's segmentation, a tenth of its memory."""
    import logging

    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = load_dictionary(Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    tok.initialized = True  # jieba would load its own dict (and a marshal cache) otherwise
    return tok
