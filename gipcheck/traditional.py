"""Would OpenCC's Traditional → Simplified conversion change a text? Answered without converting.

Converting every report only to learn that nothing in it is Traditional cost about a third of
normalizing one (≈0.15 ms). OpenCC changes a text only where a key of its t2s dictionaries
matches and converts to something else: a character that changes on its own (開 → 开), or a
phrase none of whose characters does (瞭解 → 了解, 反覆 → 反复). So a text none of whose
characters is of the first kind and that holds no phrase of the second comes out of OpenCC
unchanged, and need not go in. Both kinds are learnt from the installed OpenCC itself: the
keys of the dictionaries its t2s configuration names (exported as text by the ``opencc_dict``
tool that comes with it), each converted by OpenCC. They are cached; when they cannot be
learnt (no ``opencc_dict``, another layout), every text is converted, as before.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Detector:
    chars: re.Pattern[str]  # a character OpenCC changes on its own (the Basic Multilingual Plane)
    astral: frozenset[str]  # the same beyond it (a class of those would make re scan slowly)
    phrases: re.Pattern[str] | None  # a phrase that changes though none of its characters does

    def may_change(self, text: str) -> bool:
        if self.chars.search(text) or (self.phrases is not None and self.phrases.search(text)):
            return True
        # a character beyond the Basic Multilingual Plane takes two UTF-16 units (one C pass,
        # where a regex range over them is slow)
        return bool(self.astral) and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text) \
            and not self.astral.isdisjoint(text)


@lru_cache(maxsize=1)
def detector(cc: Any) -> Detector | None:
    """The detector for OpenCC converter ``cc`` (its t2s configuration), or None."""
    from . import cache

    try:
        import opencc

        config = Path(getattr(cc, "config", "") or Path(opencc._opencc_share_dir) / "t2s.json")
        files = _dictionary_files(config)
        stamp = [getattr(opencc, "__version__", "?"), str(config)] + \
            [f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files]
        stamp.append(f"{zlib.crc32(Path(__file__).read_bytes()):08x}")
    except Exception:  # noqa: BLE001 - an OpenCC laid out otherwise: convert every text
        return None
    key = f"{zlib.crc32(repr(stamp).encode()):08x}"
    data = cache.load("t2s-detector", key)
    if not (isinstance(data, dict) and {"chars", "astral", "phrases"} <= data.keys()):
        data = _learn(cc, config, files)
        if data is None:
            return None
        cache.save("t2s-detector", key, data)
    return _compile(data)


def _dictionary_files(config: Path) -> list[Path]:
    """The .ocd2 files a configuration uses (normalization and the conversion chain, groups opened)."""
    import json

    conf = json.loads(config.read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(d: dict[str, Any]) -> None:
        if d.get("type") == "group":
            for sub in d.get("dicts", []):
                walk(sub)
        elif d.get("type") == "ocd2" and d.get("file"):
            found.append(d["file"])
        else:
            raise ValueError(f"dictionary type {d.get('type')!r}")  # text dictionaries: not learnt here

    for step in conf.get("normalization", []) + conf.get("conversion_chain", []):
        walk(step["dict"])
    return [config.parent / f for f in found]


def _learn(cc: Any, config: Path, files: list[Path]) -> dict[str, Any] | None:
    """Export the dictionaries' keys and ask ``cc`` what becomes of each (on a cache miss only:
    hence the imports here)."""
    import subprocess
    import tempfile

    import opencc.clib

    tool = Path(opencc.clib.__file__).parent / "bin" / "opencc_dict"
    keys: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="gipcheck-opencc-") as tmp:
        for f in files:
            out = Path(tmp) / (f.stem + ".txt")
            try:
                subprocess.run([str(tool), "-i", str(f), "-o", str(out), "-f", "ocd2", "-t", "text"],
                               check=True, capture_output=True, timeout=30)
                text = out.read_text(encoding="utf-8")
            except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
                return None
            keys.update(line.split("\t", 1)[0] for line in text.split("\n") if "\t" in line)
    if not keys:
        return None
    chars = sorted({c for k in keys for c in k} - {"\n"})
    after = cc.convert("\n".join(chars)).split("\n")
    if len(after) != len(chars):
        return None
    single = {c for c, a in zip(chars, after) if a != c}
    multi = sorted(k for k in keys if len(k) > 1 and "\n" not in k)
    after = cc.convert("\n".join(multi)).split("\n")
    if len(after) != len(multi):
        return None
    phrases = []
    for k, a in zip(multi, after):
        if a == k or set(k) & single:
            continue  # unchanged, or found by its changing character anyway
        # the character it is found by: the first that differs (the rarer spelling), else its first
        i = next((i for i, (x, y) in enumerate(zip(k, a)) if x != y), 0) if len(k) == len(a) else 0
        phrases.append([k[i], k[:i], k[i + 1:]])
    return {"chars": "".join(c for c in sorted(single) if ord(c) < 0x10000),
            "astral": "".join(c for c in sorted(single) if ord(c) >= 0x10000), "phrases": phrases}


def _compile(data: dict[str, Any]) -> Detector:
    by_anchor: dict[str, list[str]] = {}
    for anchor, before, after in data["phrases"]:
        # at the anchor: what precedes it (anchor included) behind, what follows it ahead
        by_anchor.setdefault(anchor, []).append(
            f"(?<={re.escape(before + anchor)})" + (f"(?={re.escape(after)})" if after else "")
            if before else (f"(?={re.escape(after)})" if after else ""))
    phrases = "|".join(re.escape(a) + "(?:" + "|".join(alts) + ")" for a, alts in sorted(by_anchor.items()))
    return Detector(re.compile("[" + _class(data["chars"]) + "]") if data["chars"] else re.compile("(?!)"),
                    frozenset(data["astral"]), re.compile(phrases) if phrases else None)


def _class(chars: str) -> str:
    """A character class body (the characters as they are: re compiles that faster than ranges)."""
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)
