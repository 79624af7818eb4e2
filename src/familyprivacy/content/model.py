"""Plain dataclasses for a council's notice. Text is always plain text, never markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Council:
    id: str
    name: str
    controller: str
    dpo: str  # the DPO contact as the source gives it, or the gap stated plainly
    contact: str
    ico: str
    website: str = ""  # the source's address, where known


@dataclass(frozen=True)
class Section:
    id: str
    topic: str
    title: str
    plain: str  # paragraphs separated by blank lines; "- " starts a bullet
    official: str  # the council's words, verbatim, one source line per line
    covers: tuple[str, ...] = ()  # ICO checklist items this section covers


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    meaning: str


@dataclass(frozen=True)
class Choice:
    id: str
    kind: str  # service-agreement | data-consent | information-only
    title: str
    explanation: str
    if_yes: str
    if_no: str
    withdraw: str
    lawful_basis: str
    source_quote: str  # verbatim from the source
    implied: bool = False  # the notice implies the choice rather than offering it
    implied_note: str = ""


@dataclass(frozen=True)
class Gap:
    item: str  # an ICO checklist id, or "other"
    note: str
    section: str = ""


@dataclass(frozen=True)
class Notice:
    id: str
    title: str
    council: Council
    sections: tuple[Section, ...]
    glossary: tuple[GlossaryEntry, ...]
    choices: tuple[Choice, ...]
    gaps: tuple[Gap, ...]
    source_file: str
    last_reviewed: str = ""
    ignored: tuple[str, ...] = ()  # source lines that are page furniture, not notice text
    path: Path | None = field(default=None, compare=False)
    # The languages this notice ships translated: complete, and held so by the tests. A notice can
    # ship in English alone; in any other language its untranslated parts say so, in English.
    translated: tuple[str, ...] = ()

    def sections_for(self, topic: str) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.topic == topic)

    @property
    def source_path(self) -> Path | None:
        return self.path.parent / self.source_file if self.path else None
