"""One topic of a notice as an HTML page for QTextBrowser, from the autoescaped templates.

Kept free of Qt so the page a family sees can be checked as text: every content
string reaches the page through Jinja2's autoescaping, never as markup.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from familyprivacy.content.localize import GlossaryView, NoticeView, SectionView
from familyprivacy.content.topics import TOPICS
from familyprivacy.i18n import _, languages

log = logging.getLogger(__name__)

MODES = ("plain", "official", "alongside")


@dataclass(frozen=True)
class Page:
    topic: str
    title: str  # English, marked with N_ in content.topics; translated when shown
    icon: str
    section_ids: tuple[str, ...]


def pages(view: NoticeView) -> list[Page]:
    """The topics in the ten-topic vocabulary's order (content/topics.py), each with the notice's
    sections on it."""
    out = []
    for topic in TOPICS:
        ids = tuple(s.id for s in view.sections if s.topic == topic.id)
        if ids:
            out.append(Page(topic.id, topic.title, topic.icon, ids))
    return out


def direction(text: str) -> str:
    """``rtl`` or ``ltr`` from the first strong character, as HTML's ``dir="auto"`` decides.

    Qt's rich text has no ``dir="auto"``; without this, an English fallback inside a
    right-to-left page would have its full stop on the wrong side.
    """
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL", "RLE", "RLO", "RLI"):
            return "rtl"
        if kind in ("L", "LRE", "LRO", "LRI"):
            return "ltr"
    return ""


def tall(text: str) -> bool:
    """True when the text opens in a script that needs taller lines than Latin (Nastaliq, Bengali...)."""
    for ch in text:
        if ch.isalpha():
            return not unicodedata.name(ch, "LATIN").startswith(("LATIN", "CYRILLIC", "GREEK"))
    return False


def same_heading(a: str, b: str) -> bool:
    """True when two headings read the same, so the page shows only the first of them.

    A section called like its topic ("Your rights" under "Your rights") would otherwise
    be announced twice, once as the page title and again straight beneath it.
    """
    def key(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split()).rstrip(":.؛۔।").casefold()
    return bool(key(a)) and key(a) == key(b)


def _term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def glossing(glossary: tuple[GlossaryView, ...]) -> Callable[[str], list[tuple[str, str]]]:
    """Split text into (segment, meaning) pairs; meaning is "" outside glossary terms."""
    meanings = {g.term.text.casefold(): g.meaning.text for g in glossary}
    pattern = _term_pattern([g.term.text for g in glossary])

    def gloss(text: str) -> list[tuple[str, str]]:
        if pattern is None:
            return [(text, "")]
        out: list[tuple[str, str]] = []
        last = 0
        for m in pattern.finditer(text):
            if m.start() > last:
                out.append((text[last:m.start()], ""))
            out.append((m.group(0), meanings.get(m.group(0).casefold(), "")))
            last = m.end()
        if last < len(text):
            out.append((text[last:], ""))
        return out

    return gloss


def terms_used(glossary: tuple[GlossaryView, ...], sections: list[SectionView]) -> list[GlossaryView]:
    """The glossary entries whose term appears in these sections' plain words."""
    text = "\n".join(s.plain.text + "\n" + s.title.text for s in sections)
    return [g for g in glossary if (p := _term_pattern([g.term.text])) and p.search(text)]


def prepare() -> None:
    """Load Jinja2 and the page template ahead of the first page (about 45 ms).

    Called while the family reads the list of languages, so the first page follows their
    choice sooner. A template that cannot be loaded is left for the page itself to report.
    """
    from familyprivacy.content.templating import environment

    try:
        environment().get_template("topic.html")
    except Exception:
        log.debug("templates: not prepared ahead", exc_info=True)


def render_page(view: NoticeView, page: Page, mode: str, css: str,
                english: NoticeView | None = None, tall_height: int = 165, mark_drafts: bool = False) -> str:
    """The page's HTML in ``view.language``; ``english`` feeds the side-by-side mode.

    ``tall_height`` is the line height (%) for blocks in scripts taller than Latin.
    """
    if mode not in MODES:
        raise ValueError(f"unknown page mode {mode!r}")
    sections = [view.section(sid) for sid in page.section_ids]
    pairs = None
    if mode == "alongside":
        english = english or view
        pairs = [(s, english.section(s.id)) for s in sections]
    lang = view.language
    try:
        native = languages.get(lang).native_name
    except KeyError:
        native = lang
    gaps = [g for g in view.gaps if g.section in page.section_ids]
    page_title = _(page.title)
    # Section headings that only repeat the page's title; the English column compares with the English title.
    repeated = {s.id for s in sections if same_heading(s.title.text, page_title)}
    repeated_en = {e.id for _s, e in pairs or () if same_heading(e.title.text, page.title)}
    from familyprivacy.content.templating import environment  # Jinja loads with the first page, not at start

    template = environment().get_template("topic.html")
    return template.render(
        view=view, page_title=page_title, sections=sections, mode=mode, pairs=pairs,
        repeated=repeated, repeated_en=repeated_en,
        lang=lang, rtl=languages.is_rtl(lang), css=css, native=native,
        choices=view.choices if page.topic == "your-choices" else (),
        gaps=gaps, words=terms_used(view.glossary, sections), gloss=glossing(view.glossary),
        direction=direction, tall=tall, tall_height=int(tall_height), mark_drafts=mark_drafts, _=_,
    )
