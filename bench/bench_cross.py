"""Batch figures: `python bench/bench_cross.py [N]` (default 10,000 reports).

Writes N report texts into a temporary folder — the text fixtures, each copy under its own
agency name and year, with a share of its sentences dropped and sentences of its own added so
that copies are not identical — then measures, each in a fresh process:
  (a) peak memory (max RSS) checking them all and keeping only the per-report summaries, then
      running the cross-report rules (GIP701–GIP704), against
  (b) the same run keeping nothing (no cross-report rules);
  (c) the time the cross-report stage takes for N reports (goal: minutes, not hours).
Asserts nothing; figures vary with the machine. Targets: (a) ≤ 300 MB, (b) ≤ 150 MB.
"""
from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")) + \
    sorted((ROOT / "tests" / "fixtures" / "real" / "cross").glob("*.txt"))
WORDS = list("规范公开信息平台政务服务数据统计执法监督审核发布专栏更新依申请答复办理程序制度培训解读政策")


def make_reports(folder: Path, n: int, seed: int = 1) -> list[Path]:
    rnd = random.Random(seed)
    bases = [p.read_text(encoding="utf-8") for p in FIXTURES]
    paths = []
    for i in range(n):
        text = bases[i % len(bases)]
        agency = f"某{i // 7:05d}县第{i % 7}局"
        text = re.sub(r"^[^\n]{0,40}?((?:19|20)\d\d)\s*年", lambda m: f"{agency}{m.group(1)}年", text, count=1)
        parts = re.split(r"(?<=。)", text)
        kept = [p for p in parts if rnd.random() > 0.3 or "\n" in p]
        for _ in range(5):
            kept.insert(rnd.randrange(len(kept) + 1),
                        "".join(rnd.choice(WORDS) for _ in range(rnd.randint(15, 40))) + f"{rnd.randint(1, 999)}条。")
        path = folder / f"r{i:05d}.txt"
        path.write_text("".join(kept), encoding="utf-8")
        paths.append(path)
    return paths


CHILD = r"""
import resource, sys, time
from gipcheck import api
folder, cross = sys.argv[1], sys.argv[2] == "1"
opts = api.Options(cross=cross)
summaries, results, n = [], [], 0
t0 = time.perf_counter()
for r in api.check_paths([folder], opts):
    n += 1
    if cross:
        r.lines = []; r.facts = None; r.findings = []
        results.append(r)
t1 = time.perf_counter()
if cross:
    api.cross_check(results, opts)
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{n} {t1 - t0:.1f} {t2 - t1:.1f} {rss:.0f}")
"""


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        make_reports(folder, n)
        print(f"batch of {n} reports ({len(FIXTURES)} real texts, each under its own agency name)")
        for cross in (False, True):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(folder), "1" if cross else "0"],
                                 capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
            files, check_s, cross_s, rss = out
            label = "with cross-report rules" if cross else "without cross-report rules"
            print(f"  {label:<28} peak {rss:>5} MB  check {check_s:>6} s  cross stage {cross_s:>6} s"
                  f"  ({time.perf_counter() - start:.0f} s in all)")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
