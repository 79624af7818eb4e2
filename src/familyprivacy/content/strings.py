"""Every translatable string of a notice, with its context and a note for translators.

Used by the Babel extractor (to build ``translations/content.pot``), by
``localize`` (to look each string up) and by the coverage report, so the three
can never disagree about what needs translating.
"""

from __future__ import annotations

from dataclasses import dataclass

from familyprivacy.content.model import Notice
from familyprivacy.content.topics import TOPIC_BY_ID

CHOICE_FIELDS = ("title", "explanation", "if_yes", "if_no", "withdraw", "lawful_basis", "implied_note")


@dataclass(frozen=True)
class ContentString:
    part: str  # "notice", "section:<id>", "choice:<id>", "glossary:<term>", "gap:<n>"
    field: str
    english: str
    comment: str

    def context(self, notice_id: str) -> str:
        return f"{notice_id}|{self.part}|{self.field}"


def content_strings(notice: Notice) -> list[ContentString]:
    council = notice.council.name
    out = [ContentString("notice", "title", notice.title,
                         f"The title of {council}'s privacy notice.")]
    # How to reach the council, its Data Protection Officer and the ICO: the family's summary gives
    # these in their language. Names, addresses, phone numbers and e-mail addresses stay as they are.
    for field, what in (("dpo", "its Data Protection Officer"), ("contact", "the council"),
                        ("ico", "the Information Commissioner's Office")):
        english = getattr(notice.council, field)
        if english:
            out.append(ContentString("council", field, english,
                                     f"How to reach {what}, as {council}'s notice gives it. Keep every name, "
                                     "address, phone number and e-mail address exactly as written; "
                                     "translate the sentences around them."))
    for s in notice.sections:
        topic = TOPIC_BY_ID[s.topic].title
        out.append(ContentString(f"section:{s.id}", "title", s.title,
                                 f"Heading of a section under the topic '{topic}'."))
        out.append(ContentString(
            f"section:{s.id}", "plain", s.plain,
            f"Plain-language version for a family (reading age about 9), topic '{topic}'. "
            "Keep sentences short; keep '- ' bullets and blank lines between paragraphs."))
    for c in notice.choices:
        for name in CHOICE_FIELDS:
            text = str(getattr(c, name))
            if text:
                out.append(ContentString(f"choice:{c.id}", name, text,
                                         f"A family's choice ({c.kind}): the {name.replace('_', ' ')}."))
    for g in notice.glossary:
        out.append(ContentString(f"glossary:{g.term}", "term", g.term, "A glossary term."))
        out.append(ContentString(f"glossary:{g.term}", "meaning", g.meaning,
                                 f"Plain meaning of the glossary term '{g.term}'."))
    for i, gap in enumerate(notice.gaps):
        out.append(ContentString(f"gap:{i}", "note", gap.note,
                                 "Something the council's notice leaves out, stated plainly."))
    return out
