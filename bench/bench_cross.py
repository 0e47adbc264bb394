"""Cross-report figures: `python bench/bench_cross.py [N]` (default 10,000 reports).

Writes N report texts into a temporary folder — the text fixtures, each copy under its own
agency name and year, with a share of its sentences dropped and sentences of its own added so
that copies are not identical — then runs, each in a fresh process, on one core (``-j 1``):
  (a) ``gipcheck check DIR --format jsonl`` with the cross-report rules (the default for a batch):
      peak memory (max RSS) and time;
  (b) the same with ``--ignore GIP7`` (no summaries, no cross stage), the baseline of (a);
  (c) (a)'s extra time and memory against (b), and the cross stage's share.
Asserts nothing; figures vary with the machine. Targets: (a) ≤ 300 MB, (b) ≤ 150 MB peak.
The folder is pathological on purpose: every report shares text with hundreds of others.
"""
from __future__ import annotations

import random
import re
import resource
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


def _child(folder: Path, *extra: str) -> tuple[float, float]:
    """(seconds, peak MB) of one gipcheck run in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gipcheck", "check", str(folder), "--format", "jsonl", "-o", "/dev/null",
                    "-j", "1", "--isolated", *extra], cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        make_reports(folder, n)
        print(f"cross-report rules over {n} reports ({len(FIXTURES)} real texts, each under its own agency name)")
        t0, m0 = _child(folder, "--ignore", "GIP7")
        print(f"  {'without (--ignore GIP7)':<28} {t0:8.1f} s   peak {m0:6.0f} MB")
        t1, m1 = _child(folder)
        print(f"  {'with the GIP7 rules':<28} {t1:8.1f} s   peak {m1:6.0f} MB   "
              f"({t1 / t0:.2f}× the time; target peak ≤ 300 MB)")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
