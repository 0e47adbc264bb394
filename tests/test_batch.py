"""The run layer (issues 9, 13, 14): the API does what the CLI does; batches run over a process pool
or any executor, in input order, streamed; a bad file, a crash or a dead worker never stops a batch;
an internal error has an exit code of its own."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gipcheck
from gipcheck import api, batch, cli
from gipcheck.model import Finding

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import make_hostile  # noqa: E402

TEXTS = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((FIXTURES / "reports").glob("*.txt"))


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    return subprocess.run([sys.executable, "-m", "gipcheck", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env)


def folder(tmp_path: Path, n: int, name: str = "reports") -> Path:
    d = tmp_path / name
    d.mkdir()
    for i in range(n):
        shutil.copy(TEXTS[i % len(TEXTS)], d / f"{i:04d}.txt")
    return d


def triples(findings) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["severity"], f["line"], f["column"]) if isinstance(f, dict)
            else (f.rule, f.severity, f.line, f.column) for f in findings]


# --------------------------------------------------------------------------- the API does what the CLI does

@pytest.fixture
def configured(tmp_path: Path) -> Path:
    root = folder(tmp_path, 4)
    (root / "sub").mkdir()
    shutil.copy(TEXTS[0], root / "sub" / "nested.txt")
    (root / ".gipcheck.yaml").write_text(
        "ignore: [GIP6]\nseverity: {GIP102: info}\nfail-on: warning\n"
        "per-file-ignores:\n  \"0001.txt\": [GIP1]\n", encoding="utf-8")
    (root / "sub" / "pyproject.toml").write_text('[tool.gipcheck]\nignore = ["GIP003"]\n', encoding="utf-8")
    return root


def test_cli_and_api_give_the_same_findings_on_a_folder_with_a_config(configured: Path):
    proc = run_cli("check", "--format", "json", "-j", "2", str(configured))
    cli_files = {Path(f["path"]).name: triples(f["findings"]) for f in json.loads(proc.stdout)["files"]}
    api_run = gipcheck.run([configured])
    api_files = {Path(f.path).name: triples(f.findings) for f in api_run.files}
    one_by_one = {p.name: triples(gipcheck.check(p).findings) for p in sorted(configured.rglob("*.txt"))}
    assert cli_files == api_files == one_by_one
    assert len(cli_files) == 5
    # the config really applied: no GIP6xx, GIP102 demoted, per-file and nested configs respected
    assert not any(r.startswith("GIP6") for fs in api_files.values() for r, *_ in fs if fs is not api_files["nested.txt"])
    assert all(sev == "info" for fs in api_files.values() for r, sev, *_ in fs if r == "GIP102")
    assert not any(r.startswith("GIP1") for r, *_ in api_files["0001.txt"])
    assert not any(r == "GIP003" for r, *_ in api_files["nested.txt"])
    # fail-on: warning from the config, through one rule for both
    assert proc.returncode == (1 if api_run.counts().failed else 0)
    assert any(f.failed for f in api_run.files) == (proc.returncode == 1)
    # isolated / an explicit override win over the config, in both
    iso = run_cli("check", "--format", "json", "--isolated", str(configured / "0000.txt"))
    assert triples(json.loads(iso.stdout)["files"][0]["findings"]) == triples(
        gipcheck.check(configured / "0000.txt", isolated=True).findings)


def test_check_text_and_check_agree_when_no_configuration_applies(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = TEXTS[0].read_text(encoding="utf-8")
    assert triples(gipcheck.check(text).findings) == triples(gipcheck.check_text(text).findings)


def test_a_baseline_hides_the_same_findings_through_the_api_and_the_cli(tmp_path: Path):
    root = folder(tmp_path, 3)
    base = tmp_path / "baseline.json"
    assert run_cli("check", "--write-baseline", str(base), str(root)).returncode == 0
    proc = run_cli("check", "--format", "json", "--baseline", str(base), str(root))
    assert proc.returncode == 0 and all(not f["findings"] for f in json.loads(proc.stdout)["files"])
    results = list(api.check_paths([root], api.Settings(baseline=str(base))))
    assert results and all(not r.findings and r.suppressed for r in results)


# --------------------------------------------------------------------------- parallel, ordered, streamed

def test_jobs_2_prints_exactly_what_jobs_1_prints(tmp_path: Path):
    root = folder(tmp_path, 24)
    one = run_cli("check", "--format", "jsonl", "-j", "1", str(root))
    two = run_cli("check", "--format", "jsonl", "--jobs", "2", str(root))
    assert one.stdout == two.stdout and one.returncode == two.returncode
    assert [json.loads(line)["path"] for line in two.stdout.splitlines()] == sorted(str(p) for p in root.iterdir())


@pytest.mark.parametrize("fmt", ["json", "text", "jsonl", "sarif", "github", "junit", "gitlab"])
def test_streamed_output_is_the_same_as_the_whole_run_rendered(tmp_path: Path, fmt: str):
    from gipcheck.report import ReportContext, get_renderer, open_writer
    import io

    results = gipcheck.run(TEXTS[:4], api.Options(), jobs=1)
    ctx = ReportContext(rules=__import__("gipcheck.report", fromlist=["rule_meta"]).rule_meta(api.rules()))
    buf = io.StringIO()
    writer = open_writer(fmt, buf, ctx, results.tool_version)
    for fr in results.files:
        writer.file(fr)
    writer.close(results.counts())
    assert buf.getvalue() == get_renderer(fmt)(results, ctx)


def test_results_come_as_files_finish_not_at_the_end(tmp_path: Path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    root = folder(tmp_path, 40)
    paths = sorted(str(p) for p in root.iterdir())
    checked: list[str] = []
    real = batch.check_job

    def counting(job):
        checked.append(job.name)
        return real(job)

    monkeypatch.setattr(batch, "check_job", counting)
    results = api.check_paths(paths, api.Options(), jobs=1)
    assert next(results).path == paths[0] and len(checked) == 1  # the first result before the second file
    assert [r.path for r in results] == paths[1:]

    class Counting(ThreadPoolExecutor):
        submitted = 0

        def submit(self, *a, **k):
            Counting.submitted += 1
            return super().submit(*a, **k)

    with Counting(2) as ex:
        results = api.check_paths(paths, api.Options(), executor=ex)
        assert next(results).path == paths[0]
        assert Counting.submitted < len(paths)  # a bounded window in flight, not the whole batch
        assert [r.path for r in results] == paths[1:]


class _Sizes:
    """An executor that runs tasks in threads and notes how many files each holds."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool, self.sizes, self.in_flight, self.most = ThreadPoolExecutor(2), [], 0, 0

    def submit(self, fn, group, *args):
        self.sizes.append(len(group))
        self.in_flight += len(group)
        self.most = max(self.most, self.in_flight)
        fut = self.pool.submit(fn, group, *args)
        fut.add_done_callback(lambda _f, n=len(group): setattr(self, "in_flight", self.in_flight - n))
        return fut


