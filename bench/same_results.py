"""Do two versions of gipcheck give the same findings and facts? `python bench/same_results.py`.

A speed change must not change a single result. This dumps, for every report file under
tests/fixtures and examples/ (and ../shared's seeds, reports and real files when present), the
findings (Chinese and English), the facts, the profile and the parsed document, as one JSON
file; then compares it with a dump made earlier:

    python bench/same_results.py --save /tmp/before.json     # on the old code
    python bench/same_results.py --compare /tmp/before.json  # on the new code: exit 1 on any difference

The rule and grammar caches are bypassed (``GIPCHECK_NO_CACHE=1``) unless ``--cache`` is given
(then ``$GIPCHECK_CACHE_DIR``'s cache is used: run it twice to compare a cold and a warm cache).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ../shared beside the project; GIPCHECK_SHARED names it for a copy of the project elsewhere
SHARED = Path(os.environ.get("GIPCHECK_SHARED", ROOT.parent / "shared"))
SUFFIXES = {".txt", ".md", ".docx", ".doc", ".wps", ".odt", ".html", ".htm", ".pdf", ".xls", ".zip"}


def report_files() -> list[Path]:
    roots = [ROOT / "tests" / "fixtures", ROOT / "examples"]
    roots += [SHARED / d for d in ("seeds", "reports", "real")]
    files: list[Path] = []
    for r in roots:
        if r.is_dir():
            files += sorted(p for p in r.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    return files


def dump() -> dict[str, object]:
    from gipcheck import api
    from gipcheck.dump import document_json
    from gipcheck.read import InputError, read_path

    out: dict[str, object] = {}
    os.chdir(ROOT)  # relative paths: the file names in messages do not depend on where the copy is
    for p in report_files():
        key = os.path.relpath(p, ROOT) if not p.is_relative_to(SHARED) else "shared/" + os.path.relpath(p, SHARED)
        p = Path(os.path.relpath(p, ROOT))
        entry: dict[str, object] = {}
        for lang in ("zh", "en"):
            r = api.check_file(p, api.Options(lang=lang))
            entry[lang] = {"profile": r.profile, "facts": r.facts,
                           "findings": [f.to_json() if hasattr(f, "to_json") else vars(f) for f in r.findings],
                           "suppressed": r.suppressed}
        try:
            entry["document"] = document_json(api.parse(p))
        except InputError as exc:
            entry["document"] = f"InputError {exc.rule}"
        except Exception as exc:  # noqa: BLE001 - a file the parser refuses is a result too
            entry["document"] = f"{type(exc).__name__}"
        out[key] = entry
    for key, text in variants():
        entry = {}
        for lang in ("zh", "en"):
            r = api.check_text(text, lang=lang)
            entry[lang] = {"profile": r.profile, "facts": r.facts, "findings": [f.to_json() for f in r.findings]}
        entry["document"] = document_json(api.parse(text))
        out[key] = entry
    return out


# Residue of every kind the vocabulary knows, for the variants below (the fixtures have little).
_CHROME = ["- 2 -", "第 3 页 共 9 页", "—3—", "扫一扫在手机上查看当前页面", "【打印】【关闭】", "打印本页 关闭窗口",
           "字号:大 中 小", "[bookmark: _Toc123]", "本单位2022年政府信息公开工作年度报告 WORD版 【本文为word版，可编辑】 第 2 页",
           "【本文档由某网站提供下载】", "<!-- gipcheck: disable=GIP601 -->", "\u200b\ufeff", "ＡＢＣ１２３：（全角）"]


def variants() -> list[tuple[str, str]]:
    """Seed and real texts made to exercise the normalizer: CRLF line ends, Traditional script,
    residue of every kind between lines, a file name as the first line, zero-width characters."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    out = []
    shared = SHARED
    files = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
    files += sorted((shared / "real").glob("*.txt"))[:6] if (shared / "real").is_dir() else []
    for p in files:
        text = p.read_text(encoding="utf-8")
        name = os.path.relpath(p, ROOT) if not p.is_relative_to(SHARED) else "shared/" + os.path.relpath(p, SHARED)
        lines = text.split("\n")
        chrome = list(lines)
        for i in range(len(chrome) - 1, 0, -max(3, len(chrome) // len(_CHROME))):
            chrome.insert(i, _CHROME[i % len(_CHROME)])
        out.append((f"{name} [crlf]", text.replace("\n", "\r\n")))
        out.append((f"{name} [traditional]", s2t.convert(text)))
        out.append((f"{name} [residue]", "年度报告.docx\n" + "\n".join(chrome)))
        out.append((f"{name} [residue, traditional, crlf]", s2t.convert("\n".join(chrome)).replace("\n", "\r\n")))
    return out


def _canonical(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1, default=str)


def diff(before: dict, after: dict) -> list[str]:
    problems = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            problems.append(f"{key}: missing now")
        elif key not in before:
            problems.append(f"{key}: new file (not compared)")
        elif _canonical(before[key]) != _canonical(after[key]):
            a, b = _canonical(before[key]).splitlines(), _canonical(after[key]).splitlines()
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            problems.append(f"{key}: differs at line {first + 1}: {a[first:first + 1]} -> {b[first:first + 1]}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", metavar="FILE")
    g.add_argument("--compare", metavar="FILE")
    ap.add_argument("--cache", action="store_true", help="use the cache in $GIPCHECK_CACHE_DIR instead of bypassing it")
    args = ap.parse_args()
    if args.cache:
        os.environ.pop("GIPCHECK_NO_CACHE", None)
    else:
        os.environ["GIPCHECK_NO_CACHE"] = "1"
    result = dump()
    if args.save:
        Path(args.save).write_text(_canonical(result), encoding="utf-8")
        print(f"saved {len(result)} files to {args.save}")
        return 0
    before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
    problems = diff(before, result)
    for p in problems:
        print(p)
    same = sum(1 for k in result if k in before and _canonical(before[k]) == _canonical(result[k]))
    print(f"{same} of {len(before)} files identical; {len(problems)} difference(s)")
    return 1 if any("new file" not in p for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
