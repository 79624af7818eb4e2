"""A notice as a family sees it in one language, after translation and fallback.

Each translatable field is looked up in the ``content`` catalog with a context
naming the notice, the part and the field. A stale (fuzzy), rejected or missing
translation falls back to the English, and says so, never showing stale text.
The council's official wording always stays in English.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from familyprivacy.content.fingerprint import fingerprint
from familyprivacy.content.model import Choice, Notice
from familyprivacy.content.strings import ContentString
from familyprivacy.content.topics import TOPIC_BY_ID
from familyprivacy.i18n import catalogs


@dataclass(frozen=True)
class Text:
    text: str
    language: str  # the language actually shown
    status: str  # source | draft | reviewed | stale | missing | rejected

    @property
    def fallback(self) -> bool:
        return self.status in ("stale", "missing", "rejected")


def _t(notice: Notice, part: str, field: str, english: str, lang: str) -> Text:
    if not english:
        return Text("", lang if lang != "en" else "en", "source")
    found = catalogs().lookup("content", english, ContentString(part, field, english, "").context(
        notice.id), lang)
    return Text(found.text, found.language, found.status)


@dataclass(frozen=True)
class SectionView:
    id: str
    topic: str
    topic_title: str  # English; translated by the UI catalog when shown
    icon: str
    title: Text
    plain: Text
    official: str


@dataclass(frozen=True)
class ChoiceView:
    id: str
    kind: str
    title: Text
    explanation: Text
    if_yes: Text
    if_no: Text
    withdraw: Text
    lawful_basis: Text
    source_quote: str
    implied: bool
    implied_note: Text


@dataclass(frozen=True)
class GlossaryView:
    term: Text
    meaning: Text
    english_term: str


@dataclass(frozen=True)
class GapView:
    item: str
    note: Text
    section: str


@dataclass(frozen=True)
class NoticeView:
    notice_id: str
    language: str
    title: Text
    council_name: str
    council: dict[str, str]
    last_reviewed: str
    sections: tuple[SectionView, ...]
    choices: tuple[ChoiceView, ...]
    glossary: tuple[GlossaryView, ...]
    gaps: tuple[GapView, ...]
    # How to reach the DPO, the council and the ICO, translated around the names and addresses.
    council_text: dict[str, Text] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def texts(self) -> list[Text]:
        """Every translatable text of the view: titles, plain parts, choices, glossary, gaps, contacts."""
        out: list[Text] = []

        def walk(value: object) -> None:
            if isinstance(value, Text):
                out.append(value)
            elif is_dataclass(value) and not isinstance(value, type):
                for f in fields(value):
                    walk(getattr(value, f.name))
            elif isinstance(value, (list, tuple)):
                for item in value:
                    walk(item)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)

        walk(self)
        return out

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.as_dict())

    def section(self, section_id: str) -> SectionView:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)


def localize(notice: Notice, lang: str) -> NoticeView:
    def t(part: str, field: str, english: str) -> Text:
        return _t(notice, part, field, english, lang)

    sections = tuple(
        SectionView(
            s.id, s.topic, TOPIC_BY_ID[s.topic].title, TOPIC_BY_ID[s.topic].icon,
            t(f"section:{s.id}", "title", s.title), t(f"section:{s.id}", "plain", s.plain),
            s.official,
        )
        for s in notice.sections
    )
    def choice(c: Choice) -> ChoiceView:
        def f(name: str) -> Text:
            return t(f"choice:{c.id}", name, str(getattr(c, name)))

        return ChoiceView(c.id, c.kind, f("title"), f("explanation"), f("if_yes"), f("if_no"),
                          f("withdraw"), f("lawful_basis"), c.source_quote, c.implied,
                          f("implied_note"))

    choices = tuple(choice(c) for c in notice.choices)
    glossary = tuple(
        GlossaryView(t(f"glossary:{g.term}", "term", g.term),
                     t(f"glossary:{g.term}", "meaning", g.meaning), g.term)
        for g in notice.glossary
    )
    gaps = tuple(GapView(g.item, t(f"gap:{i}", "note", g.note), g.section)
                 for i, g in enumerate(notice.gaps))
    c = notice.council
    council = {"id": c.id, "name": c.name, "controller": c.controller, "dpo": c.dpo,
               "contact": c.contact, "ico": c.ico, "website": c.website}
    council_text = {name: t("council", name, getattr(c, name)) for name in ("dpo", "contact", "ico")}
    return NoticeView(notice.id, lang, t("notice", "title", notice.title), c.name, council,
                      notice.last_reviewed, sections, choices, glossary, gaps, council_text)