def _tasks(tmp_path: Path, n: int, monkeypatch, seconds: float | None = None) -> tuple[_Sizes, list[str], list[str]]:
    if seconds is not None:
        monkeypatch.setattr(batch, "TASK_SECONDS", seconds)
    paths = sorted(str(p) for p in folder(tmp_path, n).iterdir())
    jobs = iter([batch.Job(p, api.Options()) for p in paths])
    ex = _Sizes()
    try:
        got = [fr.path for fr, _ in batch._ordered(jobs, (), ex, 64, None, chunk=8, workers=2, total=n)]
    finally:
        ex.pool.shutdown()
    return ex, paths, got


def test_a_pool_gets_several_files_a_task_once_results_come_and_fewer_at_the_end(tmp_path: Path, monkeypatch):
    """Each task costs the calling process about a millisecond: once the first results tell how long a
    file takes, tasks hold about TASK_SECONDS of work (at most ``chunk`` files); the first ones hold one
    file (the first output comes soon), and so do the last ones (the workers finish together)."""
    ex, paths, got = _tasks(tmp_path, 120, monkeypatch, seconds=10.0)  # more than 8 files of work a task
    assert got == paths  # input order, every file once
    assert sum(ex.sizes) == 120 and ex.most <= 64
    assert ex.sizes[:4] == [1, 1, 1, 1] and max(ex.sizes) == 8 and ex.sizes[-1] == 1
    assert ex.sizes[-6:] == sorted(ex.sizes[-6:], reverse=True)


