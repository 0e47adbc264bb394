"""PDF → :class:`Extracted` (text through pypdfium2), one module per job:

``fonts`` (one substitute font for every non-embedded font, so no host font matters),
``chars`` (characters and lines), ``grids`` (ruled tables), ``layout`` (headers, footers,
page numbers, re-joined lines), ``ocr`` (pages without a text layer); this module opens the
file, walks the pages and assembles the result.


* Characters are read with their loose boxes (the PDF's own widths, never glyph outlines) and grouped into lines by position, top to bottom,
  left to right (reading order of a single-column report, whatever the content-stream order).
* Layout text is removed: running headers/footers (a line repeated, digits aside, at the top
  or bottom of most pages) and page numbers at the top/bottom of a page (``第 3 页``,
  ``第3页 共10页``, ``- 3 -``, ``3/10``, bare digits, ``Page 3 of 10``).
* Lines that the layout broke inside a sentence are re-joined: a line is joined to the next
  when it does not end with sentence punctuation (。！？…), it runs to the right margin (or
  the next line starts with a word too wide for the room left),
  the next line does not start with a heading marker (一、 （一） 1. （1） ① 第…章 附件)
  and is not indented as a new paragraph; across a page break as well.
* Drawn tables (ruling lines: stroked segments, or thin filled rectangles as Word draws
  borders) become :class:`SourceTable` grids, merged cells found from missing inner rules
  (text once, top-left, covered slots empty); a table continued on the next page is joined
  to its first part (a repeated header row dropped). This needs no extra library (pdfplumber
  is deliberately not used even when installed), so the same file gives the same findings
  everywhere. Rows are written as `` | `` lines.
* Not handled: multi-column layouts (lines at the same height are merged), rotated pages,
  vertical text.
* ``line_sources[i]`` is ``{"page": N}``; table rows add ``"table"`` and ``"row"``.
* Refused with :class:`InputError`: more pages than ``limits.max_pages``, a password,
  a damaged or truncated file. A PDF with no text layer (a scan) raises ``rule="GIP002"`` —
  unless ``tesseract`` with ``chi_sim`` data is on PATH: then each page is rendered by
  pypdfium2 (300 dpi grey, written as PGM in a temp dir) and OCR'd by a ``tesseract``
  subprocess, and the result carries a GIP002 note saying the text came from OCR.
"""
from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium  # extra "pdf"
import pypdfium2.raw as pdfium_c

from ..base import Extracted, InputError, Limits, SourceTable
from . import fonts
from .chars import _group_lines, _Line, _page_chars
from .grids import _find_tables, _segments
from .layout import _rejoin, _strip_layout
from .stitch import merge_tables
from .ocr import _ocr, _ocr_available

fonts.install()


def _short(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:120]


def _open(data: bytes, name: str) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(
                f"{name}：PDF 受密码保护（已加密），无法读取；请提供未加密的版本",
                f"{name}: the PDF is password-protected (encrypted) and cannot be read; provide an unencrypted copy",
            ) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError(
                f"{name}：PDF 使用了不支持的加密方式，无法读取",
                f"{name}: the PDF uses an unsupported encryption scheme and cannot be read",
            ) from None
        raise InputError(
            f"{name}：PDF 文件已损坏或不完整，无法打开（{_short(exc)}）",
            f"{name}: corrupt or incomplete PDF, cannot be opened ({_short(exc)})",
        ) from None


def read_pdf(data: bytes, name: str, limits: Limits) -> Extracted:
    doc = _open(data, name)
    try:
        return _read(doc, data, name, limits)
    finally:
        doc.close()


