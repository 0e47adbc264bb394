"""Web page (HTML) → :class:`Extracted`.

* Decoding: byte-order mark; then strict UTF-8 (a page that is valid UTF-8 is UTF-8 whatever
  it declares); then the ``<meta charset>`` / ``http-equiv`` / ``<?xml encoding?>`` declaration
  (GBK/GB2312 read as GB18030, their superset); then :func:`gipcheck.read.text.decode`.
* The report's own container is used where the page has one (``#zoom``, ``.TRS_Editor``,
  ``#UCAP-CONTENT``, ``.article``, ``.content``, ``.view``, ``#content``, ``.xxgk_content`` …),
  else the element holding most of the page's text. Site chrome is dropped: scripts, styles,
  nav/header/footer/aside, breadcrumbs, share buttons, QR codes, and lines such as 扫一扫…,
  打印本页, 关闭窗口, 【打印】【关闭】, 字号 大中小, 分享到.
* Block elements (p, div, h1–h6, li, br, tr …) become lines; whitespace inside a line is
  collapsed, no blank lines are kept.
* A data ``<table>`` (at least 2×2, no nested table) becomes a rectangular grid with
  rowspan/colspan expanded (a spanned cell's text once, top-left, covered slots empty),
  written as `` | `` lines and recorded as :class:`SourceTable`. Layout tables are read as
  ordinary blocks.
* ``line_sources[i]`` is ``{"element": "div#zoom > p:nth-of-type(3)", "heading": "二、…"}``
  (nearest heading at or before the line: an h1–h6 element or a line starting 一、…);
  table rows also carry ``"table"`` and ``"row"``.
"""
from __future__ import annotations

import codecs
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser  # extra "html"

from .base import Extracted, InputError, Limits, SourceTable
from ..lexicon import COLUMN_LABEL, REPORT_TITLE, TOP_HEADING
from .text import decode

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_\-.]+)", re.I)
_GB = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "euccn", "gb18030", "hz-gb-2312", "csgb2312", "windows-936"}

# Never content, removed everywhere.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
              "button", "select", "input", "textarea", "map", "audio", "video", "head")
# Site chrome, removed unless inside an <article>.
_CHROME_TAGS = ("nav", "aside", "header", "footer")

SELECTORS = (
    "#zoom", "#Zoom", "#UCAP-CONTENT", ".TRS_Editor", "#xxgk_content", ".xxgk_content", "#fontzoom",
    ".article-content", ".article_content", ".art_con", ".news_content", ".zoom", ".article",
    "article", "#content", ".content", ".view", ".detail", ".main-content",
)

_CHROME_TOKEN = re.compile(
    r"^(breadcrumbs?|crumbs?|bread|share|bdshare\S*|bshare\S*|fenxiang|social-share|print|dayin|close|guanbi|"
    r"fontsize|font-size|zihao|qrcode|qr-code|erweima|ewm|position|location|current-position|weizhi|dqwz|"
    r"toolbar|pagenav|page-nav|pager|pagination|footer|header|nav|navbar|menu|sidebar|copyright|banner|"
    r"related|xgxx|xglj|prev-next)$",
    re.I,
)

_CHROME_LINE = [
    re.compile(r"^扫一扫"),
    re.compile(r"打印本页|打印此页|关闭窗口|关闭本页|【\s*打印\s*】|【\s*关闭\s*】|\[\s*打印\s*\]|\[\s*关闭\s*\]|"
               r"返回顶部|加入收藏|【\s*收藏\s*】|【\s*纠错\s*】"),
    re.compile(r"字号[：:]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"),
    re.compile(r"字体[：:]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"),
    re.compile(r"^分享到"),
    re.compile(r"^(浏览次数|访问次数|阅读次数|点击数|点击量|访问量|浏览量|阅读量)\s*[：:]"),
    re.compile(r"^(上一篇|下一篇)\s*[：:]"),
    re.compile(r"^(当前位置|您现在的位置|您当前的位置|您的位置|所在位置)\s*[：:]"),
]

_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "blockquote", "pre", "address", "center", "main", "figure", "figcaption", "caption",
    "tr", "td", "th", "thead", "tbody", "tfoot", "hr", "form", "fieldset", "legend", "header", "footer",
    "body", "html", "details", "summary", "table",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TOP_HEADING = TOP_HEADING
_WS = re.compile(r"[ \t\r\n\f\v]+")
_SPACES = re.compile(r" {2,}")


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:16384]) or _XML_ENCODING.search(data[:1024])
    if m:
        declared = m.group(1).decode("ascii", "replace").strip().lower()
        enc = "gb18030" if declared in _GB else ("big5hkscs" if declared in ("big5", "x-big5", "cp950") else declared)
        try:
            if getattr(codecs.lookup(enc), "_is_text_encoding", True):
                return data.decode(enc), enc
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass  # unknown, wrong or undecodable declaration ("undefined"): fall back to the usual guesses
    return decode(data, name)


