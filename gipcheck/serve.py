"""``gipcheck serve``: a local page where a clerk drops a report and gets the findings back.

One Starlette app (extra ``[web]``), served by uvicorn on 127.0.0.1 unless told otherwise.
``GET /`` is the upload page (Chinese; ``?lang=en`` for English). ``POST /`` takes one file
from a plain ``multipart/form-data`` form — so it works without JavaScript; the page's script
only adds drag and drop — and answers with the HTML report of the findings, with the reviewed
``.docx`` and the JSON as downloads inside the page (``data:`` links).

Nothing is kept: the upload is read into memory (capped at the size limit), checked, and
dropped when the response is sent; no file is written, no state is shared between requests.
A check that takes longer than the time limit gets a message instead of a report. A file that
cannot be read gets the same one-line message as on the command line, on the page.
"""
from __future__ import annotations

import argparse
import base64
import json
from dataclasses import dataclass
from html import escape
from pathlib import PurePath
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SUFFIXES = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")


@dataclass(frozen=True)
class ServeLimits:
    max_bytes: int = 20 * 1024 * 1024  # one upload
    timeout: float = 60.0  # seconds for one check
    concurrent: int = 2  # checks at a time (the rest wait)


def _strings(lang: str) -> dict[str, str]:
    from .report.html import strings

    return strings(lang)["page"]


def _lang(request: Any) -> str:
    return "en" if request.query_params.get("lang") == "en" else "zh"


def _e(s: Any) -> str:
    return escape(str(s), quote=True)


def upload_page(lang: str, message: str | None = None) -> str:
    """The page to choose or drop a report on (also shown, with a message, for a bad file)."""
    from .report.html import asset

    t = _strings(lang)
    action = "/?lang=en" if lang == "en" else "/"
    other = ('<a href="/">中文</a>' if lang == "en" else '<a href="/?lang=en">English</a>')
    msg = f'<p class="error" role="alert" id="error">{_e(message)}</p>' if message else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(t['title'])}</title><style>{asset('page.css')}</style></head><body>"
        f'<header class="top"><h1>{_e(t["title"])}</h1><nav class="lang">{other}</nav></header>'
        f'<main><p class="intro">{_e(t["intro"])}</p>{msg}'
        f'<form id="upload" method="post" action="{action}" enctype="multipart/form-data">'
        f'<label class="drop" id="drop" for="report"><span class="big">{_e(t["drop"])}</span>'
        f'<span class="small">{_e(t["formats"])}</span>'
        f'<input type="file" id="report" name="report" accept="{",".join(SUFFIXES)}" required></label>'
        f'<button type="submit" id="submit">{_e(t["submit"])}</button>'
        f'<p class="busy" id="busy" hidden>{_e(t["busy"])}</p></form>'
        f'<p class="privacy">{_e(t["privacy"])}</p></main>'
        f"<script>{asset('page.js')}</script></body></html>\n"
    )


def _data_link(data: bytes, mime: str, filename: str, label: str, ident: str) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a class="download" id="{ident}" download="{_e(filename)}" '
            f'href="data:{mime};base64,{b64}">{_e(label)}</a>')


def process(data: bytes, filename: str, lang: str) -> tuple[int, str]:
    """Check and review one uploaded file in memory: (HTTP status, page)."""
    from . import api
    from .cli import rule_meta
    from .model import RunResult
    from .read import InputError
    from .report import ReportContext, get_renderer
    from .report.html import render
    from .review import review_bytes

    t = _strings(lang)
    name = PurePath(filename.replace("\\", "/")).name or "report.txt"
    opts = api.Options(lang=lang)
    try:
        reviewed = review_bytes(data, name, opts)
    except InputError as err:
        return 400, upload_page(lang, f"gipcheck: {err.message(lang)}")
    run = RunResult([reviewed.result], api.__version__)
    ctx = ReportContext(lang=lang, rules=rule_meta(api.rules()))
    stem = PurePath(name).stem
    docx_link = _data_link(reviewed.data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           f"{stem}.gipcheck.docx", t["download_docx"].format(n=reviewed.comments), "download-docx")
    json_text = get_renderer("json")(run, ctx)
    json.loads(json_text)  # the contract: a page never offers a broken JSON
    json_link = _data_link(json_text.encode("utf-8"), "application/json", f"{stem}.gipcheck.json",
                           t["download_json"], "download-json")
    again = "/?lang=en" if lang == "en" else "/"
    toolbar = (f'<div class="toolbar">{docx_link}{json_link}'
               f'<a class="again" id="again" href="{again}">{_e(t["again"])}</a></div>')
    return 200, render(run, ctx, toolbar=toolbar)


