"""The council's details a notice gives, found in its text: its name, who the data controller is,
the Data Protection Officer's contact, a contact for the council, and the Information
Commissioner's. Each is the council's own words (a sentence or line of the source), or "" where the
text gives none; the importer writes a TODO for those.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from familyprivacy.content.verbatim import normalise_line, split_sentences

_COUNCIL = re.compile(
    r"\b((?:[A-Z][\w’'-]*\s+(?:(?:and|of|upon|on|the)\s+)?){1,6}Council)\b")
_GENERIC = {"the", "this", "our", "a", "borough", "county", "city", "district", "metropolitan", "unitary",
            "council", "parish", "town", "local", "data", "protection", "officer", "contact", "your", "if",
            "whole", "combined", "authority", "and", "of", "on", "upon"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)0\d{2,4}[ \d]{6,11}\d(?!\d)")
_ICO = re.compile(r"ico\.org\.uk|0303\s*123\s*1113|wycliffe house|\bSK9\s*5AF\b|information commissioner",
                  re.IGNORECASE)
_ICO_STRONG = re.compile(r"ico\.org\.uk|0303\s*123\s*1113|wycliffe house|water lane|wilmslow|\bSK9\s*5AF\b",
                         re.IGNORECASE)
_DPO = re.compile(r"data protection officer|\bDPO\b", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    text: str  # the council's words ("" if the notice gives none)
    line: int = 0  # the source line it starts on
    note: str = ""  # what was found instead, for the TODO


@dataclass(frozen=True)
class Details:
    name: Found
    controller: Found
    dpo: Found
    contact: Found
    ico: Found


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def _name(lines: list[tuple[int, str]], council_id: str) -> Found:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for number, text in lines:
        for m in _COUNCIL.finditer(text):
            words = m.group(1).split()
            # every ending of the match that starts with a name (not "Data Protection Officer ...")
            for i in range(len(words) - 1):
                if words[i].lower().strip("’'") in _GENERIC or not words[i][0].isupper():
                    continue
                candidate = re.sub(r"[’']s$", "", " ".join(words[i:]))
                counts[candidate] += 1
                first.setdefault(candidate, number)
    wanted = _words(council_id) - _GENERIC
    ranked = sorted(counts, key=lambda c: (-counts[c], -len(c)))
    for candidate in ranked:
        if _words(candidate) & wanted:
            return Found(candidate, first[candidate])
    seen = ", ".join(f'"{c}"' for c in ranked[:3])
    return Found("", note=f"the notice names {seen}, none like the id {council_id!r}" if seen else
                 'the notice gives no "... Council" name')


def _sentences(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(number, s) for number, text in lines for s in split_sentences(text)]


def _controller(lines: list[tuple[int, str]], headings: set[int]) -> Found:
    for number, sentence in _sentences(lines):
        if number in headings or sentence.rstrip().endswith("?"):
            continue
        if re.search(r"data controller", sentence, re.IGNORECASE):
            return Found(sentence, number)
    return Found("", note='no sentence of the notice names the "data controller"')


def _dpo(lines: list[tuple[int, str]]) -> Found:
    """The first mention of the DPO that comes with an e-mail address or phone number (on its line or
    one of the three after it)."""
    first_mention: Found | None = None
    for i, (number, text) in enumerate(lines):
        if not _DPO.search(text):
            continue
        for j in range(i, min(i + 4, len(lines))):
            other = lines[j][1]
            if j > i and (_DPO.search(other) or _ICO.search(other)):
                break
            if EMAIL.search(other) or PHONE.search(other):
                return Found(" ".join(normalise_line(t) for _, t in lines[i:j + 1]), number)
        if first_mention is None:
            mention = next((s for s in split_sentences(text) if _DPO.search(s)), normalise_line(text))
            first_mention = Found("", number, f'the notice mentions the DPO ("{mention[:120]}") but gives no '
                                  "contact for them")
    return first_mention or Found("", note="the notice does not mention a Data Protection Officer")


def _contact(lines: list[tuple[int, str]], dpo: Found) -> Found:
    for number, sentence in _sentences(lines):
        if _ICO.search(sentence) or (dpo.text and sentence in dpo.text):
            continue
        if EMAIL.search(sentence):
            return Found(sentence, number)
    for number, sentence in _sentences(lines):
        if not _ICO.search(sentence) and PHONE.search(sentence) and not (dpo.text and sentence in dpo.text):
            return Found(sentence, number)
    return Found("", note="the notice gives no e-mail address or phone number for the council")


def _ico(lines: list[tuple[int, str]]) -> Found:
    picked: list[tuple[int, str]] = []
    for i, (number, text) in enumerate(lines):
        strong = _ICO_STRONG.search(text)
        # the office's name on a short line just before its address ("Information Commissioner's Office")
        name_line = (re.search(r"information commissioner", text, re.IGNORECASE) and len(text.split()) <= 6
                     and i + 1 < len(lines) and _ICO_STRONG.search(lines[i + 1][1]))
        if strong or name_line:
            picked.append((number, normalise_line(text)))
    if picked:
        unique = list(dict.fromkeys(t for _, t in picked))
        return Found(" ".join(unique), picked[0][0])
    mention = next((n for n, t in lines if _ICO.search(t)), 0)
    if mention:
        return Found("", mention, "the notice mentions the Information Commissioner but gives no "
                     "address, phone or web address for them")
    return Found("", note="the notice does not mention the Information Commissioner's Office")


def find(lines: list[tuple[int, str]], headings: set[int], council_id: str) -> Details:
    """The details in ``lines`` (the notice's lines that are notice text, with their numbers);
    ``headings``: the numbers of the heading lines."""
    dpo = _dpo(lines)
    return Details(_name(lines, council_id), _controller(lines, headings), dpo, _contact(lines, dpo),
                   _ico(lines))
