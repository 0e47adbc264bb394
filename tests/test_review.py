"""``gipcheck review``: the reviewed copy read back as Word reads it.

Every example and every Word fixture is reviewed; the copy is reopened with python-docx, each
comment's text is checked against its finding, and the text under each comment's range is
checked to hold the finding's own text. LibreOffice, where installed, must read the comments too.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from gipcheck import api  # noqa: E402
from gipcheck.cli import main  # noqa: E402
from gipcheck.read import read_path  # noqa: E402
from gipcheck.review import (is_document_wide, review, review_bytes, reviewed_name,  # noqa: E402
                             rule_texts)

from docx_comments import anchored_texts, comment_texts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".txt", ".docx", ".html", ".pdf"))
WORD_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "formats").glob("*.docx"))


def _squash(s: str) -> str:
    return re.sub(r"[\s|]+", "", s)


def _span_text(lines: list[str], f) -> str:
    start, end = max(1, f.line), max(f.line, f.end_line)
    out = []
    for k in range(start, min(end, len(lines)) + 1):
        line = lines[k - 1]
        lo = f.column - 1 if k == start else 0
        hi = f.end_column - 1 if k == end else len(line)
        out.append(line[lo:hi])
    return "\n".join(out)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _reviewed(path: Path, lang: str = "zh"):
    opts = api.Options(lang=lang)
    data = path.read_bytes()
    extracted = read_path(path)
    fr = api.check_extracted(extracted, str(path), opts)
    return review(data, extracted, fr, rule_texts(api.rules(), lang), lang), fr


def check_copy(out: bytes, fr, lang: str = "zh") -> None:
    """One comment per finding, by gipcheck, saying rule/message/basis/fix, anchored on its text."""
    document = docx.Document(BytesIO(out))  # python-docx reopens it
    comments = [c for c in document.comments if c.author == "gipcheck"]
    assert len(comments) == len(fr.findings)
    texts = comment_texts(out)
    anchors = anchored_texts(out)
    ours = sorted((cid for cid, (author, _) in texts.items() if author == "gipcheck"), key=int)
    rules = api.rules().rules
    for f, cid in zip(sorted(fr.findings, key=lambda f: f.sort_key()), ours):
        text = texts[cid][1]
        head, message = text.split("\n")[:2]
        assert head.startswith(f.rule + " "), text
        assert message == " ".join(f.message.split()), text
        rule = rules[f.rule]
        basis = f.basis or (rule.basis.zh if rule.basis else None)
        if basis and lang == "zh":
            assert f"依据：{' '.join(basis.split())}" in text
        fix = f.fix or ((rule.fix.en if lang == "en" else rule.fix.zh) if rule.fix else None)
        if fix:
            assert " ".join(fix.split()) in text
        anchor = anchors[cid]
        assert anchor.strip(), (f, "comment anchored on nothing")
        wanted = _squash(_span_text(fr.lines, f))
        if wanted and not is_document_wide(f):
            got = _squash(anchor)
            # the finding's text, or (for a list number Word draws itself) the paragraph it is in
            assert wanted in got or got in _squash(fr.lines[f.line - 1]), (f.rule, wanted, got)
        if is_document_wide(f) and (fr.facts or {}).get("title"):
            assert _squash(anchor) in _squash(fr.facts["title"]) or _squash(fr.facts["title"])[:8] in _squash(anchor)


@pytest.mark.parametrize("path", EXAMPLES + WORD_FIXTURES, ids=lambda p: p.name)
def test_review_every_example(path: Path, tmp_path: Path):
    before = _sha(path)
    out = tmp_path / reviewed_name(path).name
    assert main(["review", str(path), "-o", str(out)]) == 0
    assert _sha(path) == before  # the input is never written to
    fr = api.check_file(path)
    check_copy(out.read_bytes(), fr)


def test_review_default_name_and_never_the_input(tmp_path: Path):
    src = tmp_path / "年报.docx"
    shutil.copy(ROOT / "examples" / "002_871b05a060ee8a47.docx", src)
    assert main(["review", str(src)]) == 0
    assert (tmp_path / "年报.gipcheck.docx").exists()
    before = _sha(src)
    assert main(["review", str(src), "-o", str(src)]) == 2
    assert _sha(src) == before


def test_word_copy_keeps_every_other_part_byte_for_byte():
    src = ROOT / "examples" / "002_871b05a060ee8a47.docx"
    reviewed, fr = _reviewed(src)
    assert reviewed.comments == len(fr.findings) == 3
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(BytesIO(reviewed.data)) as b:
        names_a, names_b = a.namelist(), b.namelist()
        assert names_b[:len(names_a)] == names_a  # same members, same order; comments.xml added
        touched = {"word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml", "word/comments.xml"}
        for name in names_a:
            if name not in touched:
                assert a.read(name) == b.read(name), name  # styles, numbering, headers, media…
        assert set(names_b) - set(names_a) <= {"word/comments.xml"}
    # the text as Word shows it is unchanged: the reader reads the same lines back
    assert read_path_bytes(reviewed.data).text == read_path(src).text


def read_path_bytes(data: bytes):
    from gipcheck.read import read_bytes

    return read_bytes(data, "copy.docx")


def test_anchor_is_exactly_the_finding_text_in_a_paragraph():
    reviewed, fr = _reviewed(ROOT / "examples" / "002_871b05a060ee8a47.docx")
    anchors = anchored_texts(reviewed.data)
    texts = comment_texts(reviewed.data)
    by_rule = {texts[i][1].split()[0]: anchors[i] for i in anchors}
    assert by_rule["GIP302"] == "0598—8328341"  # the run was split at the span's edges
    assert by_rule["GIP106"] == "七"
    assert by_rule["GIP102"].startswith("三元区民政局2017年")  # about the whole report: on the title
    assert reviewed.exact == 2


def _word_with_comments(tmp_path: Path) -> Path:
    """A Word report with a person's comment and a ``gipcheck: disable=GIP602`` comment."""
    d = docx.Document()
    d.add_paragraph("某某局2019年政府信息公开工作年度报告")
    p = d.add_paragraph("本机关积极推进信息公开公开工作。")
    q = d.add_paragraph("联系电话：0598—8328341。")
    d.add_comment(p.runs, text="gipcheck: disable=GIP602", author="张三")
    d.add_comment(q.runs, text="请核对电话", author="李四")
    path = tmp_path / "带批注.docx"
    d.save(path)
    return path


