"""Legacy and other office formats → :class:`Extracted`: .doc / .wps (OLE2) and .odt (ODF zip).

These are converted to .docx by LibreOffice when ``soffice`` (or ``libreoffice``) is on PATH —
headless, in a private temp directory with its own profile, never next to the input, with a
timeout — and the result is read by :func:`gipcheck.read.docx.read_docx`. Without LibreOffice
the file is refused with a message asking for a .docx.

Refused before any conversion: an OLE2 file holding an ``EncryptedPackage`` stream (a
password-protected .docx/.xlsx/.pptx), a Word binary file with its FIB ``fEncrypted`` flag,
an encrypted ODF package, Excel/PowerPoint files, and files whose structure cannot be read.
"""
from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import tempfile
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

from .base import Extracted, InputError, Limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT_TIMEOUT = 120  # seconds for one LibreOffice conversion
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


def _corrupt(name: str, what: str) -> InputError:
    return InputError(
        f"{name}：Office 文件已损坏，无法读取（{what}）",
        f"{name}: corrupt Office file, cannot be read ({what})",
    )


def _password(name: str) -> InputError:
    return InputError(
        f"{name}：文件受密码保护（已加密），无法读取；请去除密码并另存为 .docx 后再检查",
        f"{name}: the file is password-protected (encrypted) and cannot be read; remove the password and save it as .docx",
    )