def create_app(limits: ServeLimits | None = None) -> Any:
    """The Starlette application (``gipcheck[web]``)."""
    import anyio
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    limits = limits or ServeLimits()
    slots = anyio.CapacityLimiter(limits.concurrent)
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                                   "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }

    def page(body: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(body, status_code=status, headers=headers)

    async def index(request: Request) -> HTMLResponse:
        return page(upload_page(_lang(request)))

    async def upload(request: Request) -> HTMLResponse:
        lang = _lang(request)
        t = _strings(lang)
        too_big = t["too_big"].format(mb=limits.max_bytes // 1024 // 1024)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limits.max_bytes + 64 * 1024:
            return page(upload_page(lang, too_big), 413)
        body = bytearray()
        async for chunk in request.stream():  # read into memory, never past the cap
            body += chunk
            if len(body) > limits.max_bytes + 64 * 1024:
                return page(upload_page(lang, too_big), 413)

        async def replay() -> dict[str, Any]:
            nonlocal body
            out, body = bytes(body), bytearray()
            return {"type": "http.request", "body": out, "more_body": False}

        form_request = Request(request.scope, replay)
        try:
            async with form_request.form(max_files=1, max_fields=4, max_part_size=64 * 1024) as form:
                item = form.get("report")
                if item is None or isinstance(item, str) or not item.filename:
                    return page(upload_page(lang, t["no_file"]), 400)
                data = await item.read()
                filename = item.filename
        except Exception:  # noqa: BLE001 - a malformed form is the client's mistake, one line
            return page(upload_page(lang, t["bad_form"]), 400)
        if len(data) > limits.max_bytes:
            return page(upload_page(lang, too_big), 413)
        try:
            with anyio.fail_after(limits.timeout):
                status, html = await anyio.to_thread.run_sync(process, data, filename, lang,
                                                              abandon_on_cancel=True, limiter=slots)
        except TimeoutError:
            return page(upload_page(lang, t["timeout"].format(s=int(limits.timeout))), 503)
        finally:
            del data
        return page(html, status)

    return Starlette(routes=[Route("/", index, methods=["GET"]), Route("/", upload, methods=["POST"])])


# --------------------------------------------------------------------------- command line

HELP = {
    "zh": {"serve": "启动本机网页：拖入报告，查看问题，下载带批注的审阅稿", "host": "监听地址（默认 127.0.0.1，仅本机可访问）",
           "port": f"端口（默认 {DEFAULT_PORT}）", "max-mb": "上传文件大小上限（MB，默认 20）",
           "timeout": "每次检查的时间上限（秒，默认 60）",
           "missing": "gipcheck serve 需要安装可选组件：pip install 'gipcheck[web]'（{name}）",
           "listening": "gipcheck：请在浏览器中打开 http://{host}:{port}/ （按 Ctrl+C 结束）"},
    "en": {"serve": "start a local web page: drop a report, see the findings, download the reviewed copy",
           "host": "address to listen on (default 127.0.0.1: this computer only)", "port": f"port (default {DEFAULT_PORT})",
           "max-mb": "upload size limit in MB (default 20)", "timeout": "time limit of one check in seconds (default 60)",
           "missing": "gipcheck serve needs an optional extra: pip install 'gipcheck[web]' ({name})",
           "listening": "gipcheck: open http://{host}:{port}/?lang=en in a browser (Ctrl+C to stop)"},
}


def add_parser(sub: Any, lang: str) -> None:
    h = HELP[lang]
    p = sub.add_parser("serve", help=h["serve"], description=h["serve"])
    p.add_argument("--host", default=DEFAULT_HOST, help=h["host"])
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=h["port"])
    p.add_argument("--max-mb", type=int, default=20, help=h["max-mb"])
    p.add_argument("--timeout", type=float, default=60.0, help=h["timeout"])
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help=argparse.SUPPRESS)  # messages on the console


def run_cli(args: Any) -> int:
    import sys

    h = HELP["en" if args.lang == "en" else "zh"]
    try:
        import uvicorn

        app = create_app(ServeLimits(max_bytes=max(1, args.max_mb) * 1024 * 1024, timeout=max(1.0, args.timeout)))
    except ImportError as exc:
        print(h["missing"].format(name=exc.name), file=sys.stderr)
        return 2
    print(h["listening"].format(host=args.host, port=args.port), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", limit_concurrency=32,
                timeout_keep_alive=5)
    return 0
