"""docs/rules.md is generated from rules/*.yaml: it must not go stale."""
from __future__ import annotations

from pathlib import Path

from gipcheck import api
from gipcheck.docs import explain, rules_markdown

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_md_is_up_to_date():
    expected = rules_markdown(api.rules())
    actual = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    assert actual == expected, "docs/rules.md is stale: run `python -m gipcheck.docs` and commit the result"


def test_rules_md_covers_every_rule():
    md = rules_markdown(api.rules())
    for rid, rule in api.rules().rules.items():
        assert f"## {rid} `{rule.name}`" in md
        assert f"#### {rid}（中文）" in md


def test_explain_every_rule_in_both_languages():
    rs = api.rules()
    for rid in rs.rules:
        for lang in ("zh", "en"):
            text = explain(rs, rid, lang)
            assert text.startswith(f"{rid} ") and "None" not in text.split("\n")[2]


def test_adding_a_rule_province_example_works(tmp_path):
    """The YAML-only example in docs/adding-a-rule.md loads and its examples behave as documented."""
    import re

    from gipcheck.read import Extracted

    md = (RULES_MD.parent / "adding-a-rule.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# my-province\.yaml.*?)```", md, re.S).group(1)
    path = tmp_path / "my-province.yaml"
    path.write_text(block, encoding="utf-8")
    rs = api.rules([path])
    rule = rs.rules["FJ101"]
    opts = api.Options(extra_rules=(str(path),))
    for ex in rule.examples:
        if ex.fail:
            r = api.check_extracted(Extracted(text=ex.fail), "<x>", opts)
            msgs = [f.message for f in r.findings if f.rule == "FJ101"]
            assert msgs == ["缺少本省要求的内容：政务公开工作要点落实情况"]
        if ex.pass_:
            r = api.check_extracted(Extracted(text=ex.pass_), "<x>", opts)
            assert "FJ101" not in [f.rule for f in r.findings]