class Ole2:
    """Just enough of the compound file format to list streams and read one."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name
        if len(data) < 1024 or not data.startswith(OLE_MAGIC):
            raise _corrupt(name, "OLE2 header truncated")
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise _corrupt(name, "bad OLE2 sector size")
        self.ssz = 1 << shift
        num_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
        difat_start, num_difat = struct.unpack_from("<II", data, 0x44)
        self.nsectors = (len(data) - self.ssz) // self.ssz if len(data) > self.ssz else 0
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (_FREE, _END)]
        sec, guard = difat_start, 0
        per = self.ssz // 4 - 1
        while sec not in (_FREE, _END) and guard < min(num_difat, 10_000) + 1:
            entries = struct.unpack_from(f"<{per + 1}I", self._sector(sec))
            fat_sectors.extend(s for s in entries[:per] if s not in (_FREE, _END))
            sec, guard = entries[per], guard + 1
        fat_sectors = fat_sectors[: max(num_fat, 0)] if num_fat else fat_sectors
        if not fat_sectors:
            raise _corrupt(name, "no allocation table")
        fat = bytearray()
        for s in fat_sectors:
            fat += self._sector(s)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", bytes(fat))
        directory = b"".join(self._sector(s) for s in self._chain(dir_start))
        self.entries: dict[str, tuple[int, int]] = {}
        for off in range(0, len(directory) - 127, 128):
            raw = directory[off: off + 128]
            name_len = struct.unpack_from("<H", raw, 64)[0]
            kind = raw[66]
            if kind not in (1, 2, 5) or not 2 <= name_len <= 64:
                continue
            entry_name = raw[: name_len - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, 116)
            if self.ssz == 512:
                size &= 0xFFFFFFFF
            self.entries[entry_name] = (start, size)
        if not self.entries:
            raise _corrupt(name, "empty OLE2 directory")

    def _sector(self, index: int) -> bytes:
        if index >= self.nsectors:
            raise _corrupt(self.name, "sector out of range")
        off = (index + 1) * self.ssz
        return self.data[off: off + self.ssz]

    def _chain(self, start: int) -> list[int]:
        out, sec = [], start
        while sec not in (_END, _FREE):
            if sec >= len(self.fat) or len(out) > len(self.fat):
                raise _corrupt(self.name, "broken sector chain")
            out.append(sec)
            sec = self.fat[sec]
        return out

    def has(self, stream: str) -> bool:
        return any(k.lower() == stream.lower() for k in self.entries)

    def head(self, stream: str, n: int) -> bytes:
        """The first n bytes of a stream kept in regular sectors (>= 4096 bytes)."""
        start, size = self.entries[stream]
        if size < 4096:
            return b""
        out = b""
        for sec in self._chain(start):
            out += self._sector(sec)
            if len(out) >= n:
                break
        return out[:n]


def _classify_ole(data: bytes, name: str) -> str:
    ole = Ole2(data, name)
    if ole.has("EncryptedPackage") or ole.has("EncryptionInfo"):
        raise _password(name)
    if ole.has("WordDocument"):
        fib = ole.head("WordDocument", 12)
        if len(fib) >= 12 and struct.unpack_from("<H", fib, 0)[0] == 0xA5EC and struct.unpack_from("<H", fib, 0x0A)[0] & 0x0100:
            raise _password(name)
        return ".wps" if name.lower().endswith(".wps") else ".doc"
    kind = "Excel" if (ole.has("Workbook") or ole.has("Book")) else "PowerPoint" if ole.has("PowerPoint Document") else None
    if kind:
        raise InputError(
            f"{name}：是 {kind} 文件而不是 Word 文档，无法检查",
            f"{name}: an {kind} file, not a Word document; it cannot be checked",
        )
    return ".wps" if name.lower().endswith(".wps") else ".doc"


def _docx_module(name: str):
    try:
        from . import docx as docx_reader  # python-docx (extra "docx") reads the converted file
    except ImportError as exc:
        raise InputError(
            f"{name}：读取该文件需要安装可选组件：pip install 'gipcheck[docx]'（{exc.name}）",
            f"{name}: reading this file needs an optional extra: pip install 'gipcheck[docx]' ({exc.name})",
        ) from None
    return docx_reader


def _classify_odf(data: bytes, name: str, limits: Limits) -> str:
    _docx_module(name).check_zip(data, name, limits, kind="ODF")
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:200].decode("ascii", "replace").strip() if "mimetype" in names else ""
            manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError,
            zlib.error, RuntimeError) as exc:  # a damaged member (bad CRC, bad deflate data), an odd method
        raise _corrupt(name, " ".join(str(exc).split())[:120] or type(exc).__name__) from None
    if b"encryption-data" in manifest:
        raise _password(name)
    if mimetype and not mimetype.startswith("application/vnd.oasis.opendocument.text"):
        raise InputError(
            f"{name}：不是文字处理文档（{mimetype}），无法检查",
            f"{name}: not a text document ({mimetype}); it cannot be checked",
        )
    return ".odt"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str, name: str, exe: str, timeout: float | None = None) -> bytes:
    """Convert through LibreOffice in a private temp dir; the input file itself is never touched."""
    timeout = CONVERT_TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="gipcheck-office-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        src.write_bytes(data)
        cmd = [
            exe, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(out_dir), str(src),
        ]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp,
                                    start_new_session=True)
        except OSError as exc:
            raise InputError(f"{name}：无法启动 LibreOffice（{exc.strerror}）",
                             f"{name}: cannot start LibreOffice ({exc.strerror})") from None
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.communicate()
            raise InputError(
                f"{name}：LibreOffice 转换超时（{timeout} 秒），请用 Word/WPS 另存为 .docx 后再检查",
                f"{name}: LibreOffice conversion timed out ({timeout} s); save the file as .docx in Word/WPS and try again",
            ) from None
        result = out_dir / "input.docx"
        if not result.is_file():
            raise InputError(
                f"{name}：LibreOffice 无法转换该文件，请用 Word/WPS 另存为 .docx 后再检查",
                f"{name}: LibreOffice could not convert the file; save it as .docx in Word/WPS and try again",
            )
        return result.read_bytes()


def read_office(data: bytes, name: str, limits: Limits) -> Extracted:
    if data.startswith(OLE_MAGIC[:4]):
        suffix = _classify_ole(data, name)
    elif data.startswith(b"PK\x03\x04"):
        suffix = _classify_odf(data, name, limits)
    else:
        raise _corrupt(name, "unknown Office format")
    exe = _soffice()
    if not exe:
        raise InputError(
            f"{name}：是 {suffix} 格式，请用 Word/WPS 另存为 .docx 后再检查（或安装 LibreOffice）",
            f"{name}: a {suffix} file; save it as .docx in Word/WPS and check that (or install LibreOffice)",
        )
    reader = _docx_module(name)
    converted = convert_to_docx(data, suffix, name, exe)
    return reader.read_docx(converted, name, limits)
