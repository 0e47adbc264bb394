"""Word .docx → :class:`Extracted`.

* Body paragraphs and tables in body order (block-level content controls included);
  headers, footers, footnotes, comments, text boxes and deleted (tracked) text are ignored.
* List numbering that Word draws itself (``w:numPr`` → ``numbering.xml`` ``w:lvlText`` such
  as ``%1、`` with 一/（一）/1. formats) is recovered and put in front of the paragraph text,
  so an auto-numbered heading reads ``一、概述`` as it does on screen (``docx_numbering.py``).
* A table is written as one line per row, cells joined by `` | ``, and recorded as a
  :class:`SourceTable`. Merged cells (``gridSpan``, ``vMerge``) keep the grid rectangular:
  the merged cell's text once, in its top-left slot, the covered slots empty.
* ``line_sources[i]`` is ``{"paragraph": N}`` (1-based body paragraph, 第N段, empty
  paragraphs counted) or ``{"table": T, "row": R}``; a paragraph with a non-default style
  also carries ``"style"``, and a heading style / outline level ``"heading_level"``.
* Zip bombs are refused from the central directory before anything is decompressed.
"""
from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

import docx  # python-docx (extra "docx"); imported here so a missing library is named by read_bytes

from .base import Extracted, InputError, Limits, SourceTable
from .docx_numbering import Numbering, Styles

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

