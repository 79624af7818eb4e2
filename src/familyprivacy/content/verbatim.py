"""Proof that a notice keeps every sentence of its source, word for word, exactly once.

The source text is split into sentences; so is the official wording of every
section. The two collections must be equal, counting repeats: a sentence of
the source missing from the content, one that appears in two sections, or one
that was altered (and so is not in the source) is reported with where it is.
Page furniture (menus, cookie banners) is listed explicitly under [ignored].
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from familyprivacy.content.model import Notice

_BULLET = re.compile(r"^\s*(?:[•◦▪●·*–-])\s+")
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


def normalise_line(line: str) -> str:
    return " ".join(_BULLET.sub("", line).split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a block of official text; each line is at least one sentence."""
    out: list[str] = []
    for line in text.splitlines():
        norm = normalise_line(line)
        if norm:
            out.extend(s for s in (p.strip() for p in _SPLIT.split(norm)) if s)
    return out


def collapse(text: str) -> str:
    return " ".join(normalise_line(line) for line in text.splitlines() if line.strip())


@dataclass
class VerbatimReport:
    source_sentences: int = 0
    missing: list[tuple[int, str]] = field(default_factory=list)  # (source line, sentence)
    extra: list[tuple[str, str]] = field(default_factory=list)  # (section id, sentence)
    repeated: list[tuple[str, str]] = field(default_factory=list)
    bad_ignored: list[str] = field(default_factory=list)
    bad_quotes: list[str] = field(default_factory=list)  # choice ids

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.repeated or self.bad_ignored
                    or self.bad_quotes)

    def problems(self) -> list[str]:
        out = [f"source line {n}: sentence not in any section: {s[:90]!r}" for n, s in self.missing]
        out += [f"section {sid}: not in the source (altered or added?): {s[:90]!r}"
                for sid, s in self.extra]
        out += [f"section {sid}: sentence appears in more than one section: {s[:90]!r}"
                for sid, s in self.repeated]
        out += [f"[ignored] line is not in the source: {s[:90]!r}" for s in self.bad_ignored]
        out += [f"choice {cid}: source_quote is not word for word in the source"
                for cid in self.bad_quotes]
        return out


def check_verbatim(notice: Notice, source_text: str) -> VerbatimReport:
    report = VerbatimReport()
    ignored = Counter(normalise_line(line) for line in notice.ignored)
    source: Counter[str] = Counter()
    where: dict[str, int] = {}
    for number, line in enumerate(source_text.splitlines(), start=1):
        norm = normalise_line(line)
        if not norm:
            continue
        if ignored[norm] > 0:
            ignored[norm] -= 1
            continue
        for sentence in split_sentences(norm):
            source[sentence] += 1
            where.setdefault(sentence, number)
    report.bad_ignored = [line for line, left in ignored.items() if left > 0]
    report.source_sentences = sum(source.values())

    content: Counter[str] = Counter()
    first_section: dict[str, str] = {}
    for section in notice.sections:
        for sentence in split_sentences(section.official):
            content[sentence] += 1
            if sentence in first_section and first_section[sentence] != section.id \
                    and content[sentence] > source[sentence]:
                report.repeated.append((section.id, sentence))
            first_section.setdefault(sentence, section.id)
            if sentence not in source:
                report.extra.append((section.id, sentence))
    for sentence, count in source.items():
        if content[sentence] < count:
            report.missing.append((where[sentence], sentence))
    report.missing.sort()
    flat = collapse(source_text)
    report.bad_quotes = [c.id for c in notice.choices if collapse(c.source_quote) not in flat]
    return report
