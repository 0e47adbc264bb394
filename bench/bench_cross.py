"""Cross-report figures: `python bench/bench_cross.py [N]` (default 10,000 reports).

Writes N report texts into a temporary folder, twice, and runs each in a fresh process, on one
core (``-j 1``):
  (a) ``gipcheck check DIR --format jsonl`` with the cross-report rules (the default for a batch):
      peak memory (max RSS) and time;
  (b) the same with ``--ignore GIP7`` (no summaries, no cross stage), the baseline of (a).
The two folders:
  - pathological: the text fixtures, each copy under its own agency name and year, with a share of
    its sentences dropped and sentences of its own added, so that copies are not identical: every
    report shares text with hundreds of others (the worst case for GIP704);
  - varied: every agency's prose its own (each sentence of a fixture rewritten with random words of
    the same length), three years an agency, each year keeping 40% of the year before's sentences
    (an honest successor): what a real run of many agencies looks like.
Asserts nothing; figures vary with the machine. Targets: (a) ≤ 300 MB, (b) ≤ 150 MB peak.
GIPCHECK_BENCH_FOLDERS=pathological or =varied runs one of them.
"""
from __future__ import annotations

import os
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


_SENTENCE = re.compile(r"([^。\n]{15,}。)")  # a prose sentence; lines of tables and headings have none


def make_varied(folder: Path, n: int, seed: int = 2) -> list[Path]:
    """Reports of n // 3 agencies over three years, each agency's prose its own (see the module doc)."""
    rnd = random.Random(seed)
    bases = [_SENTENCE.split(p.read_text(encoding="utf-8")) for p in FIXTURES]  # odd items: sentences
    paths: list[Path] = []
    parts: list[str] = []
    for i in range(n):
        number, year = divmod(i, 3)
        base = bases[number % len(bases)]
        if year == 0:
            parts = [_rewritten(p, rnd) if k % 2 else p for k, p in enumerate(base)]
        else:  # the successor: 40% of last year's sentences kept, the rest written anew
            parts = [_rewritten(base[k], rnd) if k % 2 and rnd.random() >= 0.4 else p for k, p in enumerate(parts)]
        agency = f"某{number:05d}县第{number % 7}局"
        text = re.sub(r"(?:19|20)\d\d", lambda m: str(int(m.group()) + year), "".join(parts))
        text = re.sub(r"^[^\n]{0,40}?((?:19|20)\d\d)\s*年", lambda m: f"{agency}{m.group(1)}年", text, count=1)
        path = folder / f"v{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _rewritten(sentence: str, rnd: random.Random) -> str:
    """The sentence with its Chinese characters replaced by random ones of the word list (its figures,
    punctuation and length kept)."""
    return re.sub(r"[\u4e00-\u9fff]", lambda _m: rnd.choice(WORDS), sentence)


def _child(folder: Path, *extra: str) -> tuple[float, float]:
    """(seconds, peak MB) of one gipcheck run in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "gipcheck", "check", str(folder), "--format", "jsonl", "-o",
                             "/dev/null", "-j", "1", "--isolated", *extra], cwd=ROOT, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def run(n: int) -> None:
    which = os.environ.get("GIPCHECK_BENCH_FOLDERS", "pathological,varied").split(",")
    makers = {"pathological": make_reports, "varied": make_varied}
    print(f"cross-report rules over {n} reports ({len(FIXTURES)} real texts, each under its own agency name)")
    for name in which:
        with tempfile.TemporaryDirectory() as d:
            folder = Path(d)
            makers[name](folder, n)
            t0, m0 = _child(folder, "--ignore", "GIP7")
            print(f"  {name + ', without (--ignore GIP7)':<40} {t0:8.1f} s   peak {m0:6.0f} MB   (target ≤ 150 MB)")
            t1, m1 = _child(folder)
            print(f"  {name + ', with the GIP7 rules':<40} {t1:8.1f} s   peak {m1:6.0f} MB   "
                  f"({t1 / t0:.2f}× the time; target ≤ 300 MB)")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
