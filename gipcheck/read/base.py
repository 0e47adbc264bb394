"""The contract every reader (txt, docx, html, pdf, ...) fulfils.

A reader turns a file into :class:`Extracted`: the text as read (for .txt the decoded file
itself; for other formats the text that ``gipcheck text FILE`` prints), where each line came
from in the original document, and any tables it read as real grids. Everything after the
reader works on this one shape, so a check never knows which format a report came in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class InputError(Exception):
    """A file that cannot be checked. Becomes one finding (GIP001 by default), never a traceback."""

    def __init__(self, message_zh: str, message_en: str, rule: str = "GIP001") -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.rule = rule

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass
class Limits:
    """Safety limits for readers; generous defaults, configurable."""

    max_file_bytes: int = 50 * 1024 * 1024  # checked from the file's size, before reading it
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_entries: int = 100_000
    max_pages: int = 500
    max_text_chars: int = 5_000_000
    # checked on the extracted text, before it is parsed: no real report has a line this long
    # (a whole report is 10–30 thousand characters), and a 5 MB line is how hostile text looks
    max_line_chars: int = 200_000
    max_html_depth: int = 500  # element nesting, measured before the HTML parser sees the page
    max_seconds: float = 60.0  # time budget for one file's checks: those not started by then are skipped (GIP007)


@dataclass
class SourceTable:
    """A table read as a real grid by a format adapter.

    ``first_line`` is the 1-based line in ``Extracted.text`` where the table's rows start;
    the adapter writes one line per row there (cells joined by `` | ``) so the text view
    shows the table, and the parser takes the cells from ``rows`` rather than re-splitting.
    """

    first_line: int
    rows: list[list[str]]


@dataclass
class Extracted:
    """What a reader returns."""

    text: str
    format: str = "text"  # text | docx | html | pdf
    # Per line of ``text`` (index 0 = line 1): where it came from in the original document,
    # e.g. {"paragraph": 12}, {"table": 2, "row": 3}, {"page": 4}, {"element": "div#zoom > p:nth-of-type(3)", "heading": "二、…"}.
    line_sources: list[dict[str, Any]] | None = None
    tables: list[SourceTable] = field(default_factory=list)
    encoding: str | None = None
    # Suppression directives an adapter found outside the text (Word comments): (line, comment text)
    directives: list[tuple[int, str]] = field(default_factory=list)
    # Reader-level remarks that become findings (e.g. OCR used, layout text removed); (rule, zh, en, line)
    notes: list[tuple[str, str, str, int]] = field(default_factory=list)