# Subtrees whose text is not part of the body text as displayed.
_SKIP = {
    W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "delText", W + "instrText",
    W + "txbxContent", MC + "Fallback", W + "footnoteReference", W + "endnoteReference",
    W + "commentReference", W + "annotationRef", W + "fldData",
}


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def check_zip(data: bytes, name: str, limits: Limits, kind: str = "Word") -> None:
    """Refuse a corrupt, encrypted or bomb-sized zip from its central directory alone."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(
            f"{name}：{kind} 文件已损坏，无法打开（{_short(exc)}）",
            f"{name}: corrupt {kind} file, cannot be opened ({_short(exc)})",
        ) from None
    if len(infos) > limits.max_zip_entries:
        raise InputError(
            f"{name}：压缩包内文件过多（{len(infos)} 个，上限 {limits.max_zip_entries} 个），疑似压缩炸弹，已拒绝",
            f"{name}: too many entries in the archive ({len(infos)}; the limit is {limits.max_zip_entries}), "
            f"possibly a zip bomb; refused",
        )
    total = sum(max(0, i.file_size) for i in infos)
    if total > limits.max_unzipped_bytes:
        raise InputError(
            f"{name}：解压后过大（声明 {total // 1024 // 1024} MB，上限 {limits.max_unzipped_bytes // 1024 // 1024} MB），疑似压缩炸弹，已拒绝",
            f"{name}: too large when unzipped ({total // 1024 // 1024} MB declared; the limit is "
            f"{limits.max_unzipped_bytes // 1024 // 1024} MB), possibly a zip bomb; refused",
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise InputError(
            f"{name}：文件已加密（受密码保护），无法读取；请去除密码后再检查",
            f"{name}: the file is encrypted (password-protected) and cannot be read; remove the password and try again",
        )


# --------------------------------------------------------------------------- text


def _run_text(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab" or tag == W + "ptab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            if child.get(W + "type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "sym":
            # a symbol-font glyph (Wingdings ☑ etc.) is kept only when it names a real character
            try:
                cp = int(child.get(W + "char") or "", 16)
            except ValueError:
                continue
            if 0x20 <= cp < 0xD800 or 0xF900 <= cp < 0x10000:
                out.append(chr(cp))
        else:
            _run_text(child, out)


class _Reader:
    def __init__(self, document: Any) -> None:
        styles_el = None
        try:
            styles_el = document.styles.element
        except Exception:  # noqa: BLE001 - a document without a styles part
            styles_el = None
        self.styles = Styles(styles_el)
        numbering_el = None
        try:
            numbering_el = document.part.part_related_by(RT_NUMBERING).element
        except Exception:  # noqa: BLE001 - no numbering part, or one python-docx cannot load
            numbering_el = None
        self.numbering = Numbering(numbering_el, self.styles)
        self.lines: list[str] = []
        self.sources: list[dict[str, Any]] = []
        self.tables: list[SourceTable] = []
        self.paragraphs = 0
        self.table_count = 0
        self.comments = _comments(document)  # comment id → text
        self.directives: list[tuple[int, str]] = []  # (line, comment text) for gipcheck: directives

    def paragraph_text(self, p: Any) -> tuple[str, str | None]:
        ppr = p.find(W + "pPr")
        style_id = None
        num: tuple[str, int | None] | None = None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            if ps is not None:
                style_id = ps.get(W + "val")
            np = ppr.find(W + "numPr")
            if np is not None:
                nid = np.find(W + "numId")
                il = np.find(W + "ilvl")
                ilvl = il.get(W + "val") if il is not None else None
                ilvl_i = int(ilvl) if ilvl and ilvl.isdigit() else None
                if nid is not None:
                    num = (nid.get(W + "val") or "", ilvl_i)
                elif ilvl_i is not None:
                    base = self.styles.num_pr(style_id or self.styles.default)
                    num = (base[0], ilvl_i) if base else None
        style_id = style_id or self.styles.default
        if num is None:
            num = self.styles.num_pr(style_id)
        out: list[str] = []
        _run_text(p, out)
        text = "".join(out)
        if num is not None:
            label = self.numbering.label(num[0], num[1], style_id)
            if label and label[0]:
                prefix, suff = label
                sep = ""
                if suff in ("tab", "space") and not re.search(r"[、．.）)\]】:：，,]$", prefix) and text:
                    sep = " "
                text = prefix + sep + text
        return text, style_id

    def cell_text(self, tc: Any) -> str:
        parts: list[str] = []
        for el in self._blocks(tc):
            if el.tag == W + "p":
                t, _ = self.paragraph_text(el)
            else:
                t = " ".join(" ".join(c for c in row if c) for row in self.table_rows(el))
            t = " ".join(t.replace("\t", " ").split("\n")).strip()
            if t:
                parts.append(t)
        return " ".join(parts)

    def _blocks(self, parent: Any):
        """Paragraphs and tables under ``parent``, looking through content controls."""
        for el in parent:
            tag = el.tag
            if tag in (W + "p", W + "tbl"):
                yield el
            elif tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    yield from self._blocks(content)
            elif tag in (W + "customXml", W + "smartTag"):
                yield from self._blocks(el)

    def _cells(self, tr: Any):
        for el in tr:
            if el.tag == W + "tc":
                yield el
            elif el.tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    yield from self._cells(content)
            elif el.tag == W + "customXml":
                yield from self._cells(el)

    def _rows(self, tbl: Any):
        for el in tbl:
            if el.tag == W + "tr":
                yield el
            elif el.tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    yield from self._rows(content)
            elif el.tag == W + "customXml":
                yield from self._rows(el)

    def table_rows(self, tbl: Any) -> list[list[str]]:
        rows: list[list[str]] = []
        for tr in self._rows(tbl):
            row: list[str] = []
            trpr = tr.find(W + "trPr")
            before = after = 0
            if trpr is not None:
                gb, ga = trpr.find(W + "gridBefore"), trpr.find(W + "gridAfter")
                before = _int(gb.get(W + "val")) if gb is not None else 0
                after = _int(ga.get(W + "val")) if ga is not None else 0
            row.extend([""] * before)
            for tc in self._cells(tr):
                tcpr = tc.find(W + "tcPr")
                span, covered = 1, False
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None:
                        span = max(1, min(_int(gs.get(W + "val")) or 1, 64))
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None and vm.get(W + "val") in (None, "continue"):
                        covered = True
                    hm = tcpr.find(W + "hMerge")
                    if hm is not None and hm.get(W + "val") in (None, "continue"):
                        covered = True
                text = self.cell_text(tc)  # always read: keeps numbering counters in step
                row.append("" if covered else text)
                row.extend([""] * (span - 1))
            row.extend([""] * after)
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        return [r + [""] * (width - len(r)) for r in rows]

    def body(self, parent: Any) -> None:
        for el in self._blocks(parent):
            if el.tag == W + "p":
                self.paragraphs += 1
                text, style_id = self.paragraph_text(el)
                src: dict[str, Any] = {"paragraph": self.paragraphs}
                if style_id and style_id != self.styles.default:
                    src["style"] = self.styles.name(style_id) or style_id
                ppr = el.find(W + "pPr")
                ol = ppr.find(W + "outlineLvl") if ppr is not None else None
                level = _int(ol.get(W + "val")) if ol is not None else self.styles.outline_level(style_id)
                if level is not None and 0 <= level < 9:
                    src["heading_level"] = level + 1
                first_line = len(self.lines) + 1
                for piece in text.split("\n"):
                    self.lines.append(piece)
                    self.sources.append(dict(src))
                self._note_comments(el, first_line)
            else:
                self.table_count += 1
                rows = self.table_rows(el)
                if not rows or not rows[0]:
                    continue
                first = len(self.lines) + 1
                for r, row in enumerate(rows, 1):
                    self.lines.append(" | ".join(c.replace("\n", " ") for c in row))
                    self.sources.append({"table": self.table_count, "row": r})
                self.tables.append(SourceTable(first_line=first, rows=rows))


    def _note_comments(self, el: Any, line: int) -> None:
        """Word comments anchored in this paragraph that hold a gipcheck directive."""
        if not self.comments:
            return
        for ref in el.iter(W + "commentRangeStart", W + "commentReference"):
            text = self.comments.get(ref.get(W + "id") or "")
            if text and "gipcheck" in text and (line, text) not in self.directives:
                self.directives.append((line, text))


def _comments(document: Any) -> dict[str, str]:
    """The document's comments (word/comments.xml), id → plain text; empty when there are none."""
    try:
        part = next(p for p in document.part.package.iter_parts() if str(p.partname).endswith("/comments.xml"))
    except StopIteration:
        return {}
    try:
        from docx.oxml import parse_xml

        root = parse_xml(part.blob)
    except Exception:  # noqa: BLE001 - a broken comments part must not stop the document
        return {}
    out = {}
    for c in root.iter(W + "comment"):
        out[c.get(W + "id") or ""] = "".join(t.text or "" for t in c.iter(W + "t")).strip()
    return out


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def read_docx(data: bytes, name: str, limits: Limits) -> Extracted:
    check_zip(data, name, limits)
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for broken packages
        raise InputError(
            f"{name}：Word 文档已损坏或不是有效的 .docx，无法打开（{_short(exc)}）",
            f"{name}: corrupt or invalid .docx, cannot be opened ({_short(exc)})",
        ) from None
    reader = _Reader(document)
    try:
        reader.body(document.element.body)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputError(
            f"{name}：Word 文档结构异常，无法读取（{_short(exc)}）",
            f"{name}: malformed Word document structure ({_short(exc)})",
        ) from None
    return Extracted(
        text="\n".join(reader.lines),
        format="docx",
        line_sources=reader.sources,
        tables=reader.tables,
        encoding=None,
        directives=reader.directives,
    )
