"""Readability of the plain-language versions, against the targets in resources/notices/README.md.

Flesch reading ease uses a vowel-group syllable count with the usual English
corrections (silent final e, -le, -ed, -es); it is checked against a list of
words with known counts in the tests.

A failing text says what to change: the sentences that are too long or
hardest to read, the words that weigh them down (most syllables, legal terms),
and the plain word to use instead (:data:`SWAPS`, the table in the README).
"""

from __future__ import annotations

import re
from collections.abc import Callable
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

# The plain word for each legal term (the word swaps in resources/notices/README.md).
SWAPS: dict[str, str] = {
    "processing": "use, keep, share (say which)",
    "process": "use, keep, share (say which)",
    "processed": "used, kept, shared (say which)",
    "personal data": "information about you",
    "personal information": "information about you",
    "data subject": "you",
    "third party": "another organisation (name it)",
    "third parties": "other organisations (name them)",
    "partner agencies": "other organisations (name them)",
    "retention period": "how long we keep it",
    "lawful basis": "the law lets us",
    "legal obligation": "the law says we must",
    "public task": "our job as a council, set by law",
    "special category": "very private information, like health or religion (keep the term in the glossary)",
    "safeguarding": "keeping children safe from harm",
    "rectification": "correcting",
    "erasure": "deleting",
    "disclosure": "sharing",
    "disclose": "share",
    "statutory": "required by law",
    "data controller": "the organisation in charge of your information",
    "controller": "the organisation in charge of your information",
    "processor": "an organisation that uses it for us (name it)",
    "pursuant": "under",
    "hereby": "(leave it out)",
    "legitimate interest": "say what the reason is, plainly",
    "in accordance with": "as ... says, or under",
}
# Everyday words with a shorter plain one: suggested where a sentence is hard to read, never failed.
WORD_SWAPS: dict[str, str] = {
    "additional": "more", "approximately": "about", "assistance": "help", "assist": "help",
    "commence": "start", "consequently": "so", "facilitate": "help", "individual": "person",
    "individuals": "people", "necessary": "needed", "regarding": "about", "subsequently": "later",
    "sufficient": "enough", "utilise": "use", "utilised": "used", "obtain": "get", "obtained": "got",
    "require": "need", "requires": "needs", "required": "needed", "provide": "give",
    "provided": "given", "ensure": "make sure", "therefore": "so", "however": "but",
    "appropriate": "right", "concerning": "about", "purposes": "reasons", "purpose": "reason",
    "determine": "decide", "demonstrate": "show", "notify": "tell", "inform": "tell",
    "receive": "get", "prior to": "before", "in order to": "to", "in relation to": "about",
    "with regard to": "about", "in the event of": "if", "whilst": "while", "commencement": "start",
    "accordingly": "so", "circumstances": "times, cases", "legislation": "law", "request": "ask",
}
HEAVY_SYLLABLES = 3  # a word of this many syllables or more weighs a sentence down

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


def flesch(n_words: int, n_sentences: int, n_syllables: int) -> float:
    n_words, n_sentences = max(1, n_words), max(1, n_sentences)
    return 206.835 - 1.015 * (n_words / n_sentences) - 84.6 * (n_syllables / n_words)


def swap(term: str) -> str:
    """``term → plain word`` from the word lists, or the term alone if they have none."""
    plain = SWAPS.get(term.lower()) or WORD_SWAPS.get(term.lower())
    return f"{term} → {plain}" if plain else term


@dataclass(frozen=True)
class SentenceScore:
    """One sentence of a plain text, as the family meets it."""

    text: str
    words: int
    syllables: int
    flesch: float
    heavy: tuple[tuple[str, int], ...]  # (word, syllables) of its long words, most syllables first
    terms: tuple[str, ...]  # legal terms in it that the glossary does not explain
    plainer: tuple[str, ...]  # everyday words in it with a plainer one (WORD_SWAPS)

    def weighs(self, limit: int = 5) -> str:
        """The words that weigh it down: its legal terms, then up to ``limit`` of its longest words,
        then everyday words with a plainer one; each with its plain swap where the lists have one."""
        parts = [swap(t) for t in self.terms]
        in_terms = {w for t in self.terms for w in t.split()}
        heavy = [w for w, _ in self.heavy if w.lower() not in in_terms][:limit]
        parts += [f"{swap(w)} ({n} syllables)" for w, n in self.heavy if w in heavy]
        named = {w.lower() for w in heavy} | in_terms
        parts += [swap(w) for w in self.plainer if w not in named]
        return "; ".join(parts)


Where = Callable[[str], int | None]


def _at(where: Where | None, sentence: str) -> str:
    line = where(sentence) if where else None
    return f"line {line}: " if line else ""


def _around(sentence: str, term: str, context: int = 6) -> str:
    """The words either side of ``term`` in the sentence, the term marked: ``… we [[process]] your …``."""
    m = re.search(rf"\b{re.escape(term)}\b", sentence, re.IGNORECASE)
    if m is None:
        return repr(sentence)
    before, after = sentence[: m.start()].split(), sentence[m.end():].split()
    return " ".join((["…"] if len(before) > context else []) + before[-context:] + [f"[[{m.group(0)}]]"]
                    + after[:context] + (["…"] if len(after) > context else []))