def _textlen(node: Any) -> int:
    return len(_WS.sub("", (node.text(deep=True) or "").replace("\xa0", "").replace("\u3000", "")))


def _label(node: Any) -> str:
    attrs = node.attributes or {}
    if attrs.get("id"):
        return f"{node.tag}#{attrs['id']}"
    cls = (attrs.get("class") or "").split()
    return f"{node.tag}.{cls[0]}" if cls else node.tag


def _is_hidden(node: Any) -> bool:
    attrs = node.attributes or {}
    style = re.sub(r"\s+", "", (attrs.get("style") or "").lower())
    return "hidden" in attrs or "display:none" in style or "visibility:hidden" in style


def _is_chrome(node: Any) -> bool:
    attrs = node.attributes or {}
    tokens = (attrs.get("class") or "").split()
    if attrs.get("id"):
        tokens.append(attrs["id"])
    return any(_CHROME_TOKEN.match(t) for t in tokens)


def _collapse(text: str) -> str:
    text = _WS.sub(" ", text).replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip(" \u3000")


def _inner_elements(node: Any):
    for child in node.iter(include_text=False):
        if child.tag and not child.tag.startswith("-"):
            yield child


# An element path as a linked chain: (parent chain, "tag:nth-of-type(k)", depth) or None.
Path = Any


def _step(path: Path, part: str) -> Path:
    return (path, part, (path[2] if path is not None else 0) + 1)