def _read(doc: Any, data: bytes, name: str, limits: Limits) -> Extracted:
    n = len(doc)
    if n > limits.max_pages:
        raise InputError(
            f"{name}：PDF 页数过多（{n} 页，上限 {limits.max_pages} 页）",
            f"{name}: too many pages ({n}; the limit is {limits.max_pages})",
        )
    if n == 0:
        raise InputError(f"{name}：PDF 没有任何页面", f"{name}: the PDF has no pages")
    if b"%%EOF" not in data[-65536:] and b"%%EOF" not in data:
        raise InputError(
            f"{name}：PDF 文件不完整（缺少文件结尾，可能下载中断），请重新获取完整文件",
            f"{name}: incomplete PDF (no end-of-file marker; the download may have been cut short)",
        )
    pages: list[list[Any]] = []
    boxes: list[tuple[float, float, float, float]] = []
    textless_with_images: list[int] = []
    total_chars = total_bad = 0
    for i in range(n):
        try:
            page = doc[i]
            textpage = page.get_textpage()
        except pdfium.PdfiumError as exc:
            raise InputError(f"{name}：第 {i + 1} 页无法读取（{_short(exc)}）",
                             f"{name}: page {i + 1} cannot be read ({_short(exc)})") from None
        chars, bad = _page_chars(textpage)
        total_chars += sum(1 for c in chars if not c.ch.isspace())
        total_bad += bad
        box = page.get_cropbox()
        boxes.append(box)
        hs, vs = _segments(page)
        tables, used = _find_tables(hs, vs, chars, i + 1) if hs and vs else ([], set())
        flow = [c for k, c in enumerate(chars) if k not in used]
        items: list[Any] = list(_group_lines(flow, i + 1)) + tables
        items.sort(key=lambda it: -it.y1)
        if not items:
            has_image = any(pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, k))
                            == pdfium_c.FPDF_PAGEOBJ_IMAGE for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)))
            if has_image:
                textless_with_images.append(i + 1)
        pages.append(items)
        textpage.close()
        page.close()
    if total_chars == 0:
        exe = _ocr_available()
        if exe:
            return _ocr(doc, name, exe)
        raise InputError(
            f"{name}：PDF 是扫描图像，没有文字层，无法检查文字（可用 OCR 识别后另存为带文字的 PDF 或 Word；安装 tesseract 及 chi_sim 语言包后本工具可自动识别）",
            f"{name}: the PDF is a scanned image with no text layer, so its text cannot be checked "
            f"(OCR it first, or install tesseract with chi_sim data to let gipcheck do so)",
            rule="GIP002",
        )
    if total_bad > 3 * total_chars:
        raise InputError(
            f"{name}：PDF 的文字层无法解码（字体缺少 Unicode 映射），无法检查文字",
            f"{name}: the PDF's text layer cannot be decoded (fonts without a Unicode mapping)",
        )
    _strip_layout(pages, boxes)
    margins: dict[int, tuple[float, float]] = {}
    for p, items in enumerate(pages, 1):
        body = [it for it in items if isinstance(it, _Line)]
        if body:
            xs0 = sorted(ln.x0 for ln in body)
            margins[p] = (xs0[len(xs0) // 10] if len(xs0) >= 10 else xs0[0], max(ln.x1 for ln in body))
    flow_items = [it for items in pages for it in items]
    flow_items = merge_tables(_rejoin(flow_items, margins))
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    tables: list[SourceTable] = []
    notes: list[tuple[str, str, str, int]] = []
    page_first_line: dict[int, int] = {}
    for it in flow_items:
        if isinstance(it, _Line):
            page_first_line.setdefault(it.page, len(lines) + 1)
            lines.append(it.text)
            sources.append({"page": it.page})
        else:
            page_first_line.setdefault(it.page, len(lines) + 1)
            first = len(lines) + 1
            t_no = len(tables) + 1
            for r, (row, pg) in enumerate(zip(it.rows, it.pages), 1):
                lines.append(" | ".join(row))
                sources.append({"page": pg, "table": t_no, "row": r})
            tables.append(SourceTable(first_line=first, rows=it.rows))
    for p in textless_with_images:
        later = [page_first_line[q] for q in page_first_line if q > p]
        line = min(later) if later else max(len(lines), 1)
        notes.append((
            "GIP002",
            f"第 {p} 页是扫描图像，没有文字层，该页内容未检查",
            f"page {p} is a scanned image with no text layer; its content was not checked",
            line,
        ))
    return Extracted(text="\n".join(lines), format="pdf", line_sources=sources, tables=tables, notes=notes)
