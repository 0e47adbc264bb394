"""Snapshot tests of the exact human output (as ruff keeps them): a change to what a clerk reads
must be deliberate. Update with GIPCHECK_UPDATE_SNAPSHOTS=1 and review the diff."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = [
    ("seeds/002_871b05a060ee8a47.txt", "zh"),
    ("seeds/002_871b05a060ee8a47.txt", "en"),
    ("reports/2019_shanghai_bangongting.txt", "zh"),
    ("formats/001_aa4571093e99987a.docx", "zh"),
]


@pytest.mark.parametrize("rel, lang", CASES, ids=[f"{Path(r).stem[:12]}-{Path(r).suffix[1:]}-{lang}" for r, lang in CASES])
def test_text_output_snapshot(rel: str, lang: str):
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "--lang", lang, "--color", "never", rel],
                          capture_output=True, text=True, cwd=HERE / "fixtures", env={**os.environ, "GIPCHECK_LANG": ""})
    assert proc.returncode in (0, 1), proc.stderr
    snap = HERE / "snapshots" / f"{Path(rel).name}.{lang}.txt"
    if os.environ.get("GIPCHECK_UPDATE_SNAPSHOTS") or not snap.exists():
        snap.write_text(proc.stdout, encoding="utf-8")
        if not os.environ.get("GIPCHECK_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {snap.name} was missing and has been written; review and commit it")
    assert proc.stdout == snap.read_text(encoding="utf-8")
