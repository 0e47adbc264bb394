"""OCR for a PDF with no text layer, when ``tesseract`` with ``chi_sim`` data is on PATH: each
page rendered by pypdfium2 (300 dpi grey, PGM in a temp dir) and read by a subprocess."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

from ..base import Extracted, InputError

OCR_TIMEOUT = 120  # seconds per page


def _ocr_available() -> str | None:
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        res = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    langs = (res.stdout + res.stderr).split()
    return exe if "chi_sim" in langs else None


def _ocr(doc: Any, name: str, exe: str) -> Extracted:
    lines: list[str] = []
    sources: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gipcheck-ocr-") as tmp:
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=300 / 72, grayscale=True)
            w, h, stride = bitmap.width, bitmap.height, bitmap.stride
            buf = bytes(bitmap.buffer)
            pgm = os.path.join(tmp, f"p{i + 1}.pgm")
            with open(pgm, "wb") as fh:
                fh.write(b"P5\n%d %d\n255\n" % (w, h))
                for row in range(h):
                    fh.write(buf[row * stride: row * stride + w])
            try:
                res = subprocess.run([exe, pgm, "stdout", "-l", "chi_sim", "--psm", "6"], capture_output=True,
                                     timeout=OCR_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise InputError(f"{name}：第 {i + 1} 页 OCR 超时", f"{name}: OCR of page {i + 1} timed out") from None
            text = res.stdout.decode("utf-8", "replace")
            for raw in text.split("\n"):
                s = re.sub(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]) +(?=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])",
                           "", raw).strip()
                if s:
                    lines.append(s)
                    sources.append({"page": i + 1, "ocr": True})
    note = ("GIP002", "本 PDF 是扫描图像，没有文字层；以下文字由 OCR 识别，可能有误",
            "this PDF is a scanned image with no text layer; the text below was recognised by OCR and may contain errors", 1)
    return Extracted(text="\n".join(lines), format="pdf", line_sources=sources, notes=[note])