@dataclass(frozen=True)
class Score:
    sentences: int
    words: int
    average_words: float
    longest: int
    longest_sentence: str
    flesch: float
    jargon: tuple[str, ...]
    parts: tuple[SentenceScore, ...] = ()

    def problems(self, where: Where | None = None) -> list[str]:
        """What misses a target, with the figure first, then (indented, one per line) the sentences
        to change and what to change in them. ``where(sentence)``: the line of the notice's TOML the
        sentence is on, if known."""
        out = []
        if self.average_words > MAX_AVERAGE_WORDS:
            longest = sorted((p for p in self.parts if p.words > MAX_AVERAGE_WORDS),
                             key=lambda p: -p.words)[:3]
            out.append(f"average sentence {self.average_words:.1f} words (target {MAX_AVERAGE_WORDS:g} "
                       f"or fewer); {self.words} words in {self.sentences} sentence(s). Split or shorten "
                       + ("the longest:" if longest else "the sentences.")
                       + "".join(f"\n    {_at(where, p.text)}{p.words} words: {p.text!r}" for p in longest))
        too_long = [p for p in self.parts if p.words > MAX_SENTENCE_WORDS]
        if self.longest > MAX_SENTENCE_WORDS and not too_long:  # a Score made without its sentences
            out.append(f"a sentence of {self.longest} words (at most {MAX_SENTENCE_WORDS}): "
                       f"{self.longest_sentence[:80]!r}")
        for p in too_long:
            out.append(f"a sentence of {p.words} words (at most {MAX_SENTENCE_WORDS}); split it:"
                       f"\n    {_at(where, p.text)}{p.text!r}")
        if self.flesch < MIN_FLESCH:
            hardest = sorted((p for p in self.parts if p.flesch < MIN_FLESCH), key=lambda p: p.flesch)[:3]
            lines = [f"Flesch reading ease {self.flesch:.1f} (target {MIN_FLESCH:g} or more)"
                     + ("; the hardest sentences, and the words that weigh them down:" if hardest else "")]
            for p in hardest:
                lines.append(f"    {_at(where, p.text)}Flesch {p.flesch:.0f}, {p.words} words: {p.text!r}")
                if weighs := p.weighs():
                    lines.append(f"      {weighs}")
            out.append("\n".join(lines))
        for term in self.jargon:
            in_sentence = next((p for p in self.parts if term in p.terms), None)
            out.append(f"unexplained legal term {term!r}: use a plain word ({swap(term)}), or explain it "
                       "in the glossary"
                       + (f"\n    {_at(where, in_sentence.text)}{_around(in_sentence.text, term)}"
                          if in_sentence else ""))
        return out

    @property
    def ok(self) -> bool:
        return not self.problems()


def _contains(text: str, term: str) -> bool:
    return re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE) is not None


_CONTACT = re.compile(r"\S+@\S+\.\w+|(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|org|nhs|co)\.uk\S*")


def _without(text: str, terms: tuple[str, ...]) -> str:
    for term in sorted(terms, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(term)}\b", " ", text, flags=re.IGNORECASE)
    return text


def _jargon(text: str) -> list[str]:
    found = []
    for term in sorted(JARGON, key=len, reverse=True):  # "processing" before "process"
        if _contains(text, term):
            found.append(term)
            text = re.sub(rf"\b{re.escape(term)}\b", " ", text, flags=re.IGNORECASE)
    return found


def _sentence_score(shown: str, scored: str, glossary_terms: tuple[str, ...]) -> SentenceScore:
    ws = words(scored)
    counts = [(w, syllables(w)) for w in ws]
    n_syll = sum(n for _, n in counts)
    heavy: dict[str, int] = {}
    for w, n in sorted(counts, key=lambda c: -c[1]):
        if n >= HEAVY_SYLLABLES and w.lower() not in {h.lower() for h in heavy}:
            heavy[w] = n
    rest = _without(scored, glossary_terms)
    plainer = tuple(t for t in WORD_SWAPS if _contains(rest, t))
    return SentenceScore(shown, len(ws), n_syll, flesch(len(ws), 1, n_syll), tuple(heavy.items()),
                         tuple(_jargon(rest)), plainer)


def score(text: str, glossary_terms: tuple[str, ...] = ()) -> Score:
    original = text
    # An e-mail or web address is read as one thing, not as long words: authors must not
    # be pushed to drop a council's contact details to meet a score.
    text = _CONTACT.sub("address", text)
    sents = sentences(text)
    counts = [len(words(s)) for s in sents] or [0]
    all_words = words(text)
    n_words = max(1, len(all_words))
    n_sents = max(1, len(sents))
    n_syll = sum(syllables(w) for w in all_words)
    longest_i = max(range(len(counts)), key=counts.__getitem__)
    # Terms the notice's glossary explains may stay; look for jargon in what is left.
    jargon = _jargon(_without(text, glossary_terms))
    # Sentences are named as written (with their addresses), where they split the same way.
    shown = sentences(original)
    shown = shown if len(shown) == len(sents) else sents
    parts = tuple(_sentence_score(a, b, glossary_terms) for a, b in zip(shown, sents, strict=True))
    return Score(len(sents), len(all_words), sum(counts) / n_sents, max(counts),
                 sents[longest_i] if sents else "", flesch(n_words, n_sents, n_syll), tuple(jargon), parts)
