"""The words and marks every stage must agree on, defined once.

Readers, the segmenter, the grammar, the parser, the facts and the checks all need to know
what a report title looks like, which heading markers there are, which front-matter keys a
page carries and how labels are compared. Each of those is defined here and imported (the
grammar's front-matter terminal is filled in from :data:`FRONT_MATTER_KEYS` when it is
loaded), so a new key or title phrasing is added in one place.
"""
from __future__ import annotations

import re

# Chinese numerals of heading markers (一、 … 十九、, （一）…)
CN_DIGITS = "一二三四五六七八九十"

# Keys of the metadata block a government page (or a crawler) puts above the report:
# "索引号: …", "发布日期: …". A line "KEY: value" with one of these is front matter, not text.
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "索引号", "成文日期", "发布日期", "发布时间", "发布机构", "发文机关", "发文字号", "公开方式", "公开范围",
    "公开时限", "组配分类", "主题分类", "体裁分类", "信息分类", "所属机构", "生成日期", "信息来源", "有效性",
    # crawled archives: the page's own title and column, the document number, where it came from
    "标题", "文号", "栏目", "原文链接", "本地目录",
)

# The phrase that makes a line a report's title (with or without agency and year).
REPORT_TITLE = re.compile(
    r"政府信息公开.{0,12}(?:年度报告|年报|工作报告)|信息公开工作年度报告|政务公开.{0,8}年度报告")
# A column or category label above the title, not the title itself ("政府信息公开年报").
COLUMN_LABEL = re.compile(r"^(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度报告|年报)(?:专栏|栏目)?$")

# Year in a title: Arabic or written out (二〇一三): 19xx, 20xx, or four numerals starting 〇○零O一二.
# Written with one set of first characters before the two forms (told apart by a lookbehind at
# that character), so that a pattern starting with it lets re skip in C to where a year can
# start, instead of entering the alternation at every position (3-4x faster over a report);
# YEAR_PLAIN is the same set of strings, written plainly (tests/test_speed_equivalence.py).
YEAR_PLAIN = r"(?:19|20)\d\d|[〇○零O一二][〇○零O一二三四五六七八九]{3}"
YEAR = r"[12〇○零O一二](?:(?<=1)9\d\d|(?<=2)0\d\d|(?<=[〇○零O一二])[〇○零O一二三四五六七八九]{3})"
# A title split into (agency, year, rest): "某县人民政府2013年政府信息公开工作年度报告"
TITLE_PARTS = re.compile(rf"^(?P<pre>.*?)(?P<year>{YEAR})\s*年度?(?P<post>.*?)(?:政府信息公开|政务公开|信息公开)")

# Words an agency's name ends with (a title line that is only the agency, a signature line).
AGENCY_END = re.compile(
    r"(?:政府|局|厅|委|委员会|办|办公室|办公厅|中心|院|所|处|站|会|部|署|镇|乡|街道|街道办事处|办事处|管委会|"
    r"公司|馆|队|社|集团|区|县|市|省)$")

# Heading markers, as regular-expression fragments (no anchors, no surrounding space): the
# grammar's H1–H5, the segmenter's inline split and the readers' line tests are built from them.
H1_MARKER = rf"[{CN_DIGITS}]{{1,3}}[ \t]*[、.](?![\d.])|第[{CN_DIGITS}]{{1,3}}部分[ \t:]?"
H2_MARKER = rf"\([ \t]*[{CN_DIGITS}]{{1,3}}[ \t]*\)"
H3_MARKER = r"\d{1,2}[ \t]*(?:、|\.(?![\d.]))"
H4_MARKER = r"\([ \t]*\d{1,2}[ \t]*\)"
H5_MARKER = r"[①-⑳]"
# Any heading marker at the start of a line, in the raw (unfolded) text a reader sees:
# full-width brackets and dots, 百 in long lists, appendix labels.
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[)）]|\d{1,3}[、.．](?!\d)|"
    r"[（(]\d{1,3}[)）]|[①-⑳⑴-⒇]|第[一二三四五六七八九十百\d]+[章节部分条]|附件|附表|附录)"
)
# A top-level heading at the start of a line ("一、").
TOP_HEADING = re.compile(rf"^[{CN_DIGITS}]+、")

_LABEL_NOISE = re.compile(r"[\s\"'“”‘’「」『』]")


def fold_label(text: str) -> str:
    """A label as compared: without whitespace and quotes (format.md: label matching)."""
    return _LABEL_NOISE.sub("", text)
