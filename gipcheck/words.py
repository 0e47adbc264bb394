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
_MOST_ASKED = 50_000  # answers kept (about 5 MB at most)


class CompactFreq:
    """jieba's ``FREQ`` (word → count, a prefix of a word → 0) as one string per first character.

    Each string is ``"\\n" + lines``, its lines as in ``dict.txt``; a fragment is in the mapping
    when some line starts with it, and its count is that of the last line that is exactly it
    (jieba keeps the last of a repeated word). A character's string is decoded from the file's
    bytes the first time jieba asks about it: a report's clauses meet a few hundred of the
    23,000 first characters, and decoding them all was most of building the segmenter."""

    def __init__(self, data: bytes, spans: dict[str, list[list[int]]]) -> None:
        self._data = data  # the dictionary file's bytes (with a line break before the first line)
        self._spans = spans  # first character → where its lines are in data (each with the break before)
        self._runs: dict[str, str] = {}
        self._asked: dict[str, int | None] = {}  # fragment → its count, 0 or None: jieba asks each twice

    def _run(self, first: str) -> str | None:
        run = self._runs.get(first)
        if run is None:
            spans = self._spans.get(first)
            if spans is None:
                return None
            parts = [self._data[a:b].decode("utf-8") for a, b in spans]
            run = self._runs[first] = parts[0] + "".join(p[1:] for p in parts[1:])  # a character met again later
        return run

    def __contains__(self, frag: object) -> bool:
        return isinstance(frag, str) and self._look(frag) is not None

    def get(self, frag: str, default: Any = None) -> Any:
        found = self._look(frag)
        return default if found is None else found

    def _look(self, frag: str) -> int | None:
        """The fragment's count, 0 for a prefix of a word, None when no word starts with it.
        Each answer is a search through its first character's lines (tens of KB for 中 or 公),
        so answers are kept: jieba asks ``frag in FREQ`` and then ``FREQ[frag]``, and the same
        words come back in every report (bounded: a batch's clauses could ask without end)."""
        asked = self._asked
        if frag in asked:
            return asked[frag]
        run = self._run(frag[:1])
        found: int | None = None
        if run is not None:
            i = run.rfind("\n" + frag + " ")
            if i >= 0:
                found = int(_DIGITS.match(run, i + len(frag) + 2).group())
            elif ("\n" + frag) in run:
                found = 0
        if len(asked) >= _MOST_ASKED:
            asked.clear()
        asked[frag] = found
        return found

    def __getitem__(self, frag: str) -> int:
        value = self.get(frag)
        if value is None:
            raise KeyError(frag)
        return value


def load_dictionary(path: Path) -> tuple[CompactFreq, int]:
    """The compact ``FREQ`` and jieba's ``total`` (the sum of every line's count) from a dict file."""
    raw = path.read_bytes()
    if b"\r" in raw:  # (jieba's own file has none: copying 5 MB to find out costs more than looking)
        raw = raw.replace(b"\r\n", b"\n")
    data = b"\n" + raw
    if not data.endswith(b"\n"):
        data += b"\n"
    index = _index(path, data)
    return CompactFreq(data, index["spans"]), index["total"]


def _index(path: Path, data: bytes) -> dict[str, Any]:
    """Where each first character's lines are, and jieba's ``total`` (the sum of the dictionary's
    349,000 counts): the same for the same file, so cached by the file's size and time (finding
    them is a pass of two patterns over 5 MB; reading them back is a few milliseconds)."""
    from . import cache

    st = path.stat()
    key = f"{st.st_size}-{st.st_mtime_ns}"
    hit = cache.load("jieba-index", key)
    if isinstance(hit, dict) and isinstance(hit.get("total"), int) and isinstance(hit.get("spans"), dict):
        return hit
    spans: dict[str, list[list[int]]] = {}
    for m in _RUN.finditer(data, 1):
        spans.setdefault(m.group(1).decode("utf-8"), []).append([m.start() - 1, m.end()])
    index = {"total": sum(int(m.group(1)) for m in _COUNT.finditer(data)), "spans": spans}
    cache.save("jieba-index", key, index)
    return index


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
