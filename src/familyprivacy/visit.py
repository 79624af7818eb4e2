"""One visit's session: the notice, the language, and what the family was shown in which language.

The consent record proves what a family saw; this is where that proof is
gathered, as plain data with no Qt, so it can be tested and stored anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from familyprivacy.content.localize import NoticeView


@dataclass(frozen=True)
class Shown:
    section_id: str
    language: str  # the language the plain words were actually shown in (English on fallback)
    requested: str  # the language the family chose
    view: str  # "plain", "official" or "alongside"
    at: str  # ISO 8601 UTC


@dataclass
class Visit:
    notice_id: str
    language: str = "en"
    started: str = field(default_factory=lambda: _now())
    shown: list[Shown] = field(default_factory=list)
    languages_used: list[str] = field(default_factory=list)
    views: dict[str, NoticeView] = field(default_factory=dict, repr=False)  # language -> what was shown
    # Why the choices were reached before every topic was shown (the worker's recorded reason), or None.
    reading_skipped: str | None = None

    def __post_init__(self) -> None:
        if self.language not in self.languages_used:
            self.languages_used.append(self.language)

    @property
    def fingerprints(self) -> dict[str, str]:
        """Language -> fingerprint of the content shown in it; hashed when asked for (views are
        immutable, so it is the same as at the time, and hashing a whole view is not free)."""
        return {lang: view.fingerprint for lang, view in self.views.items()}

    def set_language(self, code: str) -> None:
        self.language = code
        if code not in self.languages_used:
            self.languages_used.append(code)

    def record(self, view: NoticeView, section_ids: list[str] | tuple[str, ...], how: str = "plain"
               ) -> None:
        """Note that these sections of ``view`` were put in front of the family just now."""
        if view.notice_id != self.notice_id:
            raise ValueError("the view belongs to another notice than this visit")
        self.views.setdefault(view.language, view)
        now = _now()
        for sid in section_ids:
            section = view.section(sid)
            shown_in = "en" if how == "official" else section.plain.language
            self.shown.append(Shown(sid, shown_in, view.language, how, now))

    def sections_viewed(self) -> list[str]:
        """Section ids in the order first seen."""
        seen: dict[str, None] = {}
        for s in self.shown:
            seen.setdefault(s.section_id)
        return list(seen)

    def languages_for(self, section_id: str) -> list[str]:
        """The languages a section was actually shown in, in order first seen."""
        out: dict[str, None] = {}
        for s in self.shown:
            if s.section_id == section_id:
                out.setdefault(s.language)
        return list(out)

    def summary(self) -> dict[str, object]:
        return {
            "notice": self.notice_id,
            "language": self.language,
            "languages_used": list(self.languages_used),
            "fingerprints": dict(self.fingerprints),
            "sections": {sid: self.languages_for(sid) for sid in self.sections_viewed()},
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
