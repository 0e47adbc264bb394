"""Which rule set applies: from the report year, else from the structure (with the evidence)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping

from .ast import Document
from .facts import Facts

if TYPE_CHECKING:
    from .ruleset import ProfileInfo


def profile_for_year(year: int, profiles: Mapping[str, "ProfileInfo"]) -> str:
    """The profile whose ``years`` (rules/*.yaml) hold ``year``; a year before every range gets
    the earliest profile, one after every range the latest."""
    from .ruleset import PROFILES

    # the built-in profiles first: a profile a user's rule file declares is chosen by --profile
    ranked = sorted(profiles.items(), key=lambda kv: (kv[0] not in PROFILES, kv[1].years[0], kv[0]))
    if not ranked:
        raise ValueError("no profiles are defined (rules/*.yaml: profiles)")
    for pid, p in ranked:
        if p.years[0] <= year <= p.years[1]:
            return pid
    builtin = [(p.years[0], pid) for pid, p in ranked if pid in PROFILES] or [(p.years[0], pid) for pid, p in ranked]
    return min(builtin)[1] if year < min(builtin)[0] else max(builtin)[1]


# format.md §1: markers only one format has
_STRUCTURE = (
    ("gip-2021", r"本年制发件数|本年废止件数|现行有效件数|申请人无正当理由逾期不补正|逾期未按收费通知要求缴纳费用"),
    ("gip-2019", r"本年新制作数量|本年新公开数量|第二十条第\(九\)项|其他对外管理服务事项|政府集中采购"),
)


# top-level section titles only the unified formats prescribe (format.md §4.1)
_UNIFIED_SECTIONS = (r"^总体情况$", r"^收到和处理政府信息公开申请情况$", r"^政府信息公开行政复议、?行政诉讼情况$",
                     r"^主动公开政府信息情况$", r"^其他需要报告的事项$")


def choose_profile(doc: Document, facts: Facts, forced: str | None = None,
                   profiles: Mapping[str, "ProfileInfo"] | None = None) -> tuple[str, list[str]]:
    """Return (profile, evidence). ``profiles``: the loaded rule set's, whose ``years`` decide."""
    if forced:
        return forced, [f"--profile {forced}"]
    if facts.report_year:
        if not profiles:
            from .ruleset import load_rules

            profiles = load_rules().profiles
        return profile_for_year(facts.report_year, profiles), [f"report year {facts.report_year} (from the {facts.report_year_source})"]
    view = doc.view
    for profile, pattern in _STRUCTURE:
        m = re.search(pattern, view)
        if m:
            return profile, [f"no report year; the text has “{m.group(0)}”, a label only the {profile[4:]} format uses"]
    if re.search(r"第二十条第\([一二三四五六七八九十]+\)项", view):
        return "gip-2021", ["no report year; unified-format tables (第二十条第…项) without 2019-only labels"]
    top = min((h.level for h in doc.headings), default=0)  # once, not per heading: 80k headings took 253 s
    titles = [re.sub(r"\s", "", h.title) for h in doc.headings if h.level == top]
    unified = [t for t in titles if any(re.search(p, t) for p in _UNIFIED_SECTIONS)]
    if len(unified) >= 3:
        return "gip-2021", [f"no report year; {len(unified)} top-level sections are the unified format's "
                            f"({'、'.join(unified[:3])}…)"]
    return "gip-2008", ["no report year and no unified-format tables or sections: the 2008 rules apply"]
