"""Golden tests: what gipcheck must say about the seed and real reports.

Each directory (tests/fixtures/seeds, tests/fixtures/reports) has an ``expectations.yaml`` in the
schema of shared/tools/seedcheck: ``profile``, ``facts`` (sub-match), ``must_fire``,
``must_not_fire`` and ``min_count``. Every expectation is checked twice — on the JSON of one
``python -m gipcheck check --format json`` run per directory, and on ``gipcheck.check()`` — and
is its own test case, so a failure names the file and the expectation.
"""
from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

import gipcheck

FIXTURES = Path(__file__).parent / "fixtures"
DIRS = ("seeds", "reports")

# Expectations being implemented right now (prescribed 2019/2021 tables); the lead removes these.


def _expectations(dirname: str) -> dict:
    return yaml.safe_load((FIXTURES / dirname / "expectations.yaml").read_text(encoding="utf-8"))


def _cases():
    for d in DIRS:
        for name, exp in _expectations(d).items():
            if "profile" in exp:
                yield d, name, "profile", None, exp["profile"]
            for key, want in (exp.get("facts") or {}).items():
                yield d, name, "fact", key, want
            for rid in exp.get("must_fire", []):
                yield d, name, "must_fire", rid, None
            for rid in exp.get("must_not_fire", []):
                yield d, name, "must_not_fire", rid, None
            for rid, n in (exp.get("min_count") or {}).items():
                yield d, name, "min_count", rid, n


def _params():
    out = []
    for d, name, kind, key, want in _cases():
        marks: list = []
        ident = f"{name}-{kind}" + (f"-{key}" if key else "")
        for via in ("cli", "api"):
            out.append(pytest.param(via, d, name, kind, key, want, marks=marks, id=f"{via}-{ident}"))
    return out


def sub_match(expected, actual) -> bool:
    """Every key given in ``expected`` equals the same key in ``actual`` (as shared/tools/seedcheck)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(sub_match(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and all(e in actual for e in expected)
    return expected == actual


@lru_cache(maxsize=None)
def _cli_run(dirname: str) -> dict[str, dict]:
    files = sorted(str(p) for p in (FIXTURES / dirname).glob("*.txt"))
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "--format", "json", *files],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "gipcheck/1"
    return {Path(f["path"]).name: f for f in data["files"]}


@lru_cache(maxsize=None)
def _api_run(dirname: str, name: str) -> dict:
    return gipcheck.check(FIXTURES / dirname / name).to_json()


@pytest.mark.parametrize("via,dirname,name,kind,key,want", _params())
def test_expectation(via, dirname, name, kind, key, want):
    got = _cli_run(dirname).get(name) if via == "cli" else _api_run(dirname, name)
    assert got is not None, f"{name} is not in the output"
    rules = [f["rule"] for f in got["findings"]]
    if kind == "profile":
        assert got["profile"] == want
    elif kind == "fact":
        have = (got.get("facts") or {}).get(key)
        assert sub_match(want, have), f"{name}: fact {key} = {have!r}, expected {want!r}"
    elif kind == "must_fire":
        assert key in rules, f"{name}: {key} should fire and does not (fired: {sorted(set(rules))})"
    elif kind == "must_not_fire":
        msgs = [f"{f['line']}:{f['column']} {f['message']}" for f in got["findings"] if f["rule"] == key]
        assert key not in rules, f"{name}: {key} fires but should not: {msgs}"
    elif kind == "min_count":
        assert rules.count(key) >= want, f"{name}: {key} fires {rules.count(key)}x, expected >= {want}"


def test_cli_and_api_agree():
    """The CLI is a thin layer: the same findings, in the same order, for every file."""
    for d in DIRS:
        for name, got in _cli_run(d).items():
            api = _api_run(d, name)
            assert [(f["rule"], f["line"], f["column"]) for f in got["findings"]] == \
                   [(f["rule"], f["line"], f["column"]) for f in api["findings"]], name
            assert got["facts"] == api["facts"], name
