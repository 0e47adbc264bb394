"""Hostile input: every row of issue 13's table, and what already held (kept by a test).

Each test here failed (hung, crashed with a traceback, or overwrote a file) before the change
it names, and passes after. CLI cases run in a subprocess with a timeout, so a regression is a
failed test, not a hung suite.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gipcheck import api, cli
from gipcheck.read import InputError, Limits, read_bytes, read_path

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import make_hostile as hostile  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
GOOD = (Path(__file__).parent / "fixtures" / "seeds").glob("*.txt").__next__().read_text(encoding="utf-8")


def gipcheck(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "gipcheck", *args], cwd=cwd, env=full_env, capture_output=True,
                          timeout=timeout)


def one_line_error(proc: subprocess.CompletedProcess[bytes], where: str) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert re.match(rf"gipcheck: .*{re.escape(where)}:\d+: ", lines[0]), lines[0]
    return lines[0]


def rules_of(result) -> list[str]:
    return [f.rule for f in result.findings]


# =========================================================================== bounded work

def test_a_5mb_line_without_a_full_stop_is_one_finding_in_seconds(tmp_path: Path) -> None:
    """Row 1: a 5 MB line of 政府信息公开工作， — hung (quadratic regex); now refused before parsing."""
    path = tmp_path / "line.txt"
    path.write_text("一、概述\n" + "政府信息公开工作，" * 190_000 + "\n", encoding="utf-8")
    start = time.monotonic()
    result = api.check_file(path)
    assert time.monotonic() - start < 20
    assert rules_of(result) == ["GIP001"]
    assert "第 2 行过长" in result.findings[0].message


def test_a_long_sentence_without_a_full_stop_is_checked_in_linear_time() -> None:
    """Row 1, the code itself: 80k characters without 。 under the line limit (42.9 s at 40k before)."""
    text = "一、概述\n本报告" + "政府信息公开工作，" * 9_000 + "\n"
    start = time.monotonic()
    result = api.check_text(text)
    assert time.monotonic() - start < 20
    assert "GIP005" not in rules_of(result)


@settings(max_examples=200)
@given(st.text(alphabet="。本报告组成包括分为构成甲乙，\n", max_size=60))
def test_declaration_spans_are_what_the_old_pattern_found(text: str) -> None:
    """The sentence split finds exactly the spans of the old ``[^。]*(?:组成|…)[^。]*`` regex."""
    from gipcheck.checks.structure import _declaration_spans

    para = SimpleNamespace(text=text, span=SimpleNamespace(start=7))
    ctx = SimpleNamespace(doc=SimpleNamespace(intro=[para], paragraphs=[], cache={}))
    old = [(7 + m.start(), 7 + m.end()) for m in re.finditer(r"[^。]*(?:组成|包括|包含|分为|构成)[^。]*", text)
           if re.search(r"(本|全文|报告)", m.group(0))]
    assert _declaration_spans(ctx) == old


def test_tens_of_thousands_of_headings_without_a_year_choose_a_profile_at_once() -> None:
    """Row 2: profile.py recomputed min() per heading (80k headings: 253 s)."""
    from gipcheck.profile import choose_profile

    headings = [SimpleNamespace(level=1 + i % 3, title=f"标题{i}") for i in range(80_000)]
    doc = SimpleNamespace(view="", headings=headings)
    start = time.monotonic()
    profile, _ = choose_profile(doc, SimpleNamespace(report_year=None))
    assert time.monotonic() - start < 5
    assert profile == "gip-2008"


@pytest.mark.parametrize("depth", [50_000, 200_000])
def test_html_nested_deep_is_refused_before_parsing(depth: int) -> None:
    """Row 3: 50k / 200k nested <div> took 5 s / never finished in the HTML parser."""
    page = ("<html><body>" + "<div>" * depth + "一、概述" + "</div>" * depth + "</body></html>").encode()
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        read_bytes(page, "deep.html")
    assert time.monotonic() - start < 5
    assert "nested too deeply" in info.value.message_en


def test_ordinary_html_nesting_is_still_read() -> None:
    page = ("<html><body>" + "<div>" * 300 + "<p>一、概述</p><p>正文。</p>" + "</div>" * 300 + "</body></html>").encode()
    assert read_bytes(page, "ok.html").text.split("\n")[:2] == ["一、概述", "正文。"]


def test_the_time_budget_skips_the_remaining_checks_with_one_finding() -> None:
    """Bounded work: a per-file time budget (limits.max_seconds); what is left is named in GIP007."""
    opts = api.Options(limits=Limits(max_seconds=1e-9))
    result = api.check_extracted(api.Extracted(text=GOOD), "budget.txt", opts)
    assert rules_of(result).count("GIP007") == 1
    assert "时间上限" in next(f.message for f in result.findings if f.rule == "GIP007")


# =========================================================================== not regular files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_not_regular_files_are_refused_before_reading(tmp_path: Path) -> None:
    """Rows 4–6: a FIFO blocked for ever; /dev/zero and a 30 GB sparse file were read whole
    (3.7 GB, then MemoryError); a symlink to itself was a traceback. Now one line each, and
    the good file beside them is checked."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    sparse = tmp_path / "sparse.txt"
    with open(sparse, "wb") as fh:
        fh.truncate(30 * 1024 ** 3)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    paths = [str(fifo), "/dev/zero", str(loop), str(sparse), str(good)]
    proc = gipcheck("check", *paths, "--format", "json", timeout=60)
    assert proc.returncode == 1, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    files = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    for p, word in ((fifo, "FIFO"), ("/dev/zero", "character device"), (loop, "link loop"), (sparse, "too large")):
        findings = files[str(p)]["findings"]
        assert [f["rule"] for f in findings] == ["GIP001"], findings
    assert "GIP001" not in [f["rule"] for f in files[str(good)]["findings"]]
    en = gipcheck("check", str(fifo), "/dev/zero", str(loop), str(sparse), "--lang", "en", timeout=60)
    out = en.stdout.decode()
    for word in ("named pipe (FIFO)", "character device", "symbolic link loop", "file too large (30720 MB"):
        assert word in out, out