class _Walker:
    def __init__(self, root_label: str) -> None:
        self.root_label = root_label
        self.lines: list[str] = []
        self.sources: list[dict[str, Any]] = []
        self.tables: list[SourceTable] = []
        self.cur: list[str] = []
        self.cur_path: Path = None
        self.cur_started = False
        self.cur_heading_tag = False
        self.heading: str | None = None
        self.table_count = 0

    def _path(self, path: Path) -> str:
        """``root > … > a > b > c``: the last four steps of a path kept as a linked chain."""
        parts: list[str] = []
        node = path
        while node is not None and len(parts) < 4:
            parts.append(node[1])
            node = node[0]
        parts.reverse()
        if path is not None and path[2] > 4:
            parts = ["…"] + parts[-3:]
        return " > ".join([self.root_label] + parts)

    def flush(self) -> None:
        if not self.cur:
            return
        text = _collapse("".join(self.cur))
        path = self.cur_path
        is_heading = self.cur_heading_tag
        self.cur, self.cur_path, self.cur_heading_tag, self.cur_started = [], None, False, False
        if not text:
            return
        if len(text) <= 80 and any(p.search(text) for p in _CHROME_LINE):
            return
        if is_heading or (_TOP_HEADING.match(text) and len(text) <= 60):
            self.heading = text
        self.lines.append(text)
        self.sources.append({"element": self._path(path), "heading": self.heading})

    def add_text(self, text: str, path: Path, heading_tag: bool) -> None:
        if not self.cur_started:
            if not text.strip(" \t\r\n\f\v\xa0\u3000"):
                return
            self.cur_path, self.cur_started = path, True
            self.cur_heading_tag = heading_tag
        self.cur.append(text)

    def walk(self, node: Any, path: Path, heading_tag: bool = False, pre: bool = False) -> None:
        """Depth-first over ``node``'s children with an explicit stack (deep pages cannot overflow)."""
        # frame: children iterator, path, inside a heading, inside <pre>, nth-of-type counts, block?
        stack: list[tuple[Any, Path, bool, bool, dict[str, int], bool]] = [
            (node.iter(include_text=True), path, heading_tag, pre, {}, False)]
        while stack:
            children, path, heading_tag, pre, counts, _block = stack[-1]
            child = next(children, None)
            if child is None:
                if stack.pop()[5]:
                    self.flush()
                continue
            if child.is_text_node:
                text = child.text_content or ""
                if pre:
                    for i, piece in enumerate(text.split("\n")):
                        if i:
                            self.flush()
                        self.add_text(piece, path, heading_tag)
                else:
                    self.add_text(text, path, heading_tag)
                continue
            tag = child.tag
            if not tag or tag.startswith("-"):
                continue  # comments, doctype
            counts[tag] = counts.get(tag, 0) + 1
            child_path = _step(path, f"{tag}:nth-of-type({counts[tag]})")
            if tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                self.table(child, child_path)
            elif tag in _BLOCK:
                self.flush()
                stack.append((child.iter(include_text=True), child_path, heading_tag or tag in _HEADINGS,
                              pre or tag == "pre", {}, True))
            else:
                stack.append((child.iter(include_text=True), path, heading_tag, pre, {}, False))

    # ---------------------------------------------------------------- tables

    def _rows(self, table: Any) -> list[Any]:
        rows: list[Any] = []
        for child in _inner_elements(table):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(c for c in _inner_elements(child) if c.tag == "tr")
        return rows

    def table(self, table: Any, path: Path) -> None:
        rows = self._rows(table)
        cells_by_row = [[c for c in _inner_elements(tr) if c.tag in ("td", "th")] for tr in rows]
        ncols = max((sum(_span(c, "colspan", 200) for c in r) for r in cells_by_row), default=0)
        nested = table.css_first("td table, th table") is not None
        long_cell = any(_textlen(c) > 600 for r in cells_by_row for c in r)
        huge = len(rows) * (ncols + 200) > 400_000  # spans could blow the grid up: read as text
        if nested or long_cell or huge or len(rows) < 2 or ncols < 2:
            # a layout table: its cells are ordinary blocks
            for i, tr in enumerate(rows, 1):
                row_path = _step(path, f"tr:nth-of-type({i})")
                for j, cell in enumerate(cells_by_row[i - 1], 1):
                    self.walk(cell, _step(row_path, f"{cell.tag}:nth-of-type({j})"))
                    self.flush()
            return
        grid: dict[tuple[int, int], str] = {}
        width = 0
        nrows = len(rows)
        for r, cells in enumerate(cells_by_row):
            c = 0
            for cell in cells:
                while (r, c) in grid:
                    c += 1
                rs = _span(cell, "rowspan", nrows - r, zero_means=nrows - r)
                cs = _span(cell, "colspan", 200)
                text = _cell_text(cell)
                for dr in range(rs):
                    for dc in range(cs):
                        grid[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else ""
                c += cs
                width = max(width, c)
        grid_rows = [[grid.get((r, c), "") for c in range(width)] for r in range(nrows)]
        caption = table.css_first("caption")
        if caption is not None:
            self.add_text(caption.text(deep=True) or "", _step(path, "caption"), False)
            self.flush()
        self.table_count += 1
        first = len(self.lines) + 1
        for r, row in enumerate(grid_rows, 1):
            self.lines.append(" | ".join(row))
            self.sources.append({
                "element": self._path(_step(path, f"tr:nth-of-type({r})")),
                "heading": self.heading,
                "table": self.table_count,
                "row": r,
            })
        self.tables.append(SourceTable(first_line=first, rows=grid_rows))


def _span(cell: Any, attr: str, cap: int, zero_means: int = 1) -> int:
    raw = ((cell.attributes or {}).get(attr) or "1").strip()
    m = re.match(r"\d+", raw)
    n = int(m.group()) if m else 1
    if n == 0:
        n = zero_means
    return max(1, min(n, max(cap, 1)))


def _cell_text(cell: Any) -> str:
    out: list[str] = []
    stack = [(cell.iter(include_text=True), False)]
    while stack:
        child = next(stack[-1][0], None)
        if child is None:
            if stack.pop()[1]:
                out.append(" ")
            continue
        if child.is_text_node:
            out.append(child.text_content or "")
        elif child.tag and not child.tag.startswith("-"):
            block = child.tag == "br" or child.tag in _BLOCK
            if block:
                out.append(" ")
            stack.append((child.iter(include_text=True), block))
    return _collapse("".join(out))


def _pick_container(tree: Any, body: Any) -> Any:
    total = _textlen(body)
    if total == 0:
        return body
    for sel in SELECTORS:
        try:
            nodes = tree.css(sel)
        except Exception:  # noqa: BLE001 - a selector lexbor rejects
            continue
        if not nodes:
            continue
        best = max(nodes, key=_textlen)
        if _textlen(best) >= 0.2 * total:
            return best
    # the element holding the most text: descend while one child holds most of it
    node, size = body, total
    for _ in range(200):
        kids = list(_inner_elements(node))
        if not kids:
            break
        best = max(kids, key=_textlen)
        best_size = _textlen(best)
        if best_size < 0.6 * size or best.tag in ("p", "table", "tr", "td", "li", "ul", "ol"):
            break
        node, size = best, best_size
    return node


# elements the parser closes by itself or that never hold content: not counted as nesting
_NO_DEPTH = frozenset("area base br col embed hr img input link meta param source track wbr "
                      "p li dt dd tr td th option thead tbody tfoot colgroup rt rp".split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,30})[^<>]*?(/?)>")


