"""Extraction speed of the format adapters on the fixtures in tests/fixtures/formats/.

    .venv/bin/python bench/bench_formats.py

Prints ms per paragraph (docx), ms per KB (html), ms per page (pdf), and the time to
extract a synthetic 50-page PDF, built at bench time in a temp dir by importing the fixture
PDFs' pages (embedded CJK fonts, running headers, page numbers, a drawn table) with pypdfium2.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "fixtures" / "formats"
REPEAT = 3


def _best(fn) -> float:
    """Best of REPEAT runs, in seconds."""
    best = float("inf")
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def synthetic_pdf(directory: Path, pages: int = 50) -> Path:
    import pypdfium2 as pdfium

    sources = [pdfium.PdfDocument(p) for p in sorted(FORMATS.glob("*.pdf"))]
    out = pdfium.PdfDocument.new()
    k = 0
    while len(out) < pages:
        src = sources[k % len(sources)]
        take = min(len(src), pages - len(out))
        out.import_pages(src, list(range(take)))
        k += 1
    path = directory / f"synthetic_{pages}p.pdf"
    out.save(str(path))
    out.close()
    for s in sources:
        s.close()
    return path


def run() -> list[tuple[str, str]]:
    from gipcheck.read import read_path

    results: list[tuple[str, str]] = []
    # docx: per body paragraph
    secs = paras = 0.0
    for p in sorted(FORMATS.glob("*.docx")):
        e = read_path(p)
        paras += len({s["paragraph"] for s in e.line_sources or [] if "paragraph" in s})
        secs += _best(lambda p=p: read_path(p))
    results.append(("docx ms/paragraph", f"{1000 * secs / max(paras, 1):.3f} ({int(paras)} paragraphs)"))
    # html: per KB of page
    secs = kb = 0.0
    for p in sorted(FORMATS.glob("*.html")):
        kb += p.stat().st_size / 1024
        secs += _best(lambda p=p: read_path(p))
    results.append(("html ms/KB", f"{1000 * secs / max(kb, 1e-9):.3f} ({kb:.0f} KB)"))
    # pdf: per page
    import pypdfium2 as pdfium

    secs = pages = 0.0
    for p in sorted(FORMATS.glob("*.pdf")):
        doc = pdfium.PdfDocument(p)
        pages += len(doc)
        doc.close()
        secs += _best(lambda p=p: read_path(p))
    results.append(("pdf ms/page", f"{1000 * secs / max(pages, 1):.2f} ({int(pages)} pages)"))
    with tempfile.TemporaryDirectory(prefix="gipcheck-bench-") as tmp:
        path = synthetic_pdf(Path(tmp), 50)
        size_kb = path.stat().st_size / 1024
        t = _best(lambda: read_path(path))
        e = read_path(path)
        results.append(("pdf 50-page synthetic", f"{t:.2f} s total, {1000 * t / 50:.1f} ms/page "
                                                  f"({size_kb:.0f} KB, {len(e.text)} chars, {len(e.tables)} tables)"))
    return results


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:24} {figure}")
