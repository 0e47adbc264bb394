"""bytes → :class:`Extracted`: pick the reader from the content (magic bytes), not only the name.

Readers for Word, HTML and PDF live in their own modules and import their third-party
library lazily, so a missing optional extra is a one-line message, not an ImportError.
"""
from __future__ import annotations

import errno
import importlib
import os
import stat
from io import BytesIO
from pathlib import Path

from .base import Extracted, InputError, Limits, SourceTable
from .text import decode, read_text

__all__ = ["Extracted", "InputError", "Limits", "SourceTable", "decode", "detect_format", "read_path", "read_bytes", "check_text_shape", "display_name"]

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
        import zipfile  # only for a ZIP (Word) file: a text report's cold start needs none of it

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


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}" if n >= 1024 * 1024 else f"{n / 1024 / 1024:.2f}"


def _too_large(name: str, size: int, limits: Limits) -> InputError:
    if size <= limits.max_file_bytes + 1:  # a capped read (stdin, /proc): all we know is "more"
        return InputError(f"{name}：文件过大（超过上限 {_mb(limits.max_file_bytes)} MB）",
                          f"{name}: file too large (more than the limit of {_mb(limits.max_file_bytes)} MB)")
    return InputError(
        f"{name}：文件过大（{_mb(size)} MB，上限 {_mb(limits.max_file_bytes)} MB）",
        f"{name}: file too large ({_mb(size)} MB; the limit is {_mb(limits.max_file_bytes)} MB)",
    )


def check_text_shape(text: str, name: str, limits: Limits) -> None:
    """Refuse extracted text too big for the parser before it is parsed (one line, in seconds)."""
    if len(text) > limits.max_text_chars:
        raise InputError(
            f"{name}：文本过长（{len(text)} 字，上限 {limits.max_text_chars}）",
            f"{name}: text too long ({len(text)} characters; the limit is {limits.max_text_chars})",
        )
    if len(text) <= limits.max_line_chars:
        return
    start = line_no = 0
    while start <= len(text):
        line_no += 1
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        if end - start > limits.max_line_chars:
            raise InputError(
                f"{name}：第 {line_no} 行过长（{end - start} 字，上限 {limits.max_line_chars}），不像是报告正文，未检查",
                f"{name}: line {line_no} is too long ({end - start} characters; the limit is "
                f"{limits.max_line_chars}); it does not look like a report, not checked",
            )
        start = end + 1


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> Extracted:
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        raise _too_large(name, len(data), limits)
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
    check_text_shape(extracted.text, name, limits)
    return extracted


_KIND = (
    (stat.S_ISFIFO, "命名管道（FIFO）", "a named pipe (FIFO)"),
    (stat.S_ISCHR, "字符设备", "a character device"),
    (stat.S_ISBLK, "块设备", "a block device"),
    (stat.S_ISSOCK, "套接字", "a socket"),
)


def _not_regular(name: str, mode: int) -> InputError:
    for test, zh, en in _KIND:
        if test(mode):
            return InputError(f"{name}：是{zh}而不是普通文件，未读取", f"{name}: is {en}, not a regular file; not read")
    return InputError(f"{name}：不是普通文件，未读取", f"{name}: not a regular file; not read")


def read_path(path: str | os.PathLike[str], limits: Limits | None = None) -> Extracted:
    """Read a file (never written to) and return what its reader extracted.

    Everything that could block or exhaust memory is refused from ``stat`` before a byte is
    read: a FIFO (opening it would wait for a writer), a device (``/dev/zero`` never ends), a
    symlink loop, a file larger than ``limits.max_file_bytes`` (a 30 GB sparse file). The read
    itself is capped too, for files whose size ``stat`` does not tell (``/proc``).
    """
    limits = limits or Limits()
    name = display_name(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{name}：文件不存在", f"{name}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{name}：符号链接构成循环，无法读取", f"{name}: a symbolic link loop; cannot be read") from None
        raise InputError(f"{name}：无法读取（{exc.strerror}）", f"{name}: cannot be read ({exc.strerror})") from None
    except ValueError as exc:  # an embedded NUL in the name
        raise InputError(f"{name}：文件名无效（{exc}）", f"{name}: invalid file name ({exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name}：是目录而不是文件", f"{name}: is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(name, st.st_mode)
    if st.st_size > limits.max_file_bytes:
        raise _too_large(name, st.st_size, limits)
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since stat, open does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(f"{name}：无法读取（{exc.strerror}）", f"{name}: cannot be read ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_regular(name, os.fstat(fd).st_mode)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise InputError(f"{name}：无法读取（{exc.strerror}）", f"{name}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limits.max_file_bytes:
        raise _too_large(name, len(data), limits)
    return read_bytes(data, name, limits)


def display_name(path: str | os.PathLike[str] | bytes) -> str:
    """A file name that can always be printed and encoded as UTF-8: bytes that are not UTF-8
    (a GBK name on a UTF-8 file system arrives as surrogate escapes) become ``\\xNN``."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")