def test_existing_and_suppression_comments_are_kept(tmp_path: Path):
    src = _word_with_comments(tmp_path)
    reviewed, fr = _reviewed(src)
    assert "GIP602" not in {f.rule for f in fr.findings}  # suppressed by the Word comment
    texts = comment_texts(reviewed.data)
    authors = [a for a, _ in texts.values()]
    assert authors.count("张三") == 1 and authors.count("李四") == 1
    assert any(t == "gipcheck: disable=GIP602" for _, t in texts.values())
    ours = [t for a, t in texts.values() if a == "gipcheck"]
    assert len(ours) == len(fr.findings) and not any(t.startswith("GIP602") for t in ours)
    check_copy(reviewed.data, fr)
    # and the suppression still works on the reviewed copy
    again = api.check_extracted(read_path_bytes(reviewed.data), "copy.docx")
    assert "GIP602" not in {f.rule for f in again.findings}


def test_comment_in_a_table_cell(tmp_path: Path):
    """A finding inside a Word table is anchored on the runs of its cell, not the row or the table."""
    d = docx.Document()
    d.add_paragraph("某某局2019年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["项目", "说明", "联系方式"]):
        t.cell(0, c).text = text
    for c, text in enumerate(["公开指南", "已更新内容。", "电话：0598—8328341"]):
        t.cell(1, c).text = text
    src = tmp_path / "表格.docx"
    d.save(src)
    reviewed, fr = _reviewed(src)
    phone = next(f for f in fr.findings if f.rule == "GIP302")
    assert phone.source == {"table": 1, "row": 2}
    check_copy(reviewed.data, fr)
    texts, anchors = comment_texts(reviewed.data), anchored_texts(reviewed.data)
    cid = next(i for i, (_, t) in texts.items() if t.startswith("GIP302"))
    assert anchors[cid] == "0598—8328341"
    xml = zipfile.ZipFile(BytesIO(reviewed.data)).read("word/document.xml").decode("utf-8")
    cell = re.search(r"<w:tc>(?:(?!</w:tc>).)*</w:tc>(?=</w:tr></w:tbl>)", xml, re.S).group(0)
    assert f'<w:commentRangeStart w:id="{cid}"/>' in cell and f'<w:commentRangeEnd w:id="{cid}"/>' in cell


def test_baseline_findings_get_no_comment(tmp_path: Path):
    src = tmp_path / "r.txt"
    shutil.copy(ROOT / "examples" / "002_871b05a060ee8a47.txt", src)
    base = tmp_path / "base.json"
    assert main(["check", str(src), "--write-baseline", str(base), "--isolated"]) == 0
    out = tmp_path / "r.gipcheck.docx"
    assert main(["review", str(src), "--baseline", str(base), "-o", str(out), "--isolated"]) == 0
    assert [a for a, _ in comment_texts(out.read_bytes()).values()].count("gipcheck") == 0


def test_english_comments(tmp_path: Path):
    reviewed, fr = _reviewed(ROOT / "examples" / "2023_pingtan.txt", lang="en")
    check_copy(reviewed.data, fr, lang="en")
    assert all(not re.search(r"[\u4e00-\u9fff]", t.split("\n")[0]) for _, t in comment_texts(reviewed.data).values())


def test_unreadable_file_one_line_and_exit_2(tmp_path: Path, capsys):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["review", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "坏.docx" in err and "Traceback" not in err
    assert not (tmp_path / "坏.gipcheck.docx").exists()


def test_review_bytes_for_text_makes_a_word_file():
    data = (ROOT / "examples" / "2019_shanghai_bangongting.txt").read_bytes()
    reviewed = review_bytes(data, "上海.txt")
    document = docx.Document(BytesIO(reviewed.data))
    assert [p.text for p in document.paragraphs] == reviewed.result.lines
    check_copy(reviewed.data, reviewed.result)


def _annotations(pdf: Path) -> list[str]:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out = []
    doc = pdfium.PdfDocument(str(pdf))
    for i in range(len(doc)):
        page = doc[i]
        for k in range(raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = raw.FPDFPage_GetAnnot(page.raw, k)
            size = raw.FPDFAnnot_GetStringValue(annot, b"Contents", None, 0)
            buf = ctypes.create_string_buffer(size)
            raw.FPDFAnnot_GetStringValue(annot, b"Contents", ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)), size)
            out.append(buf.raw.decode("utf-16-le").rstrip("\x00"))
            raw.FPDFPage_CloseAnnot(annot)
    return [t for t in out if t]


@pytest.mark.parametrize("name", ["002_871b05a060ee8a47.docx", "2019_shanghai_bangongting.txt"])
def test_libreoffice_reads_the_comments(name: str, tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) not installed; .ci/run installs libreoffice-writer-nogui")
    pytest.importorskip("pypdfium2")
    reviewed, fr = _reviewed(ROOT / "examples" / name)
    src = tmp_path / "reviewed.docx"
    src.write_bytes(reviewed.data)
    export = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", export,
                           "--outdir", str(tmp_path), str(src)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "reviewed.pdf"
    assert pdf.exists(), proc.stderr
    notes = _annotations(pdf)
    assert len(notes) == len(fr.findings)
    for f in fr.findings:
        assert any(n.startswith(f.rule) and " ".join(f.message.split()) in n for n in notes), f


from hypothesis import given, settings, strategies as st  # noqa: E402

from gipcheck.model import FileResult, Finding  # noqa: E402
from gipcheck.read.base import Extracted  # noqa: E402


@st.composite
def _lines_and_spans(draw):
    lines = draw(st.lists(st.text(alphabet="年报公开，。0123456789ab\t", min_size=0, max_size=30), min_size=1, max_size=6))
    findings = []
    for _ in range(draw(st.integers(0, 6))):
        k = draw(st.integers(1, len(lines)))
        n = len(lines[k - 1])
        if n == 0:
            continue
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, n))
        findings.append(Finding("GIP603", "info", "m", k, a + 1, k, b + 1))
    return lines, findings


