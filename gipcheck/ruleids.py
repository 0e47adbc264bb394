"""Rule selectors as users write them — ids, prefixes, names — checked against the loaded rules.

``--select``, ``--ignore``, a config's ``select``/``ignore``/``per-file-ignores``/``severity``
and the API's ``select=``/``ignore=`` all go through :func:`resolve`: an id (``GIP602``), a
prefix (``GIP6``, ``GIP``, a province's ``FJ``), a rule name (``repeated-word``) or ``ALL``.
Anything that names no loaded rule is an error with a "did you mean" — never a selection that
silently checks nothing. A province's own ids are known once its rule file is loaded
(``--rules FILE`` or ``extend-rules``).
"""
from __future__ import annotations

import re
from typing import Iterable

from .ruleset import RuleSet

PROFILES = ("gip-2008", "gip-2019", "gip-2021")
LANGS = ("zh", "en")
_SHAPE = re.compile(r"^(?:[A-Za-z]{2,8}\d{0,4}|[a-z0-9]+(?:-[a-z0-9]+)*)$")


class UnknownRule(ValueError):
    """A selector that names no loaded rule (``where`` says where it was written)."""

    def __init__(self, item: str, suggestion: str | None, where: str = "") -> None:
        self.item, self.suggestion, self.where = item, suggestion, where
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        if lang == "zh":
            hint = f"，是否想写“{self.suggestion}”？" if self.suggestion else "（`gipcheck rules` 列出所有规则）"
            return (f"{self.where}：" if self.where else "") + f"未知的规则“{self.item}”{hint}"
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else " (see `gipcheck rules`)"
        return (f"{self.where}: " if self.where else "") + f"unknown rule {self.item!r}{hint}"


def well_shaped(item: str) -> bool:
    """The syntax of a selector, for configuration files read before the rules are."""
    return item.upper() == "ALL" or bool(_SHAPE.match(item))


def _prefixes(rs: RuleSet) -> set[str]:
    """GIP602 is selected by GIP, GIP6, GIP60 and GIP602; FJ101 by FJ, FJ1, FJ10, FJ101."""
    out: set[str] = set()
    for rid in rs.rules:
        m = re.match(r"([A-Z]+)(\d*)$", rid)
        if m:
            out.update(m.group(1) + m.group(2)[:k] for k in range(len(m.group(2)) + 1))
    return out


def suggest(item: str, choices: Iterable[str]) -> str | None:
    import difflib  # only for a mistake: a cold start needs none of it

    found = difflib.get_close_matches(item, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def resolve(item: str, rs: RuleSet, where: str = "") -> str:
    """The id or prefix an item selects ("" for ALL); UnknownRule when it selects nothing."""
    raw = str(item).strip()
    if raw == "" or raw.upper() == "ALL":
        return ""
    names = {r.name: r.id for r in rs.rules.values()}
    if raw.lower() in names:
        return names[raw.lower()]
    up = raw.upper()
    if up in rs.rules or up in _prefixes(rs):
        return up
    choices = list(rs.rules) + list(names)
    raise UnknownRule(raw, suggest(raw.lower() if "-" in raw else up, choices), where)


def resolve_all(items: Iterable[str], rs: RuleSet, where: str = "") -> list[str]:
    return [resolve(i, rs, where) for i in items]


def check_choice(value: str | None, known: Iterable[str], what: str) -> None:
    """``profile="gip-2030"``/``lang="fr"``: a ValueError that names the known values."""
    if value is None:
        return
    known = list(known)
    if value not in known:
        hint = suggest(value, known)
        raise ValueError(f"unknown {what} {value!r}" + (f"; did you mean {hint!r}?" if hint else "")
                         + f" (known: {', '.join(known)})")
