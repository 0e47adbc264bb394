"""What a user reads: every rule's message, rendered for every example, in both languages.

A Chinese message may quote the report (“…” around text that is in the document); anything
else in it must be Chinese prose: no ASCII identifiers (column keys such as np), no braces
left from a template, no regular-expression syntax. An English message has no braces, no
regex syntax and no internal keys. A placeholder that a check does not supply is a load-time
error in the rule file, and every rule says on what basis it fires.
"""
from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from gipcheck import api
from gipcheck.read import Extracted
from gipcheck.rules import RuleFileError, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULESET = api.rules()
QUOTED = re.compile(r"“((?:[^“”]|“[^“”]*”)*)”|(?<![A-Za-z])'([^']*)'(?![A-Za-z])")
REGEX_SYNTAX = re.compile(r"[\\^$|{}\[\]]|\(\?|\.\*|\.\+")
INTERNAL_KEY = re.compile(r"\b(?:np|biz|sci|ngo|oth|r\d(?:_\d)?|carry_in|carry_out|[a-z]+_[a-z_]+)\b")


def _fold(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’]", "", text)


def _prose(message: str, document: str) -> str:
    """The message without the passages it quotes from the document."""
    doc = _fold(document)

    def drop(m: re.Match[str]) -> str:
        quoted = m.group(1) if m.group(1) is not None else m.group(2)
        return "" if _fold(quoted) in doc else m.group(0)
    return QUOTED.sub(drop, message)


def _cases():
    for rid, rule in RULESET.rules.items():
        for i, ex in enumerate(rule.examples):
            for kind, text in (("fail", ex.fail), ("pass", ex.pass_)):
                if text is not None:
                    yield pytest.param(text, ex.profile, id=f"{rid}-{i}-{kind}")
    for path in sorted(glob.glob(str(ROOT / "examples" / "*.txt"))) + sorted(glob.glob(str(ROOT / "tests/fixtures/seeds/*.txt"))):
        yield pytest.param(Path(path).read_text(encoding="utf-8"), None, id=Path(path).name)


CASES = list(_cases())


def _bad_zh(message: str, document: str) -> list[str]:
    prose = _prose(message, document)
    problems = []
    if re.search(r"[A-Za-z]", prose):
        problems.append("ASCII letters " + ",".join(re.findall(r"[A-Za-z_]+", prose)))
    if REGEX_SYNTAX.search(prose):
        problems.append("template or regex syntax " + REGEX_SYNTAX.search(prose).group(0))
    return problems


def _bad_en(message: str, document: str) -> list[str]:
    prose = _prose(message, document)
    problems = []
    if REGEX_SYNTAX.search(prose):
        problems.append("template or regex syntax " + REGEX_SYNTAX.search(prose).group(0))
    if INTERNAL_KEY.search(prose):
        problems.append("internal key " + INTERNAL_KEY.search(prose).group(0))
    return problems


CROSS_CASES = [pytest.param(ex, id=f"{rid}-{i}") for rid, rule in RULESET.rules.items()
               for i, ex in enumerate(rule.examples) if ex.fail and (ex.previous or ex.other)]


@pytest.mark.parametrize("ex", CROSS_CASES)
def test_cross_report_messages_read_as_prose(ex):
    """The GIP7 rules' messages, rendered with their second report: file names and copied
    passages are quoted, the rest is prose."""
    assert CROSS_CASES
    for lang, bad in (("zh", _bad_zh), ("en", _bad_en)):
        result = api.check_example(ex.fail, api.Options(profile=ex.profile, lang=lang), previous=ex.previous,
                                   other=ex.other)
        both = ex.fail + (ex.previous or ex.other or "") + "<example><previous><other>"
        for f in result.findings:
            if f.rule.startswith("GIP7"):
                problems = bad(f.message, both)
                assert not problems, f"{f.rule} ({lang}): {problems}: {f.message}"


