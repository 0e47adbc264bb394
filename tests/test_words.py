"""The compact dictionary (gipcheck.words) must segment exactly as jieba's own tokenizer does."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

jieba = pytest.importorskip("jieba")

from gipcheck import words  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
_CLAUSE = re.compile(r"[。;:!?,、\s()“”《》\"'，；：！？（）]")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    ref = jieba.Tokenizer()
    ref.tmp_dir = str(tmp_path_factory.mktemp("jieba"))  # its marshal cache, private to this test
    ref.initialize()
    return words.tokenizer(), ref


def _clauses() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.txt"))]
    return [c for t in texts for c in _CLAUSE.split(t) if c]


def test_same_words_as_jieba_on_every_clause_of_the_text_fixtures(pair) -> None:
    ours, ref = pair
    clauses = _clauses()
    assert len(clauses) > 1000
    assert [c for c in clauses if list(ours.cut(c)) != list(ref.cut(c))] == []


def test_same_answers_as_jiebas_dictionary(pair) -> None:
    """Membership (a word or a word's prefix) and counts, on words, prefixes, near-misses and text."""
    ours, ref = pair
    rnd = random.Random(7)
    keys = list(ref.FREQ)
    frags = rnd.sample(keys, 20000) + [k + "的" for k in rnd.sample(keys, 3000)]
    frags += [c[i:i + 3] for c in _clauses()[:2000] for i in range(len(c))] + ["", "AT&T", "c#", "𠀀"]
    assert ours.total == ref.total
    assert [f for f in frags if (f in ours.FREQ) != (f in ref.FREQ) or ours.FREQ.get(f) != ref.FREQ.get(f)] == []
    with pytest.raises(KeyError):
        ours.FREQ["不是词的一串字符"]


def test_a_tenth_of_jiebas_memory(pair) -> None:
    ours, _ref = pair
    for first in list(ours.FREQ._spans):
        ours.FREQ._run(first)  # every character's lines decoded: the most it ever holds
    size = sum(len(k) + len(v) for k, v in ours.FREQ._runs.items()) + len(ours.FREQ._data) // 2
    assert size < 6_500_000  # characters (about 7 MB) and the file's bytes (5 MB); jieba's own dict
    # holds ~580,000 keys (about 70 MB)


def test_the_segmenter_does_not_import_pkg_resources():
    """jieba finds its model files through pkg_resources when it is installed (0.2 s, 10 MB in
    every worker); the segmenter imports jieba without it, and cuts the same."""
    import subprocess
    import sys

    code = ("import sys\nfrom gipcheck import words\n"
            "print(list(words.tokenizer().cut('公开公开栏')), 'pkg_resources' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['公开', '公开栏'] False"


def test_the_cached_index_gives_the_same_words(tmp_path, monkeypatch, pair) -> None:
    """Built once (the index found and cached), then again from the cache: the same cuts."""
    _ours, ref = pair
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    first = words.tokenizer()
    assert list(tmp_path.glob("jieba-index-*.json"))
    second = words.tokenizer()
    clauses = _clauses()[:3000]
    assert [list(second.cut(c)) for c in clauses] == [list(first.cut(c)) for c in clauses] == \
        [list(ref.cut(c)) for c in clauses]
