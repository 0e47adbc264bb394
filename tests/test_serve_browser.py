"""The web page in a real headless Chromium: a clerk uploads a Word report through the page's
file input, reads the findings, and downloads the reviewed copy.

The server is ``gipcheck serve`` itself, started on a free loopback port; the browser is the
system Chromium driven over the DevTools protocol (see test_html_browser.py; no download).
Skipped only when no Chromium binary exists; .ci/run installs it.
"""
from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
docx = pytest.importorskip("docx")

from gipcheck import api  # noqa: E402

from docx_comments import anchored_texts, comment_texts  # noqa: E402
from test_html_browser import TIMEOUT, browser  # noqa: E402,F401  (the Chromium fixture)

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output"
REPORT = ROOT / "examples" / "002_871b05a060ee8a47.docx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "gipcheck", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"gipcheck serve exited: {proc.stderr.read().decode('utf-8', 'replace')}")
            if time.monotonic() > deadline:
                pytest.fail("gipcheck serve did not answer in time")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _screenshot(cdp, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = cdp.call("Page.captureScreenshot", format="png")
    path = SHOTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000
    return path


def test_upload_review_download_in_chromium(browser, server, tmp_path):  # noqa: F811
    cdp = browser
    upload = tmp_path / "年报.docx"
    shutil.copy(REPORT, upload)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    cdp.call("Page.enable")
    cdp.call("Runtime.enable")
    cdp.call("DOM.enable")
    cdp.call("Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False)
    try:
        cdp.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
    except RuntimeError:
        cdp.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))

    cdp.call("Page.navigate", url=server)
    cdp.wait_for("document.readyState === 'complete' && !!document.querySelector('#report')", "upload page")
    assert cdp.js("document.documentElement.lang") == "zh-CN"
    assert cdp.js("document.querySelector('form#upload').method") == "post"
    _screenshot(cdp, "serve-upload.png")

    # choose the file in the page's own file input, then press the button, as a clerk does
    root = cdp.call("DOM.getDocument")["root"]["nodeId"]
    node = cdp.call("DOM.querySelector", nodeId=root, selector="input#report")["nodeId"]
    cdp.call("DOM.setFileInputFiles", files=[str(upload)], nodeId=node)
    assert cdp.js("document.querySelector('#report').files[0].name") == "年报.docx"
    cdp.click("button#submit")
    cdp.wait_for("!!document.querySelector('#sidebar') && document.readyState === 'complete'", "the report page")

    fr = api.check_file(REPORT)
    items = cdp.js("Array.from(document.querySelectorAll('li.finding-item')).map(li => li.dataset.rule)")
    assert sorted(items) == sorted(f.rule for f in fr.findings)
    # marked in the text: each finding with a place has its marker in its line, the span highlighted
    marks = cdp.js("""Array.from(document.querySelectorAll('mark.finding')).map(m => {
        const line = m.closest('.line'); const whole = m.closest('.whole');
        return {rule: m.dataset.rule, line: line ? Number(line.dataset.line) : null, whole: !!whole,
                visible: m.offsetParent !== null};
    })""")
    assert sorted(m["rule"] for m in marks) == sorted(items)
    for f in fr.findings:
        m = next(m for m in marks if m["rule"] == f.rule)
        if f.rule == "GIP102":  # about the whole report: listed at the top, not on a blank line 1
            assert m["whole"] and m["line"] is None
        else:
            assert m["line"] == f.line and m["visible"], m
    assert cdp.js("document.querySelector('.hl').textContent") in ("七", "0598—8328341")
    assert cdp.js("document.body.innerText.includes('第 14 段')")  # the place, in Chinese
    _screenshot(cdp, "serve-report.png")

    # download the reviewed copy with a real click and open it as Word would
    cdp.click("a#download-docx")
    deadline = time.monotonic() + TIMEOUT
    got = None
    while time.monotonic() < deadline:
        done = [p for p in downloads.iterdir() if p.suffix == ".docx"]
        if done and not any(p.suffix == ".crdownload" for p in downloads.iterdir()):
            got = done[0]
            break
        time.sleep(0.2)
    assert got is not None, list(downloads.iterdir())
    assert got.name == "年报.gipcheck.docx"
    data = got.read_bytes()
    document = docx.Document(BytesIO(data))
    ours = [c for c in document.comments if c.author == "gipcheck"]
    assert len(ours) == len(fr.findings)
    anchors = anchored_texts(data)
    by_rule = {t.split()[0]: anchors[i] for i, (_, t) in comment_texts(data).items()}
    assert by_rule["GIP302"] == "0598—8328341"
    assert upload.read_bytes() == REPORT.read_bytes()