def test_stdin_is_read_with_a_cap() -> None:
    """`gipcheck check - < /dev/zero` read for ever (then an out-of-memory kill)."""
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([sys.executable, "-m", "gipcheck", "check", "-", "--lang", "en"], stdin=zero,
                              capture_output=True, timeout=120)
    assert proc.returncode == 1 and b"more than the limit of 50 MB" in proc.stdout, proc.stdout[-300:]


def test_a_file_too_large_is_refused_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(InputError) as info:
        read_path(big, Limits(max_file_bytes=1024))
    assert "too large" in info.value.message_en


# =========================================================================== decoding

def test_an_undecodable_html_charset_falls_back() -> None:
    """Row 7: <meta charset="undefined"> with GBK bytes raised UnicodeError (only UnicodeDecodeError was caught)."""
    page = '<html><head><meta charset="undefined"></head><body><p>一、概述</p></body></html>'.encode("gbk")
    assert read_bytes(page, "u.html").text == "一、概述"


def _odt_with_damaged_mimetype() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype", (2018, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.text")
        zf.writestr(zipfile.ZipInfo("content.xml", (2018, 1, 1, 0, 0, 0)), "<office:document-content/>")
    data = bytearray(buf.getvalue())
    at = data.find(b"application/vnd.oasis")
    data[at: at + 11] = b"XXXXXXXXXXX"  # stored bytes no longer match the CRC
    return bytes(data)


@pytest.mark.parametrize("name", ["damaged.odt", "damaged.wps"])
def test_a_damaged_odf_mimetype_member_is_one_finding(name: str) -> None:
    """Row 8: office._classify_odf read the member outside any try (BadZipFile traceback)."""
    with pytest.raises(InputError) as info:
        read_bytes(_odt_with_damaged_mimetype(), name)
    assert "corrupt Office file" in info.value.message_en


