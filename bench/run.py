"""Speed figures for gipcheck, from one run: `python bench/run.py [--quick]`.

Asserts nothing (figures vary with the machine); prints each figure with its target, as
ratios against baselines measured in the same run. Times are CPU time (time.process_time in
this process, getrusage for child processes): on a shared machine wall time mostly measures
the neighbours.

  (a) full check (``api.check_extracted`` on pre-read text, rule set loaded once) over the five
      seeds (tests/fixtures/seeds): reports/s per core (target ≥ 300);
  (b) baseline over the same files: read + decode + NFKC + split on "\\n"; (a)/(b) ≤ 7×; and which
      parser state Lark runs (lark-cython's compiled one with the [speed] extra, else Lark's own);
      (a) and (b) are timed in turn in 9 rounds (2 s of (a) in all), each figure the median
      over the rounds and the ratio the median of the rounds' ratios;
  (c) where a report's time goes: normalize, segment, lex + parse (Lark), build (tree, tables),
      facts, profile, table numbers, checks, the rest (API, suppressions, JSON facts); and the
      costliest checks (GIPCHECK_BENCH_CHECKS of them, default 6);
  (d) cold start: ``python -m gipcheck check SEED --format json`` with a warm cache against
      ``python -c "import lark, pydantic, yaml"`` (target ≤ 1.4×): 11 interleaved pairs, the median of their
      ratios (a pair runs under one load; the machine's load changes between pairs), with bytecode
      written as an installed package has it; then the warm run's split (importing gipcheck.cli, checking)
      and any heavy module it loaded that checking one text report does not need (pydantic, yaml, rich …);
  (e) cache miss: the same command with an empty cache directory (target ≤ 0.5 s), and whether
      interegular (the dev extra, which once made Lark's build take seconds) is installed;
  (f) scaling: a 1 MB report (a 10 KB one repeated; it holds a download banner and Traditional
      text) against the 10 KB one (target ≤ 100×);
  (g) peak Python memory (tracemalloc) while checking the 1 MB report;
and, when bench/bench_formats.py exists, its ``run()`` figures (docx/html/pdf reading).
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gipcheck import api  # noqa: E402
from gipcheck.read import Extracted, read_path  # noqa: E402

SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
TARGET_RPS, TARGET_RATIO, TARGET_COLD, TARGET_MISS, TARGET_SCALE = 300.0, 7.0, 1.4, 0.5, 100.0
ROUNDS = 9  # (a) and (b) timed in turn, medians over the rounds
clock = time.process_time

rows: list[tuple[str, str]] = []


def out(label: str, figure: str) -> None:
    rows.append((label, figure))
    print(f"  {label:<50} {figure}", flush=True)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def repeat(fn, min_seconds: float, warm: bool = True) -> tuple[int, float]:
    """Run fn() until min_seconds of CPU time have passed; (runs, CPU seconds)."""
    if warm:
        fn()  # warm-up: grammar, rule set, OpenCC dictionaries, regex caches
    n, t0 = 0, clock()
    while True:
        fn()
        n += 1
        elapsed = clock() - t0
        if elapsed >= min_seconds:
            return n, elapsed


def child_cpu(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median CPU time (user + system) of a command run ``runs`` times."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description="gipcheck speed figures")
    ap.add_argument("--quick", action="store_true", help="shorter repetitions (noisier figures)")
    args = ap.parse_args()
    seconds = 0.7 if args.quick else 2.0
    texts = [read_path(p).text for p in SEEDS]
    nfiles = len(SEEDS)
    opts = api.Options()
    api.rules()
    print(f"gipcheck bench: {nfiles} seeds, {sum(p.stat().st_size for p in SEEDS) // 1000} KB, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); CPU time, one process = one core")

    # (a) full check, (b) baseline
    def full() -> None:
        for t in texts:
            api.check_extracted(Extracted(text=t), "<bench>", opts)

    def baseline() -> None:
        for p in SEEDS:
            unicodedata.normalize("NFKC", p.read_bytes().decode("utf-8")).split("\n")

    # interleaved rounds: the host's speed drifts by a quarter from one second to the next on a
    # shared machine, so each round times both, and the figures are medians over the rounds
    full(), baseline()  # warm-up: grammar, rule set, OpenCC dictionaries, regex caches
    rounds = []
    for _ in range(ROUNDS):
        n, secs = repeat(full, seconds / ROUNDS, warm=False)
        nb, secs_b = repeat(baseline, seconds / ROUNDS / 2, warm=False)
        rounds.append((secs / (n * nfiles), secs_b / (nb * nfiles)))
    full_per = statistics.median(f for f, _ in rounds)
    base_per = statistics.median(b for _, b in rounds)
    rps = 1 / full_per
    out("(a) full check, reports/s per core", f"{rps:,.0f} ({full_per * 1000:.2f} ms/report; target >= "
        f"{TARGET_RPS:.0f}: {verdict(rps >= TARGET_RPS)})")
    out("(b) baseline read+NFKC+split", f"{base_per * 1000:.3f} ms/report")
    ratio = statistics.median(f / b for f, b in rounds)
    out("(a)/(b) full check / baseline", f"{ratio:.1f}x (target <= {TARGET_RATIO:.0f}x: {verdict(ratio <= TARGET_RATIO)})")
    feeder = importlib.import_module("gipcheck.parse")._feeder()
    out("(a) Lark's parser state", "lark-cython (the [speed] extra)" if getattr(feeder, "compiled", False)
        else "Lark's Python one (lark-cython not installed)")

    # (c) stages
    stage_figures(full, nfiles, seconds)

    # (d) cold start, (e) cache miss
    cold_start()

    # (f) scaling, (g) memory
    scaling(texts, opts)

    bf = ROOT / "bench" / "bench_formats.py"
    if bf.exists() and not args.quick:
        spec = importlib.util.spec_from_file_location("bench_formats", bf)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
            for label, figure in mod.run():
                out(f"(formats) {label}", str(figure))
        except Exception as exc:  # their figures must not stop ours
            out("(formats) bench_formats.py failed", f"{type(exc).__name__}: {exc}")

    print("\n| figure | value |\n|---|---|")
    for label, figure in rows:
        print(f"| {label} | {figure} |")


def stage_figures(full, nfiles: int, seconds: float) -> None:
    """Wrap each stage function where the engine and the parser call it, and time them."""
    engine_mod = importlib.import_module("gipcheck.engine")
    parse_mod = importlib.import_module("gipcheck.parse")  # not `import gipcheck.parse`: that is api.parse
    rs = api.rules()
    stage: dict[str, float] = defaultdict(float)
    per_check: dict[str, float] = defaultdict(float)

    def timed(name: str, fn):
        def wrapper(*a, **k):
            t0 = clock()
            try:
                return fn(*a, **k)
            finally:
                stage[name] += clock() - t0
        return wrapper

    wrapped = {
        (engine_mod, "normalize"): "normalize", (engine_mod, "segment"): "segment",
        (engine_mod, "build"): "build (tree, tables)", (parse_mod, "lex_lines"): "lex + parse (Lark)",
        (engine_mod, "extract"): "facts", (engine_mod, "choose_profile"): "profile",
        (engine_mod, "build_tables"): "tables stage", (engine_mod, "table_numbers"): "table numbers (JSON facts)",
        (engine_mod, "run_checks"): "checks",
    }
    saved = {key: getattr(*key) for key in wrapped if hasattr(*key)}
    saved_funcs = [(c, c.func) for c in rs.checks]

    def check_timer(label: str, fn):
        def wrapper(ctx, params):
            t0 = clock()
            try:
                return list(fn(ctx, params))
            finally:
                per_check[label] += clock() - t0
        return wrapper

    try:
        for key in saved:
            setattr(key[0], key[1], timed(wrapped[key], saved[key]))
        for c, f in saved_funcs:
            c.func = check_timer(f"{c.entry.rule} {c.entry.check}", f)
        full()
        stage.clear()
        per_check.clear()
        t0 = clock()
        n = 0
        while clock() - t0 < seconds / 2:
            full()
            n += 1
        total_cpu = clock() - t0
    finally:
        for key, f in saved.items():
            setattr(key[0], key[1], f)
        for c, f in saved_funcs:
            c.func = f
    stage["build (tree, tables)"] -= stage.get("lex + parse (Lark)", 0.0)  # build() calls lex_lines()
    stage["other (API, suppressions, facts JSON)"] = max(0.0, total_cpu - sum(stage.values()))
    for name, s in stage.items():
        out(f"(c) {name}", f"{s / (n * nfiles) * 1000:6.3f} ms/report  {s / total_cpu * 100:4.0f}%")
    for name, s in sorted(per_check.items(), key=lambda kv: -kv[1])[:int(os.environ.get("GIPCHECK_BENCH_CHECKS", "6"))]:
        out(f"(c)   check {name}", f"{s / (n * nfiles) * 1000:6.3f} ms/report")


def cold_start() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GIPCHECK_NO_CACHE")}
    seed = str(SEEDS[0])
    check_cmd = [sys.executable, "-m", "gipcheck", "check", seed, "--format", "json"]
    import_cmd = [sys.executable, "-c", "import lark, pydantic, yaml"]
    with tempfile.TemporaryDirectory(prefix="gipcheck-bench-") as d:
        env["GIPCHECK_CACHE_DIR"] = str(Path(d) / "warm")
        child_cpu(check_cmd, env, 2)  # writes bytecode and fills the cache
        child_cpu(import_cmd, env, 1)
        # interleaved, so that a change in the machine's load falls on both alike
        pairs = [(child_cpu(check_cmd, env, 1), child_cpu(import_cmd, env, 1)) for _ in range(11)]
        cold = statistics.median(c for c, _ in pairs)
        imp = statistics.median(i for _, i in pairs)
        bare = child_cpu([sys.executable, "-c", "pass"], env, 5)
        cr = statistics.median(c / i for c, i in pairs)  # each pair ran under the same load
        out("(d) cold start: gipcheck check, warm cache", f"{cold * 1000:.0f} ms CPU")
        out("(d) cold start: import lark, pydantic, yaml", f"{imp * 1000:.0f} ms CPU (python alone {bare * 1000:.0f} ms)")
        out("(d) cold start ratio", f"{cr:.2f}x (target <= {TARGET_COLD}x: {verdict(cr <= TARGET_COLD)})")
        warm_split(seed, env)
        misses = []
        for i in range(3):
            env["GIPCHECK_CACHE_DIR"] = str(Path(d) / f"empty{i}")
            misses.append(child_cpu(check_cmd, env, 1))
        miss = statistics.median(misses) - cold
    dev = importlib.util.find_spec("interegular") is not None
    out("(e) cache miss (empty cache dir) minus warm run", f"{miss * 1000:.0f} ms CPU (target <= {TARGET_MISS} s: "
        f"{verdict(miss <= TARGET_MISS)}; interegular {'installed' if dev else 'absent'})")


# Run in a child with a warm cache: where its CPU time goes, and which heavy modules it loaded
# (none of these is needed to check one text report; lark imports regex itself when installed).
_SPLIT = """
import json, sys, time
t0 = time.process_time()
import gipcheck.cli as cli
t1 = time.process_time()
try:
    cli.main(["check", sys.argv[1], "--format", "json", "-o", sys.argv[2]])
