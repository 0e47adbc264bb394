"""``gipcheck serve`` through Starlette's test client: the page, an upload, a bad file, the limits."""
from __future__ import annotations

import base64
import re
from io import BytesIO
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
docx = pytest.importorskip("docx")

from starlette.testclient import TestClient  # noqa: E402

from gipcheck import api  # noqa: E402
from gipcheck.serve import ServeLimits, create_app  # noqa: E402

from docx_comments import comment_texts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCX = ROOT / "examples" / "002_871b05a060ee8a47.docx"


@pytest.fixture
def client():
    return TestClient(create_app(ServeLimits(max_bytes=2 * 1024 * 1024, timeout=60)))


def _download(page: str, ident: str) -> bytes:
    m = re.search(rf'id="{ident}" download="[^"]+" href="data:[^;]+;base64,([A-Za-z0-9+/=]+)"', page)
    assert m, ident
    return base64.b64decode(m.group(1))


def test_upload_page_zh_and_en(client):
    zh = client.get("/")
    assert zh.status_code == 200 and '<html lang="zh-CN">' in zh.text
    assert '<form id="upload" method="post" action="/" enctype="multipart/form-data">' in zh.text
    assert zh.text.count('type="file"') == 1 and 'name="report"' in zh.text
    en = client.get("/?lang=en")
    assert '<html lang="en">' in en.text and 'action="/?lang=en"' in en.text
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r'<a href="/">中文</a>', "", en.text))
    for page in (zh.text, en.text):  # nothing from the network
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page) and "@import" not in page
    assert zh.headers["cache-control"] == "no-store"


def test_upload_a_word_report(client):
    data = DOCX.read_bytes()
    r = client.post("/", files={"report": ("年报.docx", data, "application/octet-stream")})
    assert r.status_code == 200
    page = r.text
    fr = api.check_file(DOCX)
    assert page.count('class="finding-item ') == len(fr.findings) == 3
    assert 'class="whole"' in page  # the whole-report finding (GIP102) at the top
    reviewed = _download(page, "download-docx")
    document = docx.Document(BytesIO(reviewed))
    assert len([c for c in document.comments if c.author == "gipcheck"]) == 3
    import json

    result = json.loads(_download(page, "download-json"))
    assert result["schema"] == "gipcheck/1" and len(result["files"][0]["findings"]) == 3
    assert 'download="年报.gipcheck.docx"' in page


def test_upload_text_in_english(client):
    data = (ROOT / "examples" / "2023_pingtan.txt").read_bytes()
    r = client.post("/?lang=en", files={"report": ("pingtan.txt", data, "text/plain")})
    assert r.status_code == 200 and '<html lang="en">' in r.text and "Download the reviewed copy" in r.text
    texts = comment_texts(_download(r.text, "download-docx"))
    assert len(texts) == 1 and next(iter(texts.values()))[1].startswith("GIP503")


def test_a_bad_file_gets_the_command_line_message(client, tmp_path, capsys):
    bad = b"PK\x03\x04 broken"
    r = client.post("/", files={"report": ("坏.docx", bad, "application/octet-stream")})
    assert r.status_code == 400
    shown = re.search(r'<p class="error" role="alert" id="error">([^<]+)</p>', r.text).group(1)
    path = tmp_path / "坏.docx"
    path.write_bytes(bad)
    from gipcheck.cli import main

    assert main(["review", str(path)]) == 2
    cli_line = capsys.readouterr().err.strip().replace(str(path), "坏.docx")
    import html

    assert html.unescape(shown) == cli_line
    assert '<form id="upload"' in r.text  # the page, to try again


def test_limits_and_empty_form(client):
    big = b"x" * (3 * 1024 * 1024)
    r = client.post("/", files={"report": ("big.txt", big, "text/plain")})
    assert r.status_code == 413 and "2 MB" in r.text
    r = client.post("/", data={"nothing": "1"})
    assert r.status_code == 400 and 'id="error"' in r.text


def test_time_limit():
    import time

    import gipcheck.serve as serve

    slow = TestClient(create_app(ServeLimits(timeout=1)))
    original = serve.process
    serve.process = lambda *a: (time.sleep(3), (200, "late"))[1]
    try:
        r = slow.post("/", files={"report": ("a.txt", b"text", "text/plain")})
    finally:
        serve.process = original
    assert r.status_code == 503 and "late" not in r.text


def test_nothing_written_to_disk(client, tmp_path, monkeypatch):
    """No file appears in the temp dir or the working directory while a report is checked."""
    import tempfile

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    r = client.post("/", files={"report": ("年报.docx", DOCX.read_bytes(), "application/octet-stream")})
    assert r.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_serve_binds_loopback_by_default():
    from gipcheck.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
