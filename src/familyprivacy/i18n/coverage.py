"""How much of each language is translated: per notice, and for the interface.

Counts what a family would really see: an entry that is stale (its English
changed), rejected (placeholders or markup differ) or missing is shown in
English, so it does not count as covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from familyprivacy import paths
from familyprivacy.content.model import Notice
from familyprivacy.content.strings import content_strings
from familyprivacy.i18n import catalogs
from familyprivacy.i18n.catalogs import translated_languages as translated_languages  # re-exported


@dataclass
class Coverage:
    total: int = 0
    translated: int = 0
    reviewed: int = 0
    stale: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def add(self, status: str, label: str) -> None:
        self.total += 1
        if status in ("draft", "reviewed"):
            self.translated += 1
            self.reviewed += status == "reviewed"
        elif status == "stale":
            self.stale.append(label)
        elif status == "rejected":
            self.rejected.append(label)
        else:
            self.missing.append(label)


def ui_messages() -> list[tuple[str | None, str]]:
    """(context, msgid) of every interface string, from the extracted template."""
    from babel.messages.pofile import read_po  # the check command's, not the app's start-up

    pot = paths.translations_dir() / "familyprivacy.pot"
    if not pot.is_file():
        return []
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    out: list[tuple[str | None, str]] = []
    for m in catalog:
        if m.id:
            msgid = m.id[0] if isinstance(m.id, (tuple, list)) else m.id
            out.append((m.context, str(msgid)))
    return out


def notice_coverage(notice: Notice, lang: str) -> Coverage:
    cov = Coverage()
    for s in content_strings(notice):
        found = catalogs().lookup("content", s.english, s.context(notice.id), lang)
        cov.add(found.status, f"{s.part}|{s.field}")
    return cov


def ui_coverage(lang: str) -> Coverage:
    cov = Coverage()
    for context, msgid in ui_messages():
        found = catalogs().lookup("familyprivacy", msgid, context, lang)
        cov.add(found.status, msgid[:50])
    return cov


def coverage_table(notices: list[Notice], languages: list[str]) -> dict[str, dict[str, Coverage]]:
    """{language: {"interface" or notice id: Coverage}}."""
    table: dict[str, dict[str, Coverage]] = {}
    for lang in languages:
        row = {"interface": ui_coverage(lang)}
        for notice in notices:
            row[notice.id] = notice_coverage(notice, lang)
        table[lang] = row
    return table


def po_path(lang: str, domain: str) -> Path:
    return paths.translations_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
