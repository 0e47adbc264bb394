"""One language at a time: what the command line itself says, in the user's language.

Three sources of English that a Chinese user would otherwise see:
- argparse's own strings (``usage:``, ``options``, ``error: unrecognized arguments``): argparse
  looks each one up through gettext when it uses it; :func:`use_language` installs a gettext
  translation (Chinese, from the catalog below) for argparse while the CLI runs;
- operating-system errors (``No such file or directory``): mapped by errno;
- configuration errors from pydantic (``Input should be 'error', 'warning' or 'info'``):
  rewritten by error type, keeping the file and line.
"""
from __future__ import annotations

import argparse
import difflib
import errno
import gettext
from typing import Any

# msgid (as argparse writes it) → Chinese; argparse formats the result with %-style values.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助信息并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "subcommands": "命令",
}
ARGPARSE_ZH_PLURAL = {"expected %s argument": "需要 %s 个值"}


class _Catalog(gettext.NullTranslations):
    """A gettext translation backed by a dict (argparse's handful of strings need no .mo file)."""

    def __init__(self, singular: dict[str, str], plural: dict[str, str]) -> None:
        super().__init__()
        self._singular, self._plural = singular, plural

    def gettext(self, message: str) -> str:
        return self._singular.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._plural.get(msgid1) or (msgid1 if n == 1 else msgid2)


_ORIGINAL = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]


def use_language(lang: str) -> None:
    """Make argparse speak ``lang`` (zh or en) from now on in this process."""
    if lang == "zh":
        t = _Catalog(ARGPARSE_ZH, ARGPARSE_ZH_PLURAL)
        argparse._, argparse.ngettext = t.gettext, t.ngettext  # type: ignore[attr-defined]
    else:
        restore()


def restore() -> None:
    """argparse as it was before :func:`use_language`."""
    argparse._, argparse.ngettext = _ORIGINAL  # type: ignore[attr-defined]


# ------------------------------------------------------------------ operating-system errors

_OS_ZH = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "不允许此操作",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统为只读",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.EIO: "读写错误",
}


def os_error(exc: OSError, lang: str = "zh") -> str:
    """``path: what went wrong`` for an OSError, in the user's language."""
    what = (_OS_ZH.get(exc.errno or 0) if lang == "zh" else None) or exc.strerror or str(exc)
    return f"{exc.filename}: {what}" if exc.filename else what


# ------------------------------------------------------------------ configuration errors

def _known_keys(model: Any) -> list[str]:
    return [name.replace("_", "-") for name in getattr(model, "model_fields", {})]


def config_error(err: dict[str, Any], where: str, model: Any = None) -> tuple[str, str]:
    """A pydantic error about a configuration value as (zh, en) text."""
    kind, msg, ctx = err["type"], err["msg"], err.get("ctx") or {}
    loc = err.get("loc") or ()
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else where
        near = difflib.get_close_matches(key, _known_keys(model), n=1) if model is not None else []
        zh = f"未知的配置项“{key}”" + (f"，是否想写“{near[0]}”？" if near else "")
        en = f"{where}: unknown key {key!r}" + (f"; did you mean {near[0]!r}?" if near else "")
        return zh, en
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", "、").replace(", ", "、")
        return f"{where}：应为 {expected} 之一", f"{where}: {msg}"
    simple = {
        "int_parsing": "应为整数", "int_type": "应为整数", "greater_than": f"应大于 {ctx.get('gt')}",
        "string_type": "应为文字", "list_type": "应为列表", "dict_type": "应为映射（键: 值）",
        "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
        "missing": "缺少必填项", "model_type": "应为映射（键: 值）",
    }
    if kind in simple:
        return f"{where}：{simple[kind]}", f"{where}: {msg}"
    if kind == "value_error":
        text = str(ctx.get("error", msg))
        return f"{where}：{_value_error_zh(text)}", f"{where}: {text}"
    return f"{where}：{msg}", f"{where}: {msg}"


def _value_error_zh(text: str) -> str:
    if "is not a rule id, prefix or name" in text:
        item = text.split(" is not", 1)[0]
        return f"{item} 不是规则编号、前缀或名称（如 GIP201、GIP2、repeated-word）"
    return text
