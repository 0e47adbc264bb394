"""Batch figures for the run layer, from one run: `python bench/bench_batch.py`.

Through the real command line (`python -m gipcheck check DIR --format jsonl`), on folders built in a
temporary directory:
  (g) files/s with `--jobs 1` and `--jobs 2` on the same folder, and their ratio (goal ≥ 1.8× on 2
      idle cores for the issue's batch of 2,000 files, the first size; the machine's load average is
      printed beside it, since a shared machine cannot give it),
      on two folders of as many files: "copies" (the text fixtures copied over and over: every copy of a
      text is a look-alike candidate of every other, the worst case for GIP704) and "varied" (bench_cross's
      varied folder: agencies with prose of their own, three years each, an honest successor every year,
      what an evaluator's run looks like);
  (h) time to the first output line with `--jobs 2`, against a one-file run (the cold-start floor)
      and the whole run;
  (i) peak memory (the CLI process's max RSS, from wait4) streaming 10,000 files as jsonl with
      `--jobs 1` — everything in one process — against a one-file run (goal < 60 MB), and the growth
      per file between a 100-file and the 10,000-file run; with `--ignore GIP7`, since the
      cross-report rules keep a small summary a file by design (bench_cross.py measures them).
Asserts nothing. GIPCHECK_BENCH_FILES (default 2000,600: the folder sizes (g) runs; 2,000 is the issue's
evaluator's batch, 600 shows what a run's fixed start and finish cost a smaller one — the last (g) line
splits each run into that fixed part and a per-file part), GIPCHECK_BENCH_MANY (default 10000; 0 skips (i)) and
GIPCHECK_BENCH_REPEAT (default 5: alternate --jobs 1 and 2 that often; medians of the rounds' ratios) set the sizes;
GIPCHECK_BENCH_FOLDERS=copies or =varied runs (g) on one folder only.
The child processes run with their bytecode cached (in the temporary directory, filled by the warm-up
run), as an installed gipcheck has it: with PYTHONDONTWRITEBYTECODE set and no cache, every run would
compile gipcheck's modules again (about 0.1 s of start-up) where no user's does.
Because the machine may be shared, (g) also prints the CPU both runs spent (for --jobs 2, the main
process's apart from the workers') and the speed-up that CPU projects for two idle cores.
Also importable: ``run()`` returns the (label, figure) rows.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")) + \
    sorted((ROOT / "tests" / "fixtures" / "reports").glob("*.txt"))
# `python -m gipcheck`, but the process reports, as it exits, the CPU it spent itself (start-up, handing
# out files, writing results, the cross-report stage: the serial part) apart from its workers' (the
# parallel part), to the file GIPCHECK_BENCH_CPU names
_MAIN = ("import os, resource, sys\n"
         "from gipcheck.cli import run\n"  # the program's own entry, as `gipcheck` runs it (gc.freeze and all)
         "try:\n    code = run()\n"
         "finally:\n"
         "    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "    with open(os.environ['GIPCHECK_BENCH_CPU'], 'w') as f:\n"
         "        f.write(f'{me.ru_utime + me.ru_stime} {kids.ru_utime + kids.ru_stime}')\n"
         "raise SystemExit(code)\n")
CLI = [sys.executable, "-c", _MAIN, "check", "--format", "jsonl"]


def _folder(base: Path, n: int) -> Path:
    d = base / f"n{n}"
    d.mkdir()
    for i in range(n):
        shutil.copy(FIXTURES[i % len(FIXTURES)], d / f"{i:05d}.txt")
    return d


def _varied(base: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_cross import FIXTURES as TEXTS, make_varied

    d = base / f"varied{n}"
    d.mkdir()
    make_varied(d, n)
    _MAKEUP["varied"] = (f"{n} files: {n // 3} agencies × 3 years, each agency's prose rewritten from one of "
                         f"{len(TEXTS)} texts, 40% of a year's sentences kept the next year")
    return d


_MAKEUP = {"copies": f"copies of {len(FIXTURES)} texts ({', '.join(p.name for p in FIXTURES)}), "
                     "each under its own text's agency"}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(ROOT), "GIPCHECK_BENCH_CPU": str(_CPU_FILE),
            "PYTHONPYCACHEPREFIX": str(_PYCACHE)}


_CPU_FILE = Path(tempfile.gettempdir()) / f"gipcheck-bench-cpu-{os.getpid()}"
_PYCACHE = Path(tempfile.gettempdir()) / f"gipcheck-bench-pycache-{os.getpid()}"
CPU: dict[str, tuple[float, float]] = {}
SCALING: dict[tuple[str, int], tuple[float, float]] = {}  # (folder, files) → median walls of --jobs 1 and 2
REPEAT = int(os.environ.get("GIPCHECK_BENCH_REPEAT", "5"))


def _timed(args: list[str], label: str = "") -> tuple[float, int, int]:
    """(wall seconds, max RSS in KB of that process, lines printed); CPU[label]: the CPU seconds
    (user + system) of the process itself and of its workers."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(CLI + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())
    lines = sum(1 for _ in proc.stdout)
    _, _, usage = os.wait4(proc.pid, 0)
    me, kids = (float(x) for x in _CPU_FILE.read_text().split())
    CPU[label] = (me, kids)
    return time.perf_counter() - t0, usage.ru_maxrss, lines