except SystemExit:
    pass
t2 = time.process_time()
heavy = ("pydantic", "yaml", "gipcheck.rules", "rich", "starlette", "openpyxl", "jieba", "datasketch", "docx",
         "selectolax", "pypdfium2", "importlib.metadata", "gipcheck.report.html", "gipcheck.review", "gipcheck.serve")
print(json.dumps([t1 - t0, t2 - t1, [m for m in heavy if m in sys.modules]]))
"""


def warm_split(seed: str, env: dict[str, str]) -> None:
    """The warm run's imports against its work, and the heavy modules it should not load."""
    with tempfile.TemporaryDirectory(prefix="gipcheck-bench-") as d:
        runs = []
        for _ in range(5):
            done = subprocess.run([sys.executable, "-c", _SPLIT, seed, str(Path(d) / "out.json")], env=env, cwd=ROOT,
                                  capture_output=True, text=True, check=False)
            try:
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            except (ValueError, IndexError):
                out("(d) warm run split", f"failed: {done.stderr.strip()[-200:]}")
                return
    imports = statistics.median(r[0] for r in runs)
    work = statistics.median(r[1] for r in runs)
    loaded = sorted({m for r in runs for m in r[2]})
    out("(d) warm run: importing gipcheck.cli / checking", f"{imports * 1000:.0f} ms / {work * 1000:.0f} ms CPU; "
        f"heavy modules loaded: {', '.join(loaded) or 'none'}")


