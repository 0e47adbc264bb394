"""Stub each table check kind to ``return []`` in turn and run the table tests: each stub must
make a test fail (a check no test can catch is not tested).

    python tools/stub_checks.py
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"gipcheck/checks/tables.py": ["table_present", "table_unreadable", "table_labels", "table_cells",
                                       "table_identities"],
         "gipcheck/checks/figures.py": ["text_table_2008", "text_breakdown"],
         "gipcheck/checks/prescribed.py": ["unified_text_figures", "disposition_breakdown"]}
TESTS = ["tests/test_tables_stage.py", "tests/test_rule_examples.py"]


def main() -> int:
    caught = True
    for rel, kinds in KINDS.items():
        path = ROOT / rel
        original = path.read_text(encoding="utf-8")
        try:
            for kind in kinds:
                stubbed, n = re.subn(rf'(@check\("{kind}".*?\ndef \w+\([^)]*\)[^:]*:\n(?:    """.*?"""\n)?)',
                                     r"\1    return []\n", original, count=1, flags=re.S)
                assert n == 1, kind
                path.write_text(stubbed, encoding="utf-8")
                proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
                                      cwd=ROOT, capture_output=True, text=True)
                ok = proc.returncode != 0
                caught &= ok
                print(f"{kind}: {'caught' if ok else 'NOT CAUGHT'} ({proc.stdout.strip().splitlines()[-1]})")
        finally:
            path.write_text(original, encoding="utf-8")
    return 0 if caught else 1


if __name__ == "__main__":
    sys.exit(main())