def test_slow_files_stay_one_a_task(tmp_path: Path, monkeypatch):
    """Files that take longer than TASK_SECONDS each go one a task: results stream as they are done."""
    ex, paths, got = _tasks(tmp_path, 30, monkeypatch, seconds=1e-6)
    assert got == paths and ex.sizes == [1] * 30


def test_the_cli_streams_text_as_each_file_is_done(tmp_path: Path):
    root = folder(tmp_path, 30)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "gipcheck", "check", "-j", "2", "--lang", "en", str(root)],
                            stdout=subprocess.PIPE, text=True, env=env)
    first = proc.stdout.readline()
    assert first.startswith(str(root / "0000.txt"))
    rest = proc.stdout.read()
    proc.wait(timeout=600)
    assert "30 file(s) checked" in rest


def test_progress_bar_only_on_a_terminal(tmp_path: Path):
    import pty

    root = folder(tmp_path, 6)
    piped = run_cli("check", "--format", "jsonl", str(root))
    assert piped.stderr == ""
    import threading

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), "TERM": "xterm"}
    seen = bytearray()

    def drain() -> None:  # read the terminal while gipcheck runs: a full pty buffer would block its writes
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "--format", "jsonl", str(root)],
                          stdout=subprocess.PIPE, stderr=slave, env=env, timeout=600)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    assert proc.stdout.count(b"\n") == 6
    assert b"/6" in bytes(seen)  # "k/6" of rich's MofNCompleteColumn, on the terminal only


# --------------------------------------------------------------------------- a batch survives its worst file

class DieOnMarked:
    """A batch check whose summary kills the worker process outright on a file named *die*."""

    def summarize(self, result):
        if "die" in Path(result.path).name:
            os._exit(17)  # no exception, no result: the worker is simply gone
        return None

    def finish(self, summaries):
        return {}


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_a_worker_that_dies_is_gip005_for_its_file_and_the_batch_goes_on(tmp_path: Path, start: str):
    import threading

    root = folder(tmp_path, 9)
    shutil.copy(TEXTS[0], root / "0004-die.txt")
    paths = sorted(str(p) for p in root.iterdir())
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # another thread running: workers come from a fork server
    if start == "forkserver":
        other.start()
    try:
        results = list(api.check_paths(paths, api.Options(), jobs=2, batch_checks=[DieOnMarked()]))
    finally:
        stop.set()
    assert [r.path for r in results] == paths
    dead = [r for r in results if "die" in Path(r.path).name]
    assert len(dead) == 1 and [f.rule for f in dead[0].findings] == ["GIP005"] and dead[0].crashed
    assert "检查进程意外退出" in dead[0].findings[0].message
    alive = {r.path: triples(r.findings) for r in results if "die" not in Path(r.path).name}
    assert alive == {p: triples(api.check_file(p).findings) for p in paths if "die" not in Path(p).name}


