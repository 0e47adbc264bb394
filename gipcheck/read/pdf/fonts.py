"""One substitute font for every PDF font that is not embedded, whatever the host has installed.

WPS and many government PDFs do not embed their fonts (``SimSun``, ``STSong-Light`` …). pdfium
then asks the system for a substitute. On a machine without a CJK font the substitute has no
glyph for a Chinese character, the glyph box is empty, and pdfium's text page silently drops a
text object made of one such glyph (a table cell ``条`` or ``无``): what gipcheck read from a
PDF depended on the fonts of the machine it ran on.

So gipcheck gives pdfium its own font source: every non-embedded font maps to a tiny TrueType
font built here (one box glyph for every code point, cmap format 13), so every character has a
glyph and the text page keeps it. Geometry is read from the PDF's own widths and the font's
ascent/descent (loose boxes), never from glyph outlines, so the result is the same on every
machine. Rendering for OCR is unaffected in practice: OCR runs only on pages without text.

The font source is pdfium's, so it is process-wide: a program that imports gipcheck's PDF reader
and also renders PDFs with pypdfium2 itself sees boxes for non-embedded fonts.
"""
from __future__ import annotations

import ctypes
import struct
import threading

import pypdfium2.raw as pdfium_c

FACE = b"GipcheckBox"
_UPEM = 1000


def _table_checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def box_font() -> bytes:
    """A valid TrueType file: glyph 0 (.notdef, empty) and glyph 1 (a box), every code point → 1."""
    glyph = struct.pack(">hhhhh", 1, 50, -120, 950, 880)  # one contour, its bbox
    glyph += struct.pack(">H", 3) + struct.pack(">H", 0)  # last point index, no instructions
    glyph += bytes([0x01] * 4)  # four on-curve points, coordinates as int16 deltas
    glyph += struct.pack(">hhhh", 50, 0, 900, 0)  # x deltas
    glyph += struct.pack(">hhhh", -120, 1000, 0, -1000)  # y deltas
    glyph += b"\0" * (-len(glyph) % 4)
    tables = {
        b"head": struct.pack(">IIIIHHqqhhhhHHhhh", 0x00010000, 0x00010000, 0, 0x5F0F3CF5, 0x000B, _UPEM, 0, 0,
                             50, -120, 950, 880, 0, 8, 2, 0, 0),
        b"hhea": struct.pack(">IhhhHhhhhhhhhhhhH", 0x00010000, 880, -120, 0, _UPEM, 50, 50, 950, 1, 0, 0,
                             0, 0, 0, 0, 0, 2),
        b"maxp": struct.pack(">IHHHHHHHHHHHHHH", 0x00010000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        b"hmtx": struct.pack(">HhHh", _UPEM, 0, _UPEM, 50),
        b"loca": struct.pack(">HHH", 0, 0, len(glyph) // 2),
        b"glyf": glyph,
        # cmap: (3,10) format 13, many-to-one: U+0000..U+10FFFF → glyph 1
        b"cmap": struct.pack(">HHHHI", 0, 1, 3, 10, 12) + struct.pack(">HHIII", 13, 0, 28, 0, 1)
        + struct.pack(">III", 0, 0x10FFFF, 1),
        b"post": struct.pack(">IIhhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0),
    }
    tags = sorted(tables)
    n = len(tags)
    entry_selector = n.bit_length() - 1
    search_range = (1 << entry_selector) * 16
    out = struct.pack(">IHHHH", 0x00010000, n, search_range, entry_selector, n * 16 - search_range)
    offset = 12 + 16 * n
    body = b""
    for tag in tags:
        data = tables[tag]
        out += struct.pack(">4sIII", tag, _table_checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    return out + body


_FONT = box_font()
_installed = False
_lock = threading.Lock()
_keep: list[object] = []  # the struct and its callbacks must outlive every document


def install() -> None:
    """Make pdfium substitute :func:`box_font` for every non-embedded font (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        info_t = pdfium_c.FPDF_SYSFONTINFO
        fields = dict(info_t._fields_)

        def release(_this):  # noqa: ANN001 - ctypes callback
            return None

        def enum_fonts(_this, mapper):  # noqa: ANN001
            pdfium_c.FPDF_AddInstalledFont(mapper, FACE, 1)

        def map_font(_this, _weight, _italic, charset, _pitch, _face, exact):  # noqa: ANN001
            if exact:
                exact[0] = 1
            return ctypes.c_void_p(0x1000 + (charset & 0xFF)).value

        def get_font(_this, _face):  # noqa: ANN001
            return ctypes.c_void_p(0x1001).value

        def get_font_data(_this, _handle, table, buffer, size):  # noqa: ANN001
            if table != 0:  # a single table (e.g. 'ttcf'): not a collection
                return 0
            if buffer and size >= len(_FONT):
                ctypes.memmove(buffer, _FONT, len(_FONT))
            return len(_FONT)

        def get_face_name(_this, _handle, buffer, size):  # noqa: ANN001
            name = FACE + b"\0"
            if buffer and size >= len(name):
                ctypes.memmove(buffer, name, len(name))
            return len(name)

        def get_charset(_this, handle):  # noqa: ANN001
            return (handle or 0x1000) - 0x1000

        def delete_font(_this, _handle):  # noqa: ANN001
            return None

        callbacks = {
            "Release": release, "EnumFonts": enum_fonts, "MapFont": map_font, "GetFont": get_font,
            "GetFontData": get_font_data, "GetFaceName": get_face_name, "GetFontCharset": get_charset,
            "DeleteFont": delete_font,
        }
        info = info_t()
        info.version = 1
        for name, fn in callbacks.items():
            cb = fields[name](fn)
            _keep.append(cb)
            setattr(info, name, cb)
        _keep.append(info)
        pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(info))
        _installed = True
