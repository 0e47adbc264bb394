"""Speed figures for gipcheck, from one run: `python bench/run.py`.

Prints a compact table; asserts nothing (figures vary with the machine). Measures:
  (a) the full check (``api.check_extracted`` on pre-read text, rule set loaded once) over every
      text fixture (tests/fixtures/seeds + reports), repeated for at least 2 s;
  (b) a baseline over the same files: read + decode + NFKC + split on "\\n";
  (c) full / baseline (target ≤ 7×) and reports/s per core (target ≥ 300);
  (d) cold start: median of 5 × `python -m gipcheck check SEED --format json` against
      `python -c "import lark, pydantic, yaml"` (target ≤ 1.4×);
  (e) peak Python memory (tracemalloc) while checking the largest fixture;
  (f) where the time goes: normalize, segment, lex (Lark), build, facts, profile, checks, and the
      costliest checks;
and, when bench/bench_formats.py exists, its ``run()`` figures (docx/html/pdf reading).
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gipcheck import api  # noqa: E402
from gipcheck.read import Extracted, read_path  # noqa: E402

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")) + \
    sorted((ROOT / "tests" / "fixtures" / "reports").glob("*.txt"))
MIN_SECONDS = 2.0
TARGET_RATIO, TARGET_RPS, TARGET_COLD = 7.0, 300.0, 1.4

rows: list[tuple[str, str]] = []


def out(label: str, figure: str) -> None:
    rows.append((label, figure))
    print(f"  {label:<44} {figure}", flush=True)


def repeat(fn, min_seconds: float = MIN_SECONDS) -> tuple[int, float]:
    """Run fn() (one pass over all fixtures) until min_seconds have passed; (passes, seconds)."""
    fn()  # warm-up: grammar, rule set, OpenCC dictionaries
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return n, elapsed


def main() -> None:
    texts = [read_path(p).text for p in FIXTURES]
    mbytes = sum(p.stat().st_size for p in FIXTURES) / 1e6
    nfiles = len(FIXTURES)
    rs = api.rules()
    opts = api.Options()
    print(f"gipcheck bench: {nfiles} text fixtures, {mbytes * 1000:.0f} KB, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPU(s); one process = one core")

    # (a) full check
    def full() -> None:
        for t in texts:
            api.check_extracted(Extracted(text=t), "<bench>", opts)

    n, secs = repeat(full)
    full_per = secs / (n * nfiles)
    out("(a) full check: reports/s", f"{n * nfiles / secs:,.0f}  ({full_per * 1000:.2f} ms/report)")
    out("(a) full check: MB/s", f"{n * mbytes / secs:.2f}")

    # (b) baseline
    def baseline() -> None:
        for p in FIXTURES:
            unicodedata.normalize("NFKC", p.read_bytes().decode("utf-8")).split("\n")

    n, secs = repeat(baseline)
    base_per = secs / (n * nfiles)
    out("(b) baseline read+NFKC+split: reports/s", f"{n * nfiles / secs:,.0f}  ({base_per * 1000:.3f} ms/report)")
    out("(b) baseline: MB/s", f"{n * mbytes / secs:.1f}")

    # (c) ratios
    ratio = full_per / base_per
    out("(c) full / baseline", f"{ratio:.1f}x  (target <= {TARGET_RATIO:.0f}x: {'met' if ratio <= TARGET_RATIO else 'NOT met'})")
    rps = 1 / full_per
    out("(c) reports/s per core", f"{rps:,.0f}  (target >= {TARGET_RPS:.0f}: {'met' if rps >= TARGET_RPS else 'NOT met'})")

    # (d) cold start
    seed = str(FIXTURES[0])

    def wall(cmd: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        return time.perf_counter() - t0

    check_cmd = [sys.executable, "-m", "gipcheck", "check", seed, "--format", "json"]
    import_cmd = [sys.executable, "-c", "import lark, pydantic, yaml"]
    wall(check_cmd), wall(import_cmd)  # warm the OS file cache
    cold = statistics.median(wall(check_cmd) for _ in range(5))
    imp = statistics.median(wall(import_cmd) for _ in range(5))
    cr = cold / imp
    out("(d) cold start: gipcheck check (median of 5)", f"{cold * 1000:.0f} ms")
    out("(d) cold start: import lark, pydantic, yaml", f"{imp * 1000:.0f} ms")
    out("(d) cold start ratio", f"{cr:.2f}x  (target <= {TARGET_COLD}x: {'met' if cr <= TARGET_COLD else 'NOT met'})")

    # (e) peak memory
    largest = max(FIXTURES, key=lambda p: p.stat().st_size)
    text = read_path(largest).text
    api.check_extracted(Extracted(text=text), "<bench>", opts)
    tracemalloc.start()
    api.check_extracted(Extracted(text=text), "<bench>", opts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out(f"(e) peak memory, {largest.name} ({largest.stat().st_size // 1000} KB)", f"{peak / 1e6:.2f} MB (tracemalloc)")

    # (f) per stage: wrap the stage functions where the engine and the parser call them
    engine_mod = importlib.import_module("gipcheck.engine")
    parse_mod = importlib.import_module("gipcheck.parse")  # not `import gipcheck.parse`: that is api.parse

    stage: dict[str, float] = defaultdict(float)
    per_check: dict[str, float] = defaultdict(float)
    clock = time.perf_counter

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
        (engine_mod, "build"): "build (tables, tree)", (parse_mod, "lex_lines"): "lex (Lark)",
        (engine_mod, "extract"): "facts", (engine_mod, "choose_profile"): "profile",
        (engine_mod, "build_tables"): "tables stage", (engine_mod, "run_checks"): "checks",
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
        while clock() - t0 < 1.0:
            full()
            n += 1
        wall_total = clock() - t0
    finally:
        for key, f in saved.items():
            setattr(key[0], key[1], f)
        for c, f in saved_funcs:
            c.func = f
    stage["build (tables, tree)"] -= stage.get("lex (Lark)", 0.0)  # build() calls lex_lines()
    stage["other (API, JSON facts)"] = max(0.0, wall_total - sum(stage.values()))
    total = sum(stage.values())
    for name, s in stage.items():
        out(f"(f) {name}", f"{s / (n * nfiles) * 1000:6.3f} ms/report  {s / total * 100:4.0f}%")
    for name, s in sorted(per_check.items(), key=lambda kv: -kv[1])[:5]:
        out(f"(f)   check {name}", f"{s / (n * nfiles) * 1000:6.3f} ms/report")

    # bench_formats.py (another helper's figures), if present
    bf = ROOT / "bench" / "bench_formats.py"
    if bf.exists():
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
    top = max(stage, key=stage.get)
    print(f"\nMost of the time goes to {top} ({stage[top] / total * 100:.0f}% of the staged pipeline).")


if __name__ == "__main__":
    main()