def test_a_crash_on_one_file_is_gip005_the_others_are_reported_and_the_exit_code_is_3(tmp_path: Path, monkeypatch,
                                                                                      capsys):
    root = folder(tmp_path, 5)
    real = api.check_file

    def crash(path, opts=None):
        if path.endswith("0002.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, opts)

    monkeypatch.setattr(api, "check_file", crash)
    rc = cli.main(["check", "--format", "jsonl", "-j", "1", "--lang", "en", str(root)])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rc == 3 and len(lines) == 5
    broken = lines[2]
    assert [f["rule"] for f in broken["findings"]] == ["GIP005"]
    assert "RecursionError" in broken["findings"][0]["message"]
    assert all(f["rule"] != "GIP005" for x in lines[:2] + lines[3:] for f in x["findings"])


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl"])
def test_an_internal_error_exits_3_after_printing_what_was_checked(tmp_path: Path, monkeypatch, capsys, fmt):
    root = folder(tmp_path, 5)
    calls = {"n": 0}
    real = batch.run

    def failing_run(*args, **kwargs):
        for fr in real(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyError("a bug outside any one file")
            yield fr

    monkeypatch.setattr(batch, "run", failing_run)
    rc = cli.main(["check", "--format", fmt, "-j", "1", str(root)])
    out, err = capsys.readouterr()
    assert rc == 3
    assert "内部错误" in err and "KeyError" in err and "Traceback" not in err  # the interface language: Chinese
    assert len(err.strip().splitlines()) == 1
    assert str(root / "0000.txt") in out and str(root / "0001.txt") in out and str(root / "0002.txt") not in out
    if fmt == "json":
        data = json.loads(out)  # still a whole JSON document, with what was checked
        assert data["summary"]["files"] == 2 and len(data["files"]) == 2


def _hostile(tmp: Path) -> list[Path]:
    mh = make_hostile
    makers = [(".pdf", mh.truncated_pdf), (".pdf", mh.encrypted_pdf), (".doc", lambda: mh.doc_file(True)),
              (".docx", mh.encrypted_docx), (".doc", mh.xls_file), (".doc", mh.doc_header_only),
              (".docx", mh.zip_not_docx), (".docx", mh.zip_bomb_docx), (".docx", mh.corrupt_docx),
              (".odt", lambda: mh.odt_file(encrypted=True)), (".odt", lambda: mh.odt_file(mimetype="x" * 5000)),
              (".pdf", mh.textless_pdf), (".pdf", mh.scanned_pdf),
              (".pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40), (".docx", lambda: b""),
              (".docx", lambda: b"PK\x03\x04" + b"\xff" * 3000), (".doc", lambda: b"\xd0\xcf\x11\xe0" + b"\x00" * 600),
              (".html", lambda: b"<html><body>" + b"<div>" * 3000 + b"\xff\xfe" * 100),
              (".pdf", lambda: mh.truncated_pdf()[:200]), (".docx", lambda: mh.minimal_docx()[:300])]
    out = []
    for i, (ext, make) in enumerate(makers):
        p = tmp / f"{i * 25 + 7:04d}-hostile{ext}"
        p.write_bytes(make())
        out.append(p)
    return out


def test_a_batch_of_500_with_20_hostile_files_reports_every_one(tmp_path: Path):
    root = folder(tmp_path, 480)
    hostile = _hostile(root)
    assert len(list(root.iterdir())) == 500
    proc = run_cli("check", "--format", "jsonl", "-j", "2", str(root), timeout=900)
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(lines) == 500
    assert [x["path"] for x in lines] == sorted(str(p) for p in root.iterdir())  # input order
    by_path = {x["path"]: x for x in lines}
    for p in hostile:
        findings = by_path[str(p)]["findings"]
        assert len(findings) == 1 and findings[0]["rule"] in ("GIP001", "GIP002"), (p.name, findings)
    checked = [x for x in lines if "hostile" not in x["path"]]
    assert len(checked) == 480 and all(x["profile"] for x in checked)
    assert not any(f["rule"] == "GIP005" for x in lines for f in x["findings"])
    assert proc.returncode == 1  # findings, no crash


def test_output_naming_an_input_file_is_refused(tmp_path: Path):
    root = folder(tmp_path, 2)
    target = root / "0000.txt"
    before = target.read_bytes()
    for flag in ("-o", "--write-baseline"):
        proc = run_cli("check", flag, str(target), str(root))
        assert proc.returncode == 2 and "从不写入被检查的文件" in proc.stderr
        proc = run_cli("check", "--lang", "en", flag, str(target), str(root))
        assert proc.returncode == 2 and "never writes" in proc.stderr
        assert target.read_bytes() == before


# --------------------------------------------------------------------------- batch checks (cross-report hook)

class CountReports:
    """A toy batch check: tells every report how many reports of its profile the run had."""

    def summarize(self, result):
        return result.profile

    def finish(self, summaries):
        from collections import Counter

        n = Counter(profile for _, profile in summaries)
        return {path: [Finding("GIP999", "info", f"{n[profile]} of {profile}", 1, 1, 1, 1)]
                for path, profile in summaries if profile}


def test_batch_checks_get_every_summary_and_add_findings_after_the_per_file_results(tmp_path: Path):
    root = folder(tmp_path, 6)
    paths = sorted(str(p) for p in root.iterdir())
    for jobs in (1, 2):
        results = list(api.check_paths(paths, api.Options(), jobs=jobs, batch_checks=[CountReports()]))
        assert [r.path for r in results[:6]] == paths and all(r.stage == "file" for r in results[:6])
        extra = results[6:]
        assert [r.path for r in extra] == paths and all(r.stage == "batch" for r in extra)
        assert all(f.rule == "GIP999" for r in extra for f in r.findings)
        assert extra[0].to_json()["stage"] == "batch"
    merged = gipcheck.run(paths, api.Options(), jobs=1, batch_checks=[CountReports()])
    assert len(merged.files) == 6 and all(any(f.rule == "GIP999" for f in r.findings) for r in merged.files)
    assert merged.summary()["files"] == 6


# --------------------------------------------------------------------------- Dask

def test_check_paths_runs_on_a_local_dask_cluster(tmp_path: Path):
    distributed = pytest.importorskip("distributed", reason="distributed is not installed (pip install 'gipcheck[dask]')")
    root = folder(tmp_path, 6)
    hostile = root / "0003-hostile.pdf"
    hostile.write_bytes(make_hostile.truncated_pdf())
    paths = sorted(str(p) for p in root.iterdir())
    expected = [triples(r.findings) for r in api.check_paths(paths, api.Options(), jobs=1)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, memory_limit="1GiB") as cluster, \
            distributed.Client(cluster) as client:
        results = list(api.check_paths(paths, api.Options(), executor=client.get_executor()))
    assert [r.path for r in results] == paths
    assert [triples(r.findings) for r in results] == expected
    assert [f.rule for r in results if r.path == str(hostile) for f in r.findings] == ["GIP001"]


def test_reporters_describe_the_rules_of_every_file_not_only_the_first(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(TEXTS[0], tmp_path / "a" / "1.txt")
    shutil.copy(TEXTS[0], tmp_path / "b" / "2.txt")
    (tmp_path / "b" / "local.yaml").write_text(
        "rules:\n  - id: GIP990\n    name: local-street-name\n    severity: warning\n"
        "    summary: {zh: 本地规则：出现街道名, en: 'Local rule: a street name'}\n"
        "    message: {zh: 出现街道名, en: A street name}\n"
        "    examples:\n      - fail: \"衢州市三衢路\\n\"\n      - pass: \"无\\n\"\n"
        "checks:\n  - rule: GIP990\n    check: pattern_absent\n    params:\n      patterns: ['衢州市三衢路']\n",
        encoding="utf-8")
    (tmp_path / "b" / ".gipcheck.yaml").write_text("extend-rules: [local.yaml]\n", encoding="utf-8")
    proc = run_cli("check", "--format", "sarif", str(tmp_path))
    rules = {r["id"]: r for r in json.loads(proc.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["GIP990"]["fullDescription"]["text"] == "本地规则：出现街道名"


def test_a_symlink_loop_among_the_paths_is_one_gip001_and_the_others_are_checked(tmp_path: Path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    shutil.copy(TEXTS[0], tmp_path / "a.txt")
    proc = run_cli("check", "--format", "jsonl", str(loop), str(tmp_path / "a.txt"))
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert "Traceback" not in proc.stderr and proc.returncode == 1
    assert [x["path"] for x in lines] == [str(loop), str(tmp_path / "a.txt")]
    assert [f["rule"] for f in lines[0]["findings"]] == ["GIP001"] and lines[1]["profile"]
