"""A baseline accepts today's findings so CI fails only on new ones.

Findings are matched by rule, message and the text of the line they point at — not by line
number — so editing above a finding does not break the match. Counts are kept, so a third
copy of a finding that the baseline holds twice is new.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from .model import FileResult, Finding, RunResult

SCHEMA = "gipcheck-baseline/1"


def _key(path: str) -> str:
    return Path(path).as_posix()


def fingerprint(f: Finding, lines: list[str]) -> str:
    text = lines[f.line - 1].strip() if 0 < f.line <= len(lines) else ""
    return hashlib.sha1(f"{f.rule}\0{f.message}\0{text}".encode("utf-8")).hexdigest()[:16]


class Recorder:
    """Fingerprints collected as results pass (a streamed run keeps no results), written at the end."""

    def __init__(self) -> None:
        self.files: dict[str, Counter[str]] = {}

    def add(self, fr: FileResult) -> None:
        counts = Counter(fingerprint(f, fr.lines) for f in fr.findings)
        if counts:
            self.files.setdefault(_key(fr.path), Counter()).update(counts)

    def write(self, path: str) -> int:
        files = {k: dict(sorted(v.items())) for k, v in self.files.items()}
        Path(path).write_text(json.dumps({"schema": SCHEMA, "files": files}, ensure_ascii=False, indent=1) + "\n",
                              encoding="utf-8")
        return sum(sum(v.values()) for v in self.files.values())


def write(run: RunResult, path: str) -> int:
    rec = Recorder()
    for fr in run.files:
        rec.add(fr)
    return rec.write(path)


class BaselineError(Exception):
    """A baseline file that cannot be used, said in either language."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def load(path: str) -> dict[str, dict[str, int]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        from .i18n import os_error

        raise BaselineError(f"{path}: cannot read the baseline ({exc.strerror})",
                            f"{path}: 无法读取基线文件（{os_error(OSError(exc.errno, exc.strerror), 'zh')}）") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: the baseline is not valid JSON ({exc.msg})",
                            f"{path}:{exc.lineno}: 基线文件不是有效的 JSON（{exc.msg}）") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise BaselineError(f"{path}:1: not a gipcheck baseline (schema {SCHEMA!r} expected)",
                            f"{path}:1: 不是 gipcheck 的基线文件（应为 {SCHEMA!r} 格式）")
    return data.get("files", {})


def filter_file(fr: FileResult, baseline: dict[str, dict[str, int]]) -> int:
    """Remove baselined findings from ``fr``; return how many were removed."""
    budget = Counter(baseline.get(_key(fr.path), {}))
    kept, removed = [], 0
    for f in fr.findings:
        fp = fingerprint(f, fr.lines)
        if budget[fp] > 0:
            budget[fp] -= 1
            removed += 1
        else:
            kept.append(f)
    fr.findings = kept
    return removed
