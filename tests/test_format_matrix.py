"""Issue 5: the same seed expectations through every reader, the way Lark runs one test suite
through every parser. Only the conversion residue that exists in the .txt form alone (GIP003
for a page banner or a Word bookmark typed out as text) is exempt for the other formats."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import gipcheck
from test_seed_expectations import sub_match

FIX = Path(__file__).parent / "fixtures"
EXPECT = yaml.safe_load((FIX / "seeds" / "expectations.yaml").read_text(encoding="utf-8"))
FORMATS = ["txt", "docx", "html", "pdf"]
TEXT_ONLY = {"GIP003"}  # residue that only the text form of a seed carries


def path_for(name: str, fmt: str) -> Path:
    return FIX / "seeds" / name if fmt == "txt" else FIX / "formats" / f"{Path(name).stem}.{fmt}"


CASES = [(name, fmt) for name in EXPECT for fmt in FORMATS if path_for(name, fmt).exists()]


@pytest.fixture(scope="module")
def results():
    return {(n, f): gipcheck.check(path_for(n, f)) for n, f in CASES}


@pytest.mark.parametrize("name, fmt", CASES, ids=[f"{n[:3]}-{f}" for n, f in CASES])
def test_seed_expectations_hold_in_every_format(results, name, fmt):
    exp = EXPECT[name]
    res = results[(name, fmt)]
    rules = [f.rule for f in res.findings]
    problems = []
    if "profile" in exp and res.profile != exp["profile"]:
        problems.append(f"profile {res.profile}")
    for key, want in (exp.get("facts") or {}).items():
        have = (res.facts or {}).get(key)
        if not sub_match(want, have):
            problems.append(f"fact {key}={have!r}, expected {want!r}")
    for rid in exp.get("must_fire", []):
        if rid not in rules and not (fmt != "txt" and rid in TEXT_ONLY):
            problems.append(f"{rid} should fire")
    for rid in exp.get("must_not_fire", []):
        if rid in rules:
            problems.append(f"{rid} fires (false alarm)")
    for rid, n in (exp.get("min_count") or {}).items():
        if rules.count(rid) < n:
            problems.append(f"{rid} fires {rules.count(rid)}x < {n}")
    assert not problems, f"{name} as {fmt}: " + "; ".join(problems)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_same_findings_across_formats_up_to_text_residue(results, name):
    """The rules that fire are the same in every format (up to the text-only residue)."""
    by_fmt = {fmt: sorted({f.rule for f in results[(name, fmt)].findings} - TEXT_ONLY)
              for fmt in FORMATS if (name, fmt) in results}
    assert len(set(map(tuple, by_fmt.values()))) == 1, by_fmt


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_findings_carry_a_source_location(results, fmt):
    res = results[("001_aa4571093e99987a.txt", fmt)]
    located = [f for f in res.findings if f.line > 1]
    assert located and all(f.source for f in located), [(f.rule, f.line, f.source) for f in located]
    key = {"docx": "paragraph", "pdf": "page", "html": "element"}[fmt]
    assert any(key in f.source or "table" in f.source for f in located)