# =========================================================================== file names, folders, outputs

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX byte file names")
def test_a_file_name_that_is_not_utf8_never_breaks_an_output(tmp_path: Path) -> None:
    """Row 9: a GBK file name crashed sarif/gitlab, -o, --write-baseline, and every format with
    a strict UTF-8 stdout."""
    folder = tmp_path / "reports"
    folder.mkdir()
    name = os.fsdecode(os.fsencode(str(folder)) + b"/\xc4\xea\xb1\xa8.txt")
    Path(name).write_text(GOOD, encoding="utf-8")
    env = {"PYTHONIOENCODING": "utf-8:strict"}
    for fmt in ("text", "json", "jsonl", "sarif", "junit", "github", "gitlab", "html"):
        proc = gipcheck("check", str(folder), "--format", fmt, env=env)
        assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr, (fmt, proc.stderr.decode())
        proc.stdout.decode("utf-8")  # strict: valid UTF-8
        assert b"xc4" in proc.stdout or fmt == "html", fmt  # the name, escaped (SARIF: as a URI)
    for fmt in ("sarif", "gitlab", "json"):
        out = tmp_path / f"out.{fmt}"
        proc = gipcheck("check", str(folder), "--format", fmt, "-o", str(out), env=env)
        assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr, proc.stderr.decode()
        json.loads(out.read_text(encoding="utf-8"))
    proc = gipcheck("check", str(folder), "--write-baseline", str(tmp_path / "bl.json"), env=env)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode()
    proc = gipcheck("check", str(folder), "--baseline", str(tmp_path / "bl.json"), env=env)
    assert proc.returncode == 0, proc.stdout.decode()