def nesting_depth(text: str, stop: int) -> int:
    """How deep elements nest, from the tags alone (linear; stops counting past ``stop``).

    The HTML parser itself takes seconds on 50,000 nested ``<div>`` and does not finish on
    200,000, so a page nested past the limit is refused before it is parsed."""
    depth = deepest = 0
    for m in _TAG.finditer(text):
        tag = m.group(2).lower()
        if tag in _NO_DEPTH or m.group(3):
            continue
        if m.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    break
    return deepest


def read_html(data: bytes, name: str, limits: Limits) -> Extracted:
    text, encoding = decode_html(data, name)
    depth = nesting_depth(text, limits.max_html_depth)
    if depth > limits.max_html_depth:
        raise InputError(
            f"{name}：网页结构嵌套过深（超过 {limits.max_html_depth} 层），无法读取",
            f"{name}: the page is nested too deeply (more than {limits.max_html_depth} levels) to read",
        )
    try:
        tree = LexborHTMLParser(text)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{name}：无法解析网页（{exc}）", f"{name}: cannot parse the web page ({exc})") from None
    page_title = _page_title(tree)
    _remove([n for tag in _DROP_TAGS for n in tree.css(tag)])
    body = tree.body or tree.root
    if body is None:
        return Extracted(text="", format="html", line_sources=[], encoding=encoding)
    _remove([n for tag in _CHROME_TAGS for n in tree.css(tag) if not _inside(n, "article")])
    _remove([n for n in _inner_elements_deep(body) if _is_hidden(n)])
    container = _pick_container(tree, body)
    root_total = max(_textlen(container), 1)
    _remove([n for n in _inner_elements_deep(container) if _is_chrome(n) and _textlen(n) < 0.5 * root_total])
    walker = _Walker(_label(container))
    try:
        walker.walk(container, None, container.tag in _HEADINGS, container.tag == "pre")
    except RecursionError:  # tables nested inside layout tables hundreds deep
        raise InputError(f"{name}：网页结构嵌套过深，无法读取", f"{name}: the page is nested too deeply to read") from None
    walker.flush()
    _add_outside_title(walker, tree, container, page_title)
    return Extracted(
        text="\n".join(walker.lines),
        format="html",
        line_sources=walker.sources,
        tables=walker.tables,
        encoding=encoding,
    )


_REPORT_TITLE = REPORT_TITLE  # gipcheck.lexicon: one definition of a report title


def _page_title(tree: Any) -> str | None:
    node = tree.css_first("title")
    if node is None:
        return None
    text = _collapse(node.text(separator=" "))
    # "…年度报告_某某市人民政府" / "… - 政府门户网站": keep the part that names the report
    for part in re.split(r"\s*[_|｜—–-]{1,2}\s*", text):
        if _REPORT_TITLE.search(part):
            return part.strip()
    return None


def _add_outside_title(walker: Any, tree: Any, container: Any, page_title: str | None) -> None:
    """Web pages often put the report's title above the content container (an h1, a
    .title block) or only in <title>. When the container's first lines hold no title, use
    the nearest such title, so a report is not said to lack one because of its page layout."""
    # a column label ("政府信息公开年报") in the first lines is not the title
    if any(_REPORT_TITLE.search(line) and not COLUMN_LABEL.match(re.sub(r"\s+", "", line)) for line in walker.lines[:6]):
        return
    title, where = None, None
    for sel in ("h1", "h2", ".title", "#title", ".article-title", ".bt", ".tit"):
        for node in tree.css(sel):
            if container is not None and _inside_node(node, container):
                continue
            text = _collapse(node.text(separator=""))
            if 4 <= len(text) <= 80 and _REPORT_TITLE.search(text):
                title, where = text, _label(node)
                break
        if title:
            break
    if title is None and page_title:
        title, where = page_title, "title"
    if title is None:
        return
    walker.lines.insert(0, title)
    walker.sources.insert(0, {"element": where, "heading": None})
    for t in walker.tables:
        t.first_line += 1


def _inside_node(node: Any, container: Any) -> bool:
    parent = node
    while parent is not None:
        if parent.mem_id == container.mem_id:
            return True
        parent = parent.parent
    return False


def _inside(node: Any, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _remove(nodes: list[Any]) -> None:
    """Decompose nodes, outermost first and each once (a freed node's descendants are never touched)."""
    chosen = {n.mem_id: n for n in nodes}
    top = []
    for n in chosen.values():
        parent, covered = n.parent, False
        while parent is not None:
            if parent.mem_id in chosen:
                covered = True
                break
            parent = parent.parent
        if not covered:
            top.append(n)
    for n in top:
        n.decompose()


def _inner_elements_deep(node: Any):
    for child in node.traverse(include_text=False):
        if child is node or child.mem_id == node.mem_id:
            continue
        if child.tag and not child.tag.startswith("-"):
            yield child