def scaling(texts: list[str], opts: api.Options) -> None:
    # the seeds that wake the costly paths first: a download banner on one flattened line
    # (003) and a Traditional report (004), then the rest, cut to about 10 KB
    joined = "\n".join(texts[3:] + texts[:3])
    head = joined.encode("utf-8")[:10_000].decode("utf-8", errors="ignore")
    small = head[: head.rfind("\n") + 1]  # whole lines, about 10 KB
    large = small * (1_000_000 // len(small.encode("utf-8")) + 1)
    large = large[: large.rfind("\n", 0, len(large)) + 1]
    kb_small, kb_large = len(small.encode("utf-8")) / 1000, len(large.encode("utf-8")) / 1000

    def once(text: str) -> float:
        t0 = clock()
        api.check_extracted(Extracted(text=text), "<bench>", opts)
        return clock() - t0

    once(small)
    t_small = statistics.median(once(small) for _ in range(15))
    t_large = min(once(large) for _ in range(2))
    sr = t_large / t_small
    out(f"(f) {kb_large:.0f} KB report / {kb_small:.0f} KB report",
        f"{sr:.0f}x ({t_large:.2f} s vs {t_small * 1000:.1f} ms; size {kb_large / kb_small:.0f}x; "
        f"target <= {TARGET_SCALE:.0f}x: {verdict(sr <= TARGET_SCALE)})")
    tracemalloc.start()
    api.check_extracted(Extracted(text=large), "<bench>", opts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out(f"(g) peak Python memory, {kb_large:.0f} KB report", f"{peak / 1e6:.0f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
