"""Pseudo-locales that exercise layout before real translations exist.

``en-XA`` accents and lengthens every string (about 40% longer, bracketed so
clipping shows); ``ar-XB`` wraps text in right-to-left marks so the whole
interface mirrors. Placeholders and markup are left untouched.
"""

from __future__ import annotations

import re

PSEUDO_LOCALES = ("en-XA", "ar-XB")
_ACCENTS = str.maketrans(
    "AaBCcDdEeGgHhIiJjKkLlNnOoRrSsTtUuWwYyZz",
    "ÅåƁÇçÐðÉéĜĝĤĥÎîĴĵĶķĻļÑñÖöŔŕŠšŢţÛûŴŵÝýŽž",
)
_PROTECTED = re.compile(r"(\{[A-Za-z_][A-Za-z0-9_]*\}|<[^>]*>|&[a-z]+;)")
RLE, PDF, RLM = "\u202b", "\u202c", "\u200f"


def pseudo_translate(lang: str, text: str) -> str:
    parts = _PROTECTED.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(part)
        elif lang == "en-XA":
            out.append(part.translate(_ACCENTS))
        else:
            out.append(part)
    joined = "".join(out)
    if lang == "en-XA":
        padding = "~" * max(1, len(text) * 2 // 5)
        return f"[{joined} {padding}]"
    return f"{RLE}{RLM}{joined}{RLM}{PDF}"