def test_a_path_in_an_unreadable_folder_is_one_finding_and_the_batch_goes_on(tmp_path: Path, monkeypatch,
                                                                          capsys) -> None:
    """Row 10: the whole batch aborted with exit 2 and printed nothing. (Permissions are
    simulated: tests run as root in CI, where chmod 000 does not stop a read.)"""
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    hidden = locked / "report.txt"
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if str(path).startswith(str(locked) + os.sep):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    # --jobs 1: checked in this process, where the simulated permission error is in effect
    code = cli.main(["check", str(hidden), str(good), "--format", "json", "--isolated", "--jobs", "1"])
    files = {f["path"]: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert code == 1
    assert [f["rule"] for f in files[str(hidden)]["findings"]] == ["GIP001"]
    assert "Permission denied" in files[str(hidden)]["findings"][0]["message"]
    assert "GIP001" not in [f["rule"] for f in files[str(good)]["findings"]]


@pytest.mark.parametrize("option", [["-o"], ["--output"], ["--write-baseline"]])
def test_an_output_naming_an_input_is_refused(tmp_path: Path, option: list[str]) -> None:
    """Last row: `check a.txt -o a.txt` and `--write-baseline a.txt` overwrote the report."""
    a = tmp_path / "a.txt"
    a.write_text(GOOD, encoding="utf-8")
    before = a.read_bytes()
    for target in (str(a), "./a.txt", str(tmp_path / "." / "a.txt")):
        proc = gipcheck("check", "a.txt", *option, target, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr.decode()
        assert "从不写入被检查的文件" in proc.stderr.decode()
        assert a.read_bytes() == before
    proc = gipcheck("check", ".", *option, "a.txt", cwd=tmp_path)  # named through its folder
    assert proc.returncode == 2 and a.read_bytes() == before


# =========================================================================== user rules and configs

CATASTROPHIC = """checks:
  - rule: GIP602
    check: pattern_absent
    params: {{patterns: ['{pattern}']}}
"""


@pytest.mark.parametrize("pattern,text", [("(a|aa)+$", "a" * 60 + "b"), ("(a+)+$", "a" * 40 + "b"),
                                          (r"(\d+)*x", "1" * 40)])
def test_a_backtracking_user_pattern_is_abandoned_and_the_rest_still_runs(tmp_path: Path, pattern: str,
                                                                         text: str) -> None:
    """Row 11: `(a+)+$` on 28 `a` took 23 s, on 40 never finished. Now the match is given up
    after the regex timeout, GIP007 names the rule and its file, and the other rules run."""
    rules = tmp_path / "mine.yaml"
    rules.write_text(CATASTROPHIC.format(pattern=pattern), encoding="utf-8")
    report = GOOD.rstrip("\n") + "\n" + text + "\n"
    start = time.monotonic()
    result = api.check_extracted(api.Extracted(text=report), "r.txt", api.Options(extra_rules=(str(rules),)))
    assert time.monotonic() - start < 60
    plain = api.check_extracted(api.Extracted(text=report), "r.txt")
    abandoned = [f for f in result.findings if f.rule == "GIP007"]
    if abandoned:
        assert str(rules) in abandoned[0].message and "GIP602" in abandoned[0].message
    others = [f.rule for f in result.findings if f.rule not in ("GIP007", "GIP602")]
    assert others == [f.rule for f in plain.findings if f.rule != "GIP602"]


def test_the_catastrophic_pattern_is_reported(tmp_path: Path) -> None:
    rules = tmp_path / "mine.yaml"
    rules.write_text(CATASTROPHIC.format(pattern="(a|aa)+$"), encoding="utf-8")
    report = GOOD.rstrip("\n") + "\n" + "a" * 60 + "b\n"
    result = api.check_extracted(api.Extracted(text=report), "r.txt", api.Options(extra_rules=(str(rules),)))
    assert rules_of(result).count("GIP007") == 1


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nvocabulary: {bomb: *a9}\n"


BAD_RULE_FILES = {
    "residue_regex": ("vocabulary:\n  residue:\n    - {kind: x, pattern: '(unclosed'}\n", 3, "not a valid regular expression"),
    "residue_number": ("vocabulary:\n  residue:\n    - 42\n", 2, "must be a mapping"),
    "residue_no_pattern": ("vocabulary:\n  residue:\n    - {kind: x}\n", 3, "pattern: a non-empty string"),
    "residue_pattern_number": ("vocabulary:\n  residue:\n    - {kind: x, pattern: 42}\n", 3, "pattern: a non-empty"),
    "deep": ("checks: " + "[" * 50_000 + "]" * 50_000 + "\n", 1, "nested more than"),
    "alias_bomb": (_alias_bomb(), 6, "alias bomb"),
}


@pytest.mark.parametrize("case", sorted(BAD_RULE_FILES))
def test_a_malformed_rule_file_is_file_line_what_and_exit_2(tmp_path: Path, case: str) -> None:
    """Row 12: re.error, TypeError, KeyError, RecursionError, MemoryError after 55 s — with exit 1."""
    text, line, what = BAD_RULE_FILES[case]
    rules = tmp_path / f"{case}.yaml"
    rules.write_text(text, encoding="utf-8")
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    start = time.monotonic()
    msg = one_line_error(gipcheck("check", "a.txt", "--rules", str(rules), cwd=tmp_path), str(rules))
    assert time.monotonic() - start < 60
    assert f"{rules}:{line}: " in msg and what in msg, msg


def test_gbk_encoded_rule_and_config_files_are_file_line_what(tmp_path: Path) -> None:
    """Row 12: UnicodeDecodeError tracebacks."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    rules = tmp_path / "gbk.yaml"
    rules.write_bytes("vocabulary:\n  words:\n    - 政府\n".encode("gbk"))
    msg = one_line_error(gipcheck("check", "a.txt", "--rules", str(rules), cwd=tmp_path), str(rules))
    assert "not UTF-8" in msg and f"{rules}:3:" in msg
    config = tmp_path / ".gipcheck.yaml"
    config.write_bytes("# 配置\nignore: [GIP105]\n".encode("gbk"))
    msg = one_line_error(gipcheck("check", "a.txt", cwd=tmp_path), str(config))
    assert "not UTF-8" in msg


def test_a_huge_rule_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 50 MB rule file was accepted using 879 MB."""
    rules = tmp_path / "big.yaml"
    with open(rules, "w", encoding="utf-8") as fh:
        fh.write("vocabulary:\n  words:\n")
        fh.write("    - 政府信息公开工作年度报告\n" * 1_700_000)
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    msg = one_line_error(gipcheck("check", "a.txt", "--rules", str(rules), cwd=tmp_path), str(rules))
    assert "too large" in msg


def test_config_extend_cycle_and_missing_file_are_file_line_what(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "one.yaml").write_text("extend: two.yaml\n", encoding="utf-8")
    (tmp_path / "two.yaml").write_text("extend: one.yaml\n", encoding="utf-8")
    msg = one_line_error(gipcheck("check", "a.txt", "--config", "one.yaml", cwd=tmp_path), "one.yaml")
    assert "cycle" in msg
    (tmp_path / "three.yaml").write_text("extend: nowhere.yaml\n", encoding="utf-8")
    msg = one_line_error(gipcheck("check", "a.txt", "--config", "three.yaml", cwd=tmp_path), "nowhere.yaml")
    assert "cannot read" in msg


def test_an_invalid_pyproject_with_a_gipcheck_table_is_an_error(tmp_path: Path) -> None:
    """It was silently ignored: the user's settings quietly did not apply."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.gipcheck]\nignore = [GIP105\n", encoding="utf-8")
    msg = one_line_error(gipcheck("check", "a.txt", cwd=tmp_path), "pyproject.toml")
    assert "pyproject.toml:2: not valid TOML" in msg


def test_an_invalid_pyproject_of_another_tool_is_not_ours(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = = 3\n", encoding="utf-8")
    proc = gipcheck("check", "a.txt", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr.decode()


def test_a_zip_with_too_many_entries_says_so() -> None:
    """A 150,000-entry zip was refused with "0 MB declared; the limit is 200 MB"."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(120):
            zf.writestr(f"x/{i}", "")
    with pytest.raises(InputError) as info:
        read_bytes(buf.getvalue(), "many.docx", Limits(max_zip_entries=100))
    assert "too many entries in the archive (121; the limit is 100)" in info.value.message_en


# =========================================================================== what already held

XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>")


def _docx_with(part: str, prolog: str, entity: str) -> bytes:
    body = (f'{prolog}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>一、概述{entity}</w:t></w:r></w:p></w:body></w:document>")
    src = zipfile.ZipFile(io.BytesIO(hostile.minimal_docx()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = body.encode() if part == "word/document.xml" else (prolog + data.decode().split("?>", 1)[-1]).encode()
            zf.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize("part", ["word/document.xml", "[Content_Types].xml", "_rels/.rels"])
def test_xxe_in_any_part_never_reads_a_local_file(part: str) -> None:
    try:
        e = read_bytes(_docx_with(part, XXE, "&xxe;" if part == "word/document.xml" else ""), "xxe.docx")
    except InputError as err:
        assert "\n" not in err.message_en
        return
    assert "root:" not in e.text


def test_billion_laughs_is_refused_or_unexpanded() -> None:
    start = time.monotonic()
    try:
        e = read_bytes(_docx_with("word/document.xml", LAUGHS, "&i;"), "laughs.docx")
    except InputError as err:
        assert "\n" not in err.message_en
    else:
        assert len(e.text) < 10_000
    assert time.monotonic() - start < 20


@pytest.mark.parametrize("maker,name,word", [
    (hostile.zip_bomb_docx, "bomb.docx", "zip bomb"), (hostile.encrypted_pdf, "enc.pdf", "password"),
    (hostile.encrypted_docx, "enc.docx", "password"), (lambda: hostile.odt_file(encrypted=True), "enc.odt", "password"),
    (hostile.truncated_pdf, "cut.pdf", "PDF"), (lambda: hostile.minimal_docx()[:300], "cut.docx", "corrupt"),
])
def test_bombs_encryption_and_truncation_are_one_clear_finding(maker, name: str, word: str) -> None:
    with pytest.raises(InputError) as info:
        read_bytes(maker(), name)
    assert word in info.value.message_en and "\n" not in info.value.message_en


def _json_run(cache: Path, paths: list[str]) -> bytes:
    proc = gipcheck("check", *paths, "--format", "json", env={"GIPCHECK_CACHE_DIR": str(cache)})
    assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr, proc.stderr.decode()
    return re.sub(rb'"(elapsed|duration|time)[^,}]*', b"", proc.stdout)


def _reports() -> list[str]:
    return sorted(str(p) for p in (Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))[:3]


def test_concurrent_cold_starts_give_identical_results(tmp_path: Path) -> None:
    """Four runs at once on one empty cache directory: the same output as one run alone."""
    paths = _reports()
    alone = _json_run(tmp_path / "alone", paths)
    shared = tmp_path / "shared"
    outs: list[bytes] = []
    threads = [threading.Thread(target=lambda: outs.append(_json_run(shared, paths))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outs) == 4 and all(o == alone for o in outs)


def test_a_damaged_or_unusable_cache_directory_changes_nothing(tmp_path: Path) -> None:
    paths = _reports()
    cache = tmp_path / "cache"
    clean = _json_run(cache, paths)
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files  # the first run filled it
    for p in files:  # damaged: truncated, or junk
        p.write_bytes(b"\x80\x04junk" if p.stat().st_size % 2 else b"")
    assert _json_run(cache, paths) == clean
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    assert _json_run(blocker, paths) == clean  # cannot be created: run without a cache


def test_no_command_modifies_its_input(tmp_path: Path) -> None:
    paths = _reports()
    before = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}
    for args in (["check", *paths], ["check", *paths, "--format", "sarif"], ["parse", paths[0]], ["text", paths[0]]):
        gipcheck(*args, env={"GIPCHECK_CACHE_DIR": str(tmp_path / "c")})
    assert {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths} == before
