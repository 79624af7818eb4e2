"""Readability of the plain-language versions, against the targets in resources/notices/README.md.

Flesch reading ease uses a vowel-group syllable count with the usual English
corrections (silent final e, -le, -ed, -es); it is checked against a list of
words with known counts in the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_AVERAGE_WORDS = 15.0
MAX_SENTENCE_WORDS = 25
MIN_FLESCH = 70.0

# Legal terms a family should not meet unexplained (the word swaps in resources/notices/README.md).
JARGON: tuple[str, ...] = (
    "processing", "process", "processed", "personal data", "personal information",
    "data subject", "third party", "third parties", "partner agencies", "retention period",
    "lawful basis", "legal obligation", "public task", "special category", "safeguarding",
    "rectification", "erasure", "disclosure", "disclose", "statutory", "data controller",
    "controller", "processor", "pursuant", "hereby", "legitimate interest", "in accordance with",
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.:/]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+")


def syllables(word: str) -> int:
    w = word.lower().strip("'’-")
    if not w:
        return 0
    if w[0].isdigit():
        return max(1, len(re.sub(r"\D", "", w)) // 2 or 1)
    w = re.sub(r"[^a-z]", "", w)
    if len(w) <= 3:
        return 1
    if w.endswith("es") and not w.endswith(("ses", "zes", "ces", "ges", "xes", "shes", "ches")):
        w = w[:-2]
    elif w.endswith("ed") and not w.endswith(("ted", "ded")):
        w = w[:-2]
    elif w.endswith("e") and not w.endswith(("le", "ee", "ie")):
        w = w[:-1]
    groups = re.findall(r"[aeiouy]+", w)
    count = len(groups)
    # "ia"/"io" is two sounds (media, period) except after c, s, t, g (social, nation)
    count += len(re.findall(r"(?<![cstgx])i[aou]", w))
    return max(1, count)


def sentences(text: str) -> list[str]:
    """Sentences of a plain text: paragraphs and bullets end a sentence too."""
    result: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-•*]\s)", text):
        block = re.sub(r"^\s*[-•*]\s+", "", block.strip())
        block = " ".join(block.split())
        if not block:
            continue
        result.extend(s.strip() for s in _SENTENCE_END.split(block) if _WORD.search(s))
    return result


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True)
class Score:
    sentences: int
    words: int
    average_words: float
    longest: int
    longest_sentence: str
    flesch: float
    jargon: tuple[str, ...]

    def problems(self) -> list[str]:
        out = []
        if self.average_words > MAX_AVERAGE_WORDS:
            out.append(f"average sentence {self.average_words:.1f} words "
                       f"(target {MAX_AVERAGE_WORDS:g} or fewer)")
        if self.longest > MAX_SENTENCE_WORDS:
            out.append(f"a sentence of {self.longest} words (at most {MAX_SENTENCE_WORDS}): "
                       f"{self.longest_sentence[:80]!r}")
        if self.flesch < MIN_FLESCH:
            out.append(f"Flesch reading ease {self.flesch:.1f} (target {MIN_FLESCH:g} or more)")
        for term in self.jargon:
            out.append(f"unexplained legal term {term!r} (use a plain word, or explain it in the glossary)")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems()


def _contains(text: str, term: str) -> bool:
    return re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE) is not None


_CONTACT = re.compile(r"\S+@\S+\.\w+|(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|org|nhs|co)\.uk\S*")


def score(text: str, glossary_terms: tuple[str, ...] = ()) -> Score:
    # An e-mail or web address is read as one thing, not as long words: authors must not
    # be pushed to drop a council's contact details to meet a score.
    text = _CONTACT.sub("address", text)
    sents = sentences(text)
    counts = [len(words(s)) for s in sents] or [0]
    all_words = words(text)
    n_words = max(1, len(all_words))
    n_sents = max(1, len(sents))
    n_syll = sum(syllables(w) for w in all_words)
    flesch = 206.835 - 1.015 * (n_words / n_sents) - 84.6 * (n_syll / n_words)
    longest_i = max(range(len(counts)), key=counts.__getitem__)
    # Terms the notice's glossary explains may stay; look for jargon in what is left.
    rest = text
    for term in sorted(glossary_terms, key=len, reverse=True):
        rest = re.sub(rf"\b{re.escape(term)}\b", " ", rest, flags=re.IGNORECASE)
    jargon = []
    for term in sorted(JARGON, key=len, reverse=True):  # "processing" before "process"
        if _contains(rest, term):
            jargon.append(term)
            rest = re.sub(rf"\b{re.escape(term)}\b", " ", rest, flags=re.IGNORECASE)
    return Score(len(sents), len(all_words), sum(counts) / n_sents, max(counts),
                 sents[longest_i] if sents else "", flesch, tuple(jargon))
