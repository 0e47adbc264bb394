"""The HTML report in a real headless Chromium, driven over the Chrome DevTools Protocol.

Uses the system Chromium (Debian: ``apt-get install chromium``) and the ``websocket-client``
package; no browser is downloaded. Skipped only when no Chromium binary exists.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from gipcheck.model import FileResult, Finding, RunResult
from gipcheck.report import ReportContext, RuleMeta
from gipcheck.report.html import render

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "test-output" / "html-report.png"
TIMEOUT = 20.0  # seconds, for every single wait


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


RULES = {
    "GIP102": RuleMeta("GIP102", "required-section-missing", "error", "缺少法定内容", "A required item is missing",
                       "《政府信息公开条例》（2019）第五十条", "按规定补写该部分", "Add the missing section"),
    "GIP201": RuleMeta("GIP201", "statistics-period-missing", "error", "未说明统计期限", "No statistics period",
                       "国办公开办函〔2021〕30号", "在引言中写明“本报告中所列数据的统计期限自…起至…止”",
                       "State the statistics period in the introduction"),
    "GIP302": RuleMeta("GIP302", "contact-phone-invalid", "info", "电话号码格式不正确", "Invalid phone number",
                       None, "写成“区号-号码”", "Write area code-number"),
    "GIP404": RuleMeta("GIP404", "table-sum-mismatch", "error", "合计与分项之和不符", "Total differs from its parts",
                       "国办公开办函〔2021〕30号", "核对表格中的合计与分项", "Check the totals"),
    "GIP601": RuleMeta("GIP601", "placeholder-text", "error", "存在未填写的模板文字", "Unfilled template text",
                       None, "填写或删除占位文字", "Fill in or remove the placeholder"),
    "GIP603": RuleMeta("GIP603", "repeated-punctuation", "info", "标点重复", "Doubled punctuation",
                       None, "删去多余的标点", "Remove the extra mark"),
    "GIP301": RuleMeta("GIP301", "contact-missing", "warning", "未提供联系方式", "No contact details",
                       "《政府信息公开条例》第五十条", "写明咨询电话或通讯地址", "Give a phone or address"),
    "GIP104": RuleMeta("GIP104", "heading-numbering", "warning", "标题序号不连续", "Heading numbering gap",
                       None, "调整标题序号", "Renumber the headings"),
}


def sample_run() -> RunResult:
    a_lines = [
        "三元区民政局2017年政府信息公开工作年度报告",
        "根据《中华人民共和国政府信息公开条例》要求，特向社会公布本年度报告，，全文如下。",
        "一、概述",
        "2017年，我局认真贯彻落实政府信息公开工作各项要求，主动公开政府信息XX条。",
        "二、主动公开政府信息情况",
    ]
    a_lines += [f"（{i}）本年度第{i}项工作进展情况说明，内容略。" for i in range(1, 36)]
    a_lines += [
        "四、存在的主要问题及改进情况",
        "如对本报告有疑问，请与我局办公室联系，联系电话：0598—8328341。",
        "<script>document.title='pwned'</script>",
        "三元区民政局",
        "2018年1月30日",
    ]
    a = FileResult(
        path="reports/2017-三元区民政局.txt", profile="gip-2008", format="text",
        facts={"agency": "三元区民政局", "report_year": 2017, "statistics_period": None},
        lines=a_lines,
        findings=[
            Finding("GIP201", "error", "未找到统计期限说明（如“本报告中所列数据的统计期限自…起至…止”）",
                    1, 1, 1, 1, name="statistics-period-missing", basis="国办公开办函〔2021〕30号"),
            Finding("GIP603", "info", "标点重复：“，，”", 2, 34, 2, 36, name="repeated-punctuation"),
            Finding("GIP601", "error", "未填写的模板文字：“XX”", 4, 36, 4, 38, name="placeholder-text"),
            Finding("GIP104", "warning", "标题序号不连续：“二、”之后是“四、”", 41, 1, 41, 3, name="heading-numbering"),
            Finding("GIP302", "info", "电话号码使用了“—”作分隔符", 42, 25, 42, 37, name="contact-phone-invalid"),
            Finding("GIP301", "warning", "联系方式中没有通讯地址", 42, 1, 42, 38, name="contact-missing"),
        ],
    )
    b = FileResult(
        path="reports/2023_平潭综合实验区.docx", profile="gip-2021", format="docx",
        facts={"agency": "平潭综合实验区", "report_year": 2023,
               "statistics_period": {"start": "2023-01-01", "end": "2023-12-31"}},
        lines=[
            "平潭综合实验区2023年度政府信息公开工作年度报告",
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
            "一、总体情况",
            "二、主动公开政府信息情况",
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
            "规章 | 0 | 0 | 0",
            "行政规范性文件 | 77 | 132 | 470",
            "合计 | 70 | 132 | 470",
        ],
        findings=[
            Finding("GIP102", "error", "缺少法定内容：收到和处理政府信息公开申请情况", 4, 1, 4, 1,
                    name="required-section-missing", basis="《政府信息公开条例》（2019）第五十条"),
            Finding("GIP404", "error", "合计 70 与分项之和 77 不符", 8, 6, 8, 8, name="table-sum-mismatch",
                    source={"paragraph": 12}),
        ],
    )
    return RunResult(files=[a, b])


class CDP:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, ws_url: str):
        import websocket  # websocket-client

        self.ws = websocket.create_connection(ws_url, timeout=TIMEOUT, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
        raise TimeoutError(method)

    def js(self, expression: str):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"JS error: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expression: str, what: str):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.js(expression):
                return
            time.sleep(0.1)
        raise TimeoutError(what)

    def click(self, selector: str):
        """A real mouse click at the centre of the element (scrolled into view first)."""
        rect = self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            el.scrollIntoView({{block: 'center'}});
            const r = el.getBoundingClientRect();
            return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
        }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=rect["x"], y=rect["y"], button="left", clickCount=1)

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass


@pytest.fixture
def browser():
    chromium = find_chromium()
    if not chromium:
        pytest.skip("no Chromium binary found (install Debian's 'chromium' package to run the browser test)")
    import websocket  # noqa: F401  (websocket-client, dev extra): a missing one is an error, not a skip
    profile = tempfile.mkdtemp(prefix="gipcheck-chromium-")
    proc = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--window-size=1400,900",
         f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    cdp = None
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None:
                pytest.fail(f"chromium exited with {proc.returncode} before opening DevTools")
            if time.monotonic() > deadline:
                pytest.fail("chromium did not open its DevTools port in time")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t.get("type") == "page")
        cdp = CDP(page["webSocketDebuggerUrl"])
        yield cdp
    finally:
        if cdp is not None:
            cdp.close()
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the browser and its helpers: its own session
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


MARKERS_JS = """Array.from(document.querySelectorAll('mark.finding')).map(m => {
  const line = m.closest('.line'), whole = m.closest('.whole');
  return {rule: m.dataset.rule, severity: m.dataset.severity, line: Number(m.dataset.line),
          lineId: line ? line.id : null, lineAttr: line ? Number(line.dataset.line) : null,
          whole: whole ? whole.id : null,
          file: m.closest('section.file').id, text: m.textContent,
          visible: m.offsetParent !== null && getComputedStyle(m).display !== 'none'};
})"""

VISIBILITY_JS = """(rule => ['mark.finding', 'li.finding-item', '.note'].map(sel =>
  Array.from(document.querySelectorAll(sel + '[data-rule="' + rule + '"]')).map(el =>
    el.offsetParent !== null && getComputedStyle(el).display !== 'none')))"""


def test_html_report_in_browser(browser, tmp_path):
    run = sample_run()
    ctx = ReportContext(lang="zh", rules=RULES)
    report = tmp_path / "报告.html"
    report.write_text(render(run, ctx), encoding="utf-8")

    cdp = browser
    cdp.call("Page.enable")
    cdp.call("Runtime.enable")
    cdp.call("Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False)
    cdp.call("Page.navigate", url=report.as_uri())
    cdp.wait_for("document.readyState === 'complete' && !!document.querySelector('#sidebar')", "page load")
    assert cdp.js("document.title") == "政府信息公开工作年度报告检查结果"  # the <script> in the text did not run

    # every finding has a marker, at its line, inside that line's element; a finding about the
    # whole report (GIP201: no place of its own) is at the top of its file, not on line 1
    markers = cdp.js(MARKERS_JS)
    expected = sorted((f"f{i}", f.rule, f.line) for i, fr in enumerate(run.files) for f in fr.findings)
    assert sorted((m["file"], m["rule"], m["line"]) for m in markers) == expected
    for m in markers:
        if m["rule"] == "GIP201":
            assert m["whole"] == f"{m['file']}-whole" and m["lineId"] is None, m
        else:
            assert m["lineId"] == f"{m['file']}-L{m['line']}" and m["lineAttr"] == m["line"], m
        assert m["text"] == m["rule"] and m["visible"], m
    assert cdp.js("document.querySelector('#f0-whole').getBoundingClientRect().top"
                  " < document.querySelector('#f0-L1').getBoundingClientRect().top")
    assert cdp.js("document.querySelectorAll('li.finding-item').length") == len(expected)
    assert cdp.js("document.body.innerText.includes(\"<script>document.title='pwned'</script>\")")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shot = cdp.call("Page.captureScreenshot", format="png")
    SCREENSHOT.write_bytes(base64.b64decode(shot["data"]))
    assert SCREENSHOT.stat().st_size > 10_000

    # unticking a rule filter hides that rule's markers, notes and list items; the rest stay
    def visibility(rule):
        return cdp.js(f"({VISIBILITY_JS})({json.dumps(rule)})")

    assert visibility("GIP601") == [[True], [True], [True]]
    cdp.click('input.rule-filter[value="GIP601"]')
    cdp.wait_for("!document.querySelector('input.rule-filter[value=\"GIP601\"]').checked", "untick")
    assert visibility("GIP601") == [[False], [False], [False]]
    assert visibility("GIP404") == [[True], [True], [True]]
    assert cdp.js("document.querySelector('[data-fids=\"f0-2\"]').classList.contains('hl-off')")
    cdp.click('input.rule-filter[value="GIP601"]')
    cdp.wait_for("document.querySelector('input.rule-filter[value=\"GIP601\"]').checked", "re-tick")
    assert visibility("GIP601") == [[True], [True], [True]]

    # the severity filter does the same for a whole severity
    cdp.click('input.severity-filter[value="info"]')
    assert visibility("GIP603") == [[False], [False], [False]]
    assert visibility("GIP302") == [[False], [False], [False]]
    assert visibility("GIP104") == [[True], [True], [True]]
    cdp.click('input.severity-filter[value="info"]')
    assert visibility("GIP603") == [[True], [True], [True]]

    # clicking a finding in the side list scrolls its line into view
    cdp.js("window.scrollTo(0, 0)")
    target = "f0-L41"
    assert cdp.js(f"document.getElementById('{target}').getBoundingClientRect().top") > 900
    cdp.click('li.finding-item[data-rule="GIP104"]')
    cdp.wait_for(f"""(() => {{ const r = document.getElementById('{target}').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }})()""", "scroll to the finding's line")
    assert cdp.js("document.querySelector('li.finding-item[data-rule=\"GIP104\"]').classList.contains('active')")