@pytest.mark.parametrize("text,profile", CASES)
def test_messages_read_as_prose(text, profile):
    for lang, bad in (("zh", _bad_zh), ("en", _bad_en)):
        result = api.check_extracted(Extracted(text=text), "<example>", api.Options(profile=profile, lang=lang))
        for f in result.findings:
            problems = bad(f.message, text)
            assert not problems, f"{f.rule} ({lang}): {f.message!r}: {problems}"
            assert f.basis, f"{f.rule} ({lang}) has no basis: {f.message!r}"


def test_the_prose_checker_catches_what_was_seen():
    doc = "（七）总计 | 3 | 1"
    assert _bad_zh("“（七）总计”（np列）应为 26，实为 20", doc)
    assert _bad_zh("表三缺少规定的行“d[.、]其他”", doc)
    assert _bad_zh("{label}缺少规定的行", doc)
    assert not _bad_zh("“（七）总计”的“自然人”栏应为 26，实为 20", doc)
    assert _bad_en("column np: new + carried in", doc)


@pytest.mark.parametrize("rid", sorted(RULESET.rules))
def test_every_rule_has_a_basis_in_both_languages(rid):
    basis = RULESET.rules[rid].basis
    assert basis is not None and basis.zh.strip() and basis.en.strip(), rid
    assert not re.search(r"[{}]", basis.zh + basis.en)


def _province(tmp_path, message: str) -> Path:
    p = tmp_path / "fj.yaml"
    p.write_text(f"""rules:
  - id: FJ101
    name: fj-contact
    severity: warning
    summary: {{zh: 福建省要求的联系方式, en: "Contact required in Fujian"}}
    message: {{zh: "{message}", en: "{message}"}}
checks:
  - rule: FJ101
    check: contact_present
""", encoding="utf-8")
    return p


def test_a_placeholder_no_check_supplies_is_a_load_time_error(tmp_path):
    with pytest.raises(RuleFileError) as err:
        load_rules([_province(tmp_path, "缺少{label}")])
    assert "fj.yaml:" in str(err.value) and "{label}" in str(err.value) and "contact_present" in str(err.value)


def test_a_malformed_template_is_a_load_time_error(tmp_path):
    with pytest.raises(RuleFileError) as err:
        load_rules([_province(tmp_path, "缺少{联系方式")])
    assert "fj.yaml:" in str(err.value)


def test_a_message_without_placeholders_loads(tmp_path):
    rs = load_rules([_province(tmp_path, "未写明福建省要求的联系方式")])
    assert "FJ101" in rs.rules


# -- the basis is shown everywhere a finding is -------------------------------------------------

def test_every_finding_shows_its_basis_in_text_json_sarif_html_and_explain():
    import json

    from gipcheck import cli
    from gipcheck.docs import explain
    from gipcheck.model import RunResult
    from gipcheck.report import ReportContext, get_renderer

    seeds = sorted(glob.glob(str(ROOT / "tests/fixtures/seeds/*.txt")))[:4]
    for lang in ("zh", "en"):
        run = RunResult([api.check_file(p, api.Options(lang=lang)) for p in seeds])
        findings = [f for fr in run.files for f in fr.findings]
        assert findings and all(f.basis for f in findings)
        ctx = ReportContext(lang=lang, rules=cli.rule_meta(RULESET, lang))
        text = get_renderer("text")(run, ctx)
        assert text.count("依据: " if lang == "zh" else "basis: ") == len(findings)
        data = json.loads(get_renderer("json")(run, ctx))
        assert all(f["basis"] for fr in data["files"] for f in fr["findings"])
        sarif = json.loads(get_renderer("sarif")(run, ctx))
        assert all(r["properties"]["basis"] for r in sarif["runs"][0]["results"])
        assert all(d["properties"]["basis"] for d in sarif["runs"][0]["tool"]["driver"]["rules"])
        en_basis = RULESET.rules["GIP503"].basis.en
        assert (en_basis in json.dumps(sarif, ensure_ascii=False)) == (lang == "en")
        html = get_renderer("html")(run, ctx)
        assert html.count('class="basis"') >= len(findings)
    for rid in RULESET.rules:
        assert ("依据: " + RULESET.rules[rid].basis.zh) in explain(RULESET, rid, "zh")
        assert "{" not in explain(RULESET, rid, "zh").split("\n\n")[2]  # the summary block: no template