@settings(max_examples=40, deadline=None)
@given(_lines_and_spans())
def test_every_anchor_is_exactly_its_span(case):
    """Overlapping and nested spans on one line: each comment covers exactly its finding's text."""
    lines, findings = case
    fr = FileResult("x.txt", None, {}, findings, lines=lines)
    reviewed = review(None, Extracted(text="\n".join(lines)), fr, {}, "zh")
    assert reviewed.comments == len(findings) == reviewed.exact
    anchors = anchored_texts(reviewed.data)
    ordered = sorted(findings, key=lambda f: f.sort_key())
    for cid, f in zip(sorted(anchors, key=int), ordered):
        assert anchors[cid] == lines[f.line - 1][f.column - 1:f.end_column - 1], (lines, f)
    # the text itself is unchanged by the splits
    document = docx.Document(BytesIO(reviewed.data))
    assert [p.text for p in document.paragraphs] == lines


def test_missing_section_is_anchored_on_the_heading_it_should_precede(tmp_path: Path):
    """A real 2023 report with its section 三 heading removed: the GIP102 comment sits on 四's heading."""
    lines = (ROOT / "examples" / "2023_pingtan.txt").read_text(encoding="utf-8").split("\n")
    drop = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理"))
    src = tmp_path / "缺三.txt"
    src.write_text("\n".join(lines[:drop] + lines[drop + 1:]), encoding="utf-8")
    reviewed, fr = _reviewed(src)
    missing = next(f for f in fr.findings if f.rule == "GIP102")
    assert (missing.column, missing.end_column) == (1, 1) and fr.lines[missing.line - 1].startswith("四、")
    texts, anchors = comment_texts(reviewed.data), anchored_texts(reviewed.data)
    cid = next(i for i, (_, t) in texts.items() if t.startswith("GIP102"))
    assert anchors[cid] == fr.lines[missing.line - 1]
    check_copy(reviewed.data, fr)


def test_a_report_without_text_still_gets_its_comments(tmp_path: Path):
    d = docx.Document()
    d.add_paragraph("")
    src = tmp_path / "空.docx"
    d.save(src)
    reviewed, fr = _reviewed(src)
    assert fr.findings and reviewed.comments == len(fr.findings)
    assert len([c for c in docx.Document(BytesIO(reviewed.data)).comments if c.author == "gipcheck"]) == len(fr.findings)
