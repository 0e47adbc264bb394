"""Contact details for questions about the report (GIP301–303)."""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field

from . import Context, Hit, Params, Regex, check


@check("contact_present")
def contact_present(ctx: Context, params) -> list[Hit]:
    """Fires when neither a phone nor an address or e-mail is given for inquiries."""
    f = ctx.facts
    if f.phones or f.address or f.email:
        return []
    return [Hit(None)]


class PhoneParams(Params):
    # short public service numbers that are dialled as they are, or after an area code
    # (0591-12345): a 5–6 digit number is valid only when it matches one of these in full
    service_numbers: list[Regex] = Field(default_factory=list)


@lru_cache(maxsize=64)
def _service(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@check("phone_valid", PhoneParams)
def phone_valid(ctx: Context, params: PhoneParams) -> list[Hit]:
    """Fires on a phone that is not a mainland number, lacks an area code, or uses an odd separator."""
    service = _service(tuple(params.service_numbers))
    hits = []
    for p in ctx.facts.phones:
        local = p.normalized.rsplit("-", 1)[-1]
        if not p.valid and len(local) in (5, 6) and service is not None and service.fullmatch(local):
            pass  # 12345, 0591-12345: a public service number, valid as written
        elif not p.valid:
            hits.append(Hit(p.span, {"phone": p.raw, "problem": "不是有效的号码", "problem_en": "is not a valid number"}))
        elif not p.has_area_code:
            hits.append(Hit(p.span, {"phone": p.raw, "problem": "缺少区号", "problem_en": "has no area code"}))
        elif p.odd_separator:
            hits.append(Hit(p.span, {"phone": p.raw, "problem": f"使用了不规范的分隔符“{p.odd_separator}”（应为“-”）",
                                     "problem_en": f"uses the separator '{p.odd_separator}' (write '-')"}))
    return hits


@check("address_complete")
def address_complete(ctx: Context, params) -> list[Hit]:
    """Fires when contact is given without a postal address, or the postcode is not 6 digits."""
    f = ctx.facts
    if not (f.phones or f.email or f.address or f.postcode):
        return []
    hits = []
    if f.address is None:
        hits.append(Hit(f.contact_span, {"problem": "未提供通讯地址", "problem_en": "no postal address is given"}))
    if f.postcode and len(f.postcode[0]) != 6:
        hits.append(Hit(f.postcode[1], {"problem": f"邮编“{f.postcode[0]}”不是6位数字",
                                        "problem_en": f"postcode '{f.postcode[0]}' is not 6 digits"}))
    return hits
