"""The cache holds data, not code, and never changes a result: a planted pickle is ignored,
foreign or damaged files are misses, and concurrent cold starts, unwritable and full cache
directories give the same findings as no cache at all."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from gipcheck import cache

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seeds" / "003_4c2f8b4fce2606f9.txt"


def run_check(cache_dir: Path | str | None, *paths: Path) -> str:
    """``gipcheck check --format json`` in a fresh process; the output without timing fields."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIPCHECK_")}
    if cache_dir is None:
        env["GIPCHECK_NO_CACHE"] = "1"
    else:
        env["GIPCHECK_CACHE_DIR"] = str(cache_dir)
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "--isolated", *map(str, paths or (SEED,)),
                           "--format", "json"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def expected() -> str:
    return run_check(None)


class _Boom:
    """Unpickling this runs code: it creates the file named by ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_is_never_run(tmp_path: Path, expected: str) -> None:
    cache_dir = tmp_path / "cache"
    assert run_check(cache_dir) == expected  # writes the real cache files
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Boom(marker))
    planted = list(cache_dir.iterdir())
    assert planted, "the first run wrote no cache file"
    for f in planted:  # every cache file, under its own name and under the old pickle names
        f.write_bytes(payload)
        f.with_suffix(".pickle").write_bytes(payload)
        os.chmod(f.with_suffix(".pickle"), 0o600)
    (cache_dir / "grammar.lark-cache").write_bytes(payload)  # lark's own cache file name
    assert run_check(cache_dir) == expected
    assert not marker.exists(), "a planted pickle was executed"


def test_json_cannot_name_a_class_to_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    with pytest.raises(ValueError):
        cache.decode(json.dumps({"$o": "system", "v": {}}), {})
    path = tmp_path / "rules-k.json"
    path.write_text(json.dumps({"x": {"$o": "Popen", "v": {"args": "touch x"}}}), encoding="utf-8")
    os.chmod(path, 0o600)
    assert cache.load("rules", "k", {}) is None


def test_round_trip_of_plain_data() -> None:
    value = {"a": (1, 2), 3: [{"$x": None}], "s": {1}, "f": frozenset({"z"}), (1, "b"): 1.5, "t": True}
    assert cache.decode(json.dumps(cache.encode(value))) == value


def test_text_round_trips_through_a_cache_file(tmp_path: Path, monkeypatch) -> None:
    """Cache files hold text as UTF-8 (not escapes), lone surrogates included (a pattern's range)."""
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    value = {"zh": "政府信息公开工作年度报告", "range": "[\ud800-\udfff]", "lone": "a\ud800b", "nul": "\x00\u2028"}
    cache.save("demo", "t", value)
    assert cache.load("demo", "t") == value
    assert "政府信息公开".encode() in (tmp_path / "demo-t.json").read_bytes()


def test_files_others_can_write_are_not_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    cache.save("demo", "k", {"v": 1})
    path = tmp_path / "demo-k.json"
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert cache.load("demo", "k") == {"v": 1}
    os.chmod(path, 0o620)  # group-writable: anyone in the group could have planted it
    assert cache.load("demo", "k") is None
    os.chmod(path, 0o602)
    assert cache.load("demo", "k") is None
    os.chmod(path, 0o600)
    if hasattr(os, "chown") and os.getuid() == 0:
        os.chown(path, 65534, -1)  # another user's file
        assert cache.load("demo", "k") is None
        os.chown(path, 0, -1)
    link = tmp_path / "demo-l.json"
    link.symlink_to(path)
    assert cache.load("demo", "l") is None  # not a regular file of ours: a link is refused


def test_damaged_cache_files_are_misses(tmp_path: Path, expected: str) -> None:
    cache_dir = tmp_path / "cache"
    assert run_check(cache_dir) == expected
    for f in cache_dir.iterdir():
        data = f.read_bytes()
        f.write_bytes(data[: len(data) // 2])  # truncated
    assert run_check(cache_dir) == expected
    for f in cache_dir.iterdir():
        f.write_text('{"data": {"$t": 5}, "memo": [], "checks": 7}', encoding="utf-8")  # valid JSON, wrong shape
    assert run_check(cache_dir) == expected
    assert run_check(cache_dir) == expected  # and the rewritten files are good again


def test_an_unwritable_cache_directory_changes_nothing(tmp_path: Path, expected: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert run_check(blocker / "cache") == expected  # mkdir fails: runs without a cache
    assert run_check("/proc/self/gipcheck-cache") == expected


def test_a_full_disk_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    import errno

    from gipcheck import api

    monkeypatch.setenv("GIPCHECK_NO_CACHE", "1")
    monkeypatch.setattr(api, "_RULES", {})
    want = [f.to_json() for f in api.check_file(SEED).findings]
    monkeypatch.delenv("GIPCHECK_NO_CACHE")
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", full)
    monkeypatch.setattr(api, "_RULES", {})
    assert [f.to_json() for f in api.check_file(SEED).findings] == want
    assert list(tmp_path.iterdir()) == []


def test_concurrent_cold_starts_agree(tmp_path: Path, expected: str) -> None:
    cache_dir = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIPCHECK_")}
    env["GIPCHECK_CACHE_DIR"] = str(cache_dir)
    cmd = [sys.executable, "-m", "gipcheck", "check", "--isolated", str(SEED), "--format", "json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for _ in range(8)]
    outs = [p.communicate(timeout=300) for p in procs]
    for out, err in outs:
        assert "Traceback" not in err, err
        assert out == expected
    assert run_check(cache_dir) == expected  # the files they raced to write are whole
    assert not [f for f in cache_dir.iterdir() if f.name.startswith(".")], "temporary files left behind"


def test_the_plain_default_configuration_is_the_schemas_default() -> None:
    """A run without a configuration file uses plain defaults (no pydantic): they must be what
    the schema gives an empty file."""
    from gipcheck.config import Config
    from gipcheck.config_model import ConfigModel

    schema = ConfigModel()
    plain = Config().model
    assert {k: getattr(plain, k) for k in ConfigModel.model_fields} == {k: getattr(schema, k) for k in ConfigModel.model_fields}
    assert plain.model_dump(by_alias=True) == schema.model_dump(by_alias=True)


def _warm_modules(tmp_path: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIPCHECK_")}
    env["GIPCHECK_CACHE_DIR"] = str(tmp_path)
    code = ("import sys, gipcheck.cli as c\n"
            "try:\n    c.main(['check', sys.argv[1], '--format', 'json', '-o', sys.argv[2]])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pydantic', 'yaml', 'gipcheck.rules', 'gipcheck.checks.models', "
            "'gipcheck.config_model', 'tomllib') if m in sys.modules))")
    report = tmp_path / "report.txt"  # away from this repository's pyproject.toml
    report.write_bytes(SEED.read_bytes())
    args = [sys.executable, "-c", code, str(report), str(tmp_path / "out.json")]
    subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)  # cold: fills the cache
    warm = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    return json.loads(warm.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_the_warm_path_imports_no_pydantic(tmp_path: Path) -> None:
    """Checking a report with a warm cache and no configuration file: no pydantic, no YAML, no
    rule-file loading or validation code, no TOML parser (the cache holds plain data)."""
    assert _warm_modules(tmp_path) == []


def test_shipped_rule_files_read_the_same_with_libyaml() -> None:
    """The shipped rule files are parsed with libyaml on a cache miss: same data, same lines."""
    from gipcheck.rules import load_file
    from gipcheck.ruleset import default_files

    for f in default_files():
        assert load_file(f, shipped=True)[1] == load_file(f, shipped=False)[1], f


def test_compiled_patterns_from_the_cache_are_the_patterns() -> None:
    """The regex cache rebuilds a pattern from its stored SRE code: same pattern, flags, groups
    and the same matches as compiling it."""
    import re

    import _sre

    from gipcheck import regex_cache

    cases = [(r"(?P<y>\d{4})\s*年(?P<m>\d{1,2})月", 0), (r"[。;!?]\s*(?:附[件表])", re.M),
             (r"(?<![A-Za-z])word\s*版", re.I | re.M), (r"^[ \t]*第\s*\d{1,4}\s*页[ \t]*$", re.M),
             (r"([\u4e00-\u9fff]{2,4})\1", 0), ("[\ud800-\udfff]", 0)]
    samples = ["2019年 3月", "文字。附件1", "xx WORD 版", "  第 3 页\n", "公开公开", "a\ud800b", ""]
    for pattern, flags in cases:
        entry = json.loads(json.dumps(regex_cache._entry(pattern, flags)))  # through JSON, as stored
        p, f, final, code, groups, groupindex, indexgroup = entry
        built = _sre.compile(p, final, code, groups, groupindex, tuple(indexgroup))
        fresh = re.compile(pattern, flags)
        assert (built.pattern, built.flags, built.groups, built.groupindex) == \
            (fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
        for s in samples:
            assert [m.span() for m in built.finditer(s)] == [m.span() for m in fresh.finditer(s)]
            assert [m.groups() for m in built.finditer(s)] == [m.groups() for m in fresh.finditer(s)]


def test_damaged_sre_code_in_the_cache_is_refused(tmp_path: Path, monkeypatch) -> None:
    """_sre validates the code it is given: a tampered entry raises, and the loader treats the
    whole file as a miss."""
    import _sre

    from gipcheck import regex_cache

    p, f, final, code, groups, groupindex, indexgroup = regex_cache._entry(r"a(b)c", 0)
    with pytest.raises(RuntimeError):
        _sre.compile(p, final, [99999] + code[1:], groups, groupindex, tuple(indexgroup))
    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    cache.save("regex", regex_cache._key(), [[p, f, final, [99999] + code[1:], groups, groupindex, indexgroup]])
    regex_cache.load()  # must not raise, must not install the tampered pattern
    import re

    assert re.compile(r"a(b)c").match("abc")


def test_jieba_never_reads_or_writes_a_dictionary_cache(tmp_path: Path, monkeypatch) -> None:
    """jieba's own dictionary cache is marshal, unsafe to load from a shared directory: the
    segmenter reads jieba's dict.txt itself, so a planted jieba.cache is never loaded and none is written."""
    import marshal

    from gipcheck import words

    monkeypatch.setenv("GIPCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    planted = tmp_path / "jieba.cache"
    planted.write_bytes(b"\xe3planted")
    os.chmod(planted, 0o666)

    def refuse(*_a, **_k):
        raise AssertionError("marshal.load called")

    monkeypatch.setattr(marshal, "load", refuse)
    assert list(words.tokenizer().cut("公开公开栏")) == ["公开", "公开栏"]
    assert planted.read_bytes() == b"\xe3planted"
    ours = [p for p in tmp_path.iterdir() if p.name.startswith("jieba-index-")]
    assert sorted(p.name for p in tmp_path.iterdir() if p not in ours) == ["jieba.cache"]
    # gipcheck's own JSON cache: plain data (the total of the counts, where each character's lines are)
    assert len(ours) == 1 and set(json.loads(ours[0].read_text())) == {"total", "spans"}
