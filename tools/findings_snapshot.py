"""Dump the findings (and table facts) gipcheck gives on a set of files, to compare two versions.

    python tools/findings_snapshot.py OUT.json DIR...      # write a snapshot
    python tools/findings_snapshot.py --diff A.json B.json # list what changed

A refactor must leave every finding in place except the false ones it means to remove; this
makes that visible file by file.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

SKIP = {".yaml", ".yml", ".md", ".py", ".json"}


def snapshot(dirs: list[str]) -> dict[str, object]:
    import gipcheck

    out: dict[str, object] = {}
    for d in dirs:
        for p in sorted(Path(d).rglob("*")):
            if not p.is_file() or p.suffix in SKIP:
                continue
            r = gipcheck.check(str(p))
            out[str(p)] = {
                "profile": r.profile,
                "findings": sorted(f"{f.rule} {f.severity} L{f.line} {f.message}" for f in r.findings),
                "tables": (r.facts or {}).get("tables"),
            }
    return out


def diff(a: dict, b: dict) -> int:
    changed = 0
    for path in sorted(set(a) | set(b)):
        fa, fb = a.get(path, {}), b.get(path, {})
        la, lb = set(fa.get("findings", [])), set(fb.get("findings", []))
        if la != lb or fa.get("profile") != fb.get("profile"):
            changed += 1
            print(f"== {path}")
            for x in sorted(la - lb):
                print(f"  - {x}")
            for x in sorted(lb - la):
                print(f"  + {x}")
        if fa.get("tables") != fb.get("tables"):
            print(f"== {path}: facts.tables changed")
    return changed


if __name__ == "__main__":
    if sys.argv[1] == "--diff":
        n = diff(json.loads(Path(sys.argv[2]).read_text()), json.loads(Path(sys.argv[3]).read_text()))
        print(f"{n} file(s) with changed findings")
    else:
        Path(sys.argv[1]).write_text(json.dumps(snapshot(sys.argv[2:]), ensure_ascii=False, indent=1))