def _first_line(args: list[str]) -> tuple[float, float]:
    """(seconds to the first output line, seconds to the end)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(CLI + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())
    proc.stdout.readline()
    first = time.perf_counter() - t0
    for _ in proc.stdout:
        pass
    proc.wait()
    return first, time.perf_counter() - t0


GOAL = 1.8  # --jobs 2 / --jobs 1 on the batch of 2,000 files, on 2 idle cores


def _scaling(folder: Path, n: int, name: str, out, judged: bool = True) -> None:
    """(g) on one folder: --jobs 1 and --jobs 2 in turn, REPEAT times. ``judged``: the folder is
    the batch the goal is set for (the first size of GIPCHECK_BENCH_FILES); a smaller one only
    shows what the fixed start and finish cost it."""
    load = os.getloadavg()[0]
    walls: dict[str, list[float]] = {"1": [], "2": []}
    cpus: dict[str, list[tuple[float, float]]] = {"1": [], "2": []}
    for _ in range(REPEAT):  # alternate, so both runs of a round see the same neighbours
        for j in ("1", "2"):
            t, _, lines = _timed(["--jobs", j, str(folder)], j)
            assert lines >= n, (lines, n)  # one line a file, and one more for each file with batch findings
            walls[j].append(t)
            cpus[j].append(CPU[j])
    SCALING[(name, n)] = (statistics.median(walls["1"]), statistics.median(walls["2"]))
    t1, t2 = min(walls["1"]), min(walls["2"])
    (c1, _), (main2, pool2) = min(cpus["1"], key=sum), min(cpus["2"], key=sum)
    # each round's two runs saw the same neighbours: their ratios, and the median of them
    ratios = [a / b for a, b in zip(walls["1"], walls["2"])]
    projected = [sum(a) / (b[0] + b[1] / 2) for a, b in zip(cpus["1"], cpus["2"])]
    mains = sorted(b[0] for b in cpus["2"])
    out(f"(g) {name}: files/s, --jobs 1, {n} files", f"{n / t1:,.0f}  ({t1:.1f} s wall, {c1:.1f} s CPU)")
    out(f"(g) {name}: files/s, --jobs 2, {n} files", f"{n / t2:,.0f}  ({t2:.1f} s wall, {main2 + pool2:.1f} s CPU "
                                                   f"in all: {main2:.2f} s main process, {pool2:.1f} s workers)")
    median = statistics.median(ratios)
    label = (f"goal ≥ {GOAL}× on 2 idle cores: {'met' if median >= GOAL else 'NOT met'}" if judged else
             "a smaller batch: its fixed start and finish weigh more, see the split below")
    out(f"(g) {name}: --jobs 2 / --jobs 1, wall", f"{median:.2f}× ({label}); median of {REPEAT} rounds (rounds: {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"best of each: {t1 / t2:.2f}×; load average {load:.1f} on {os.cpu_count()} CPU(s) at the start)")
    # On a shared machine the wall ratio says more about the neighbours than about gipcheck. The CPU
    # both runs spent tells what parallelism costs. On two idle cores --jobs 2 takes at most the main
    # process's CPU (start-up, results, the cross-report stage: counted as if none of it overlapped the
    # workers) plus half the workers'.
    out(f"(g) {name}: CPU --jobs 2 / --jobs 1 (what the pool costs)", f"{(main2 + pool2) / c1:.2f}×")
    out(f"(g) {name}: projected --jobs 2 speed-up on 2 idle cores, from CPU",
        f"{statistics.median(projected):.2f}× median (rounds: {', '.join(f'{r:.2f}' for r in projected)}; "
        f"--jobs 1 CPU / (main process + workers / 2)); main process {statistics.median(mains):.2f} s")


def _fixed_cost(which: list[str], sizes: list[int], out) -> None:
    """What a run costs before its first file and after its last (start-up, the pool, the
    cross-report stage), and what each file costs, from the two folder sizes: wall = fixed + files
    × per file, for --jobs 1 and --jobs 2. The fixed part runs on one core whatever --jobs says, so
    the speed-up a folder can show approaches the per-file one only as the folder grows."""
    if len(sizes) < 2:
        return
    small, big = min(sizes), max(sizes)
    for name in which:
        (a1, a2), (b1, b2) = SCALING[(name, small)], SCALING[(name, big)]
        per1, per2 = (b1 - a1) / (big - small), (b2 - a2) / (big - small)
        fixed1, fixed2 = a1 - small * per1, a2 - small * per2
        out(f"(g) {name}: fixed + per file, --jobs 1 / --jobs 2",
            f"{fixed1:.2f} s + {per1 * 1000:.2f} ms / {fixed2:.2f} s + {per2 * 1000:.2f} ms a file: "
            f"{per1 / per2:.2f}× per file; {small} files {a1 / a2:.2f}×, {big} files {b1 / b2:.2f}×")


def run() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []

    def out(label: str, figure: str) -> None:
        rows.append((label, figure))
        print(f"  {label:<52} {figure}", flush=True)

    sizes = [int(x) for x in os.environ.get("GIPCHECK_BENCH_FILES", "2000,600").split(",")]
    many = int(os.environ.get("GIPCHECK_BENCH_MANY", "10000"))
    with tempfile.TemporaryDirectory(prefix="gipcheck-bench-") as tmp:
        base = Path(tmp)
        one = _folder(base, 1) / "00000.txt"
        which = os.environ.get("GIPCHECK_BENCH_FOLDERS", "copies,varied").split(",")
        _timed([str(one)])  # warm the rule-set and grammar caches, and compile the bytecode
        t_one, rss_one, _ = _timed([str(one)], "one")
        for n in sizes:
            folders = {"copies": lambda: _folder(base, n), "varied": lambda: _varied(base, n)}
            for name in which:
                folder = folders[name]()
                out(f"(g) folder \"{name}\"", _MAKEUP[name])
                _scaling(folder, n, name, out, judged=n == sizes[0])
        _fixed_cost(which, sizes, out)
        first, total = _first_line(["--jobs", "2", str(folder)])
        out(f"(h) first output line, --jobs 2, folder \"{name}\"", f"{first:.2f} s = {first / t_one:.2f}× a one-file run "
                                               f"({t_one:.2f} s); whole run {total:.1f} s")
        if not many:
            return rows
        # streaming keeps nothing per file; the cross-report rules keep a summary a file on purpose
        # (their memory is bench_cross.py's), so they are left out here
        small = _folder(base, 100)
        _, rss_small, _ = _timed(["--jobs", "1", "--ignore", "GIP7", str(small)])
        big = _folder(base, many)
        t_big, rss_big, lines = _timed(["--jobs", "1", "--ignore", "GIP7", str(big)])
        assert lines == many, (lines, many)
        out(f"(i) peak RSS, {many} files streamed, --jobs 1, --ignore GIP7 (goal < 60 MB)",
            f"{rss_big / 1024:.1f} MB  ({t_big:.0f} s); one file {rss_one / 1024:.1f} MB, "
            f"100 files {rss_small / 1024:.1f} MB")
        out("(i) growth per file, 100 → {:,} files".format(many),
            f"{(rss_big - rss_small) * 1024 / (many - 100):,.0f} bytes")
    return rows


if __name__ == "__main__":
    print(f"gipcheck batch bench: {len(FIXTURES)} text fixtures copied, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPU(s)")
    try:
        figures = run()
    finally:
        _CPU_FILE.unlink(missing_ok=True)
        shutil.rmtree(_PYCACHE, ignore_errors=True)
    print("\n| figure | value |\n|---|---|")
    for label, figure in figures:
        print(f"| {label} | {figure} |")
