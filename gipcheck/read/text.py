"""Plain text and Markdown: decode the bytes the way agencies' files are really encoded."""
from __future__ import annotations

from .base import Extracted, InputError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding): BOM, then strict UTF-8, then strict GB18030, else InputError.

    GB18030 is a superset of GBK and GB2312, which is what most agency files are in when
    they are not UTF-8. A file that decodes as none of them is not guessed at.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}：文件以 {enc} 字节顺序标记开头，但内容无法按 {enc} 解码（第 {exc.start} 字节）",
                    f"{name}: starts with a {enc} byte-order mark but does not decode as {enc} (byte {exc.start})",
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM, or a binary file: both are refused rather than guessed.
        raise InputError(
            f"{name}：不是文本文件，或是不带字节顺序标记的 UTF-16 文本；请另存为 UTF-8",
            f"{name}: not a text file, or UTF-16 without a byte-order mark; save it as UTF-8",
        )
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}：无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030，第 {exc.start} 字节出错）；请另存为 UTF-8",
            f"{name}: cannot decode the file (neither UTF-8 nor GBK/GB18030; bad byte at offset {exc.start}); save it as UTF-8",
        ) from None


def read_text(data: bytes, name: str) -> Extracted:
    text, encoding = decode(data, name)
    return Extracted(text=text, format="text", encoding=encoding)
