"""bytes → :class:`Extracted`: pick the reader from the content (magic bytes), not only the name.

Readers for Word, HTML and PDF live in their own modules and import their third-party
library lazily, so a missing optional extra is a one-line message, not an ImportError.
"""
from __future__ import annotations

import importlib
import os
import zipfile
from io import BytesIO
from pathlib import Path

from .base import Extracted, InputError, Limits, SourceTable
from .text import decode, read_text

__all__ = ["Extracted", "InputError", "Limits", "SourceTable", "decode", "detect_format", "read_path", "read_bytes"]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
# format name -> (module, function, extra that provides its library)
ADAPTERS: dict[str, tuple[str, str, str | None]] = {
    "text": ("gipcheck.read.text", "read_text", None),
    "docx": ("gipcheck.read.docx", "read_docx", "docx"),
    "html": ("gipcheck.read.html", "read_html", "html"),
    "pdf": ("gipcheck.read.pdf", "read_pdf", "pdf"),
    "office": ("gipcheck.read.office", "read_office", None),
}


def detect_format(data: bytes, name: str) -> str:
    """Name the reader for these bytes: text, docx, html, pdf or office (.doc/.wps/.odt)."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .doc, .wps, .xls
        return "office"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise InputError(f"{name}：ZIP/Word 文件已损坏", f"{name}: corrupt ZIP/Word file") from None
        if "word/document.xml" in names:
            return "docx"
        if "mimetype" in names or "content.xml" in names:
            return "office"
        raise InputError(f"{name}：是 ZIP 压缩包而不是 Word 文档", f"{name}: a ZIP archive, not a Word document")
    low = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = Path(name).suffix.lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "html"  # a whole web page, whatever it was saved as (年报.txt that is really a page)
    if low.startswith(b"<?xml") or suffix in (".html", ".htm", ".shtml", ".xhtml"):
        if suffix in (".txt", ".md"):
            return "text"
        return "html"
    if b"<html" in low or (b"<body" in low and b"</" in low):
        return "html"
    return "text"


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> Extracted:
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        raise InputError(
            f"{name}：文件过大（{len(data) // 1024 // 1024} MB，上限 {limits.max_file_bytes // 1024 // 1024} MB）",
            f"{name}: file too large ({len(data) // 1024 // 1024} MB; the limit is {limits.max_file_bytes // 1024 // 1024} MB)",
        )
    fmt = detect_format(data, name)
    module_name, func_name, extra = ADAPTERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(
            f"{name}：读取 {fmt} 文件需要安装可选组件：pip install 'gipcheck[{extra}]'（{exc.name}）",
            f"{name}: reading {fmt} files needs an optional extra: pip install 'gipcheck[{extra}]' ({exc.name})",
        ) from None
    func = getattr(module, func_name)
    if fmt == "text":
        extracted = func(data, name)
    else:
        extracted = func(data, name, limits)
    if len(extracted.text) > limits.max_text_chars:
        raise InputError(
            f"{name}：文本过长（{len(extracted.text)} 字，上限 {limits.max_text_chars}）",
            f"{name}: text too long ({len(extracted.text)} characters; the limit is {limits.max_text_chars})",
        )
    return extracted


def read_path(path: str | os.PathLike[str], limits: Limits | None = None) -> Extracted:
    """Read a file (never written to) and return what its reader extracted."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(f"{name}：文件不存在", f"{name}: no such file")
    if p.is_dir():
        raise InputError(f"{name}：是目录而不是文件", f"{name}: is a directory, not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}：无法读取（{exc.strerror}）", f"{name}: cannot be read ({exc.strerror})") from None
    return read_bytes(data, name, limits)
