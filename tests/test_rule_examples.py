"""Every rule's examples (rules/catalog.yaml ``examples:``) run as tests.

A ``fail`` example must produce its rule, a ``pass`` example must not; an example's ``profile``
forces that profile; ``fail_hex`` is raw bytes written to a file (input-level rules such as
GIP001). GIP005 (internal-error) has no text example: it is tested with a check that raises.
"""
from __future__ import annotations

import dataclasses
import textwrap

import pytest

from gipcheck import api
from gipcheck.checks import REGISTRY, CheckSpec
from gipcheck.engine import check_document
from gipcheck.read import Extracted
from gipcheck.rules import Check, CheckEntry

RULESET = api.rules()
NO_EXAMPLES = {"GIP005", "GIP007"}  # internal-error, check-abandoned: no report text shows them (tests/test_hostile.py)
INPUT_LEVEL = {"GIP001", "GIP005", "GIP006", "GIP007"}  # raised by the reader, the engine, the suppressions: not by a check
CHECKED = {c.entry.rule for c in RULESET.checks + RULESET.cross_checks}


def _examples():
    for rid, rule in RULESET.rules.items():
        for i, ex in enumerate(rule.examples):
            tag = f"{rid}-{i}" + (f"-{ex.profile}" if ex.profile else "")
            if ex.fail is not None:
                yield pytest.param(rid, "fail", ex.fail, ex.profile, ex, id=f"{tag}-fail")
            if ex.pass_ is not None:
                yield pytest.param(rid, "pass", ex.pass_, ex.profile, ex, id=f"{tag}-pass")
            if ex.fail_hex is not None:
                yield pytest.param(rid, "fail_hex", ex.fail_hex, ex.profile, ex, id=f"{tag}-fail_hex")


def _describe(findings, rid):
    return [f"{f.line}:{f.column} {f.rule} {f.message}" for f in findings if f.rule == rid] or \
        sorted({f.rule for f in findings})


@pytest.mark.parametrize("rid,kind,text,profile,ex", list(_examples()))
def test_example(rid, kind, text, profile, ex, tmp_path):
    opts = api.Options(profile=profile)
    if kind == "fail_hex":
        path = tmp_path / "x.txt"
        path.write_bytes(bytes.fromhex(text))
        result = api.check_file(path, opts)
    else:
        result = api.check_example(text, opts, previous=ex.previous, other=ex.other)
    rules = [f.rule for f in result.findings]
    if kind == "pass":
        assert rid not in rules, f"pass example of {rid} fires: {_describe(result.findings, rid)}"
    else:
        assert rid in rules, f"fail example of {rid} does not fire; fired: {_describe(result.findings, rid)}"
    assert "GIP005" not in rules, _describe(result.findings, "GIP005")


@pytest.mark.parametrize("rid", sorted(RULESET.rules))
def test_every_rule_has_examples(rid):
    if rid in NO_EXAMPLES:
        return
    ex = RULESET.rules[rid].examples
    assert any(e.fail is not None or e.fail_hex is not None for e in ex), f"{rid} has no failing example"
    assert any(e.pass_ is not None for e in ex), f"{rid} has no passing example"


def test_every_rule_has_a_check_or_is_input_level():
    missing = set(RULESET.rules) - CHECKED - INPUT_LEVEL
    assert missing == set()


# -- GIP005: a failing check becomes one finding naming the rule; the others still run ----------

GOOD = next(e.pass_ for e in RULESET.rules["GIP601"].examples if e.pass_)
PLACEHOLDER = GOOD.replace("主动公开政府信息17条", "主动公开政府信息XX条", 1)


def _boom(ctx, params):
    raise ZeroDivisionError("boom in a test check")


def test_internal_error_engine_level():
    entry = CheckEntry(rule="GIP603", check="boom_test")
    rs = dataclasses.replace(RULESET, checks=[Check(entry, _boom, None, "test:1")] + list(RULESET.checks))
    assert len(RULESET.checks) + 1 == len(rs.checks)
    _doc, _facts, _profile, _ev, findings = check_document(Extracted(text=PLACEHOLDER), rs)
    rules = [f.rule for f in findings]
    assert rules.count("GIP005") == 1
    f5 = next(f for f in findings if f.rule == "GIP005")
    assert "GIP603" in f5.message and "ZeroDivisionError" in f5.message
    assert f5.severity == "error" and (f5.line, f5.column) == (1, 1)
    assert "GIP601" in rules  # every other check still ran


def test_internal_error_via_rule_file(tmp_path, monkeypatch):
    """A check registered in REGISTRY and named from a user rule file: the API reports GIP005."""
    monkeypatch.setitem(REGISTRY, "boom_test", CheckSpec("boom_test", _boom, None, "raises"))
    rules_file = tmp_path / "boom.yaml"
    rules_file.write_text(textwrap.dedent("""\
        checks:
          - {rule: GIP602, check: boom_test}
        """), encoding="utf-8")
    monkeypatch.setattr(api, "_RULES", {})
    result = api.check_extracted(Extracted(text=PLACEHOLDER), "<t>", api.Options(extra_rules=(str(rules_file),)))
    rules = [f.rule for f in result.findings]
    assert rules.count("GIP005") == 1, rules
    assert "GIP602" in next(f.message for f in result.findings if f.rule == "GIP005")
    assert "GIP601" in rules
    en = api.check_extracted(Extracted(text=PLACEHOLDER), "<t>",
                             api.Options(lang="en", extra_rules=(str(rules_file),)))
    assert "GIP602" in next(f.message for f in en.findings if f.rule == "GIP005")


def test_internal_error_can_be_ignored():
    from gipcheck.engine import Selection

    entry = CheckEntry(rule="GIP603", check="boom_test")
    rs = dataclasses.replace(RULESET, checks=[Check(entry, _boom, None, "test:1")] + list(RULESET.checks))
    *_, findings = check_document(Extracted(text=PLACEHOLDER), rs, sel=Selection(ignore=["GIP005"]))
    assert "GIP005" not in [f.rule for f in findings]
    assert "GIP601" in [f.rule for f in findings]
