"""What an information-governance lead signs, and what a translator reviews: the review pack.

``familyprivacy review-pack NOTICE [--lang L] -o FILE.html|.pdf`` lays out, per section,
the council's words, the plain English and (with ``--lang``) the translation side by
side; each choice with its kind, its lawful basis and the council's sentence it rests
on; the checker's findings; the sign-off state and a block to sign. The PDF is the same
HTML laid out by Qt (``ui/review_pdf.py``).

``--format po-report`` writes, for one language, a gettext catalog of just this
notice's entries, each with its English, its context, the glossary terms it uses and
its state, for a translator to open in their own tool (Poedit, Weblate, ...). A
translator marks an entry reviewed with a ``# reviewed`` comment in the language's
``content.po``; an entry whose English changes becomes fuzzy and loses that mark
(``make po``), so it counts as a draft again.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from familyprivacy import paths
from familyprivacy.content import signoff
from familyprivacy.content.localize import NoticeView
from familyprivacy.content.model import Notice

KIND_WORDS = {
    "data-consent": "data consent: consent is the lawful basis for this use",
    "service-agreement": "service agreement: agreeing to a voluntary service",
    "information-only": "information only: used without consent, as the council's text states; "
                        "the worker records it was explained",
}


@dataclass(frozen=True)
class Cell:
    text: str
    language: str
    status: str  # source | draft | reviewed | stale | missing | rejected
    rtl: bool = False


def _language(lang: str) -> Any:
    from familyprivacy.i18n import languages

    try:
        return languages.get(lang)
    except KeyError:
        return None


def glossary_terms(lang: str) -> dict[str, str]:
    """The language's glossary (translations/glossary/<lang>.tsv): English term -> agreed translation."""
    path = paths.translations_dir() / "glossary" / f"{lang}.tsv"
    terms: dict[str, str] = {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return terms
    for row in csv.reader(io.StringIO(text), delimiter="\t"):
        if len(row) >= 2 and row[0].strip() and not row[0].startswith("#"):
            terms[row[0].strip()] = row[1].strip()
    return terms


def pack(notice: Notice, lang: str | None = None) -> dict[str, Any]:
    """Everything the review pack shows, as plain data (the template only lays it out)."""
    from familyprivacy.content.check import check_notice
    from familyprivacy.content.localize import localize

    lang = None if lang in (None, "en") else lang
    view = localize(notice, lang) if lang else None
    language = _language(lang) if lang else None
    rtl = bool(language and language.rtl)

    def cell(text: Any) -> Cell | None:
        if text is None:
            return None
        return Cell(text.text, text.language, text.status, rtl and text.language == lang)

    sections = []
    for i, s in enumerate(notice.sections):
        shown = view.sections[i] if view else None
        sections.append({"id": s.id, "topic": s.topic, "title": s.title, "plain": s.plain,
                         "official": s.official, "covers": ", ".join(s.covers),
                         "title_t": cell(shown.title) if shown else None,
                         "plain_t": cell(shown.plain) if shown else None})
    choices = []
    for i, c in enumerate(notice.choices):
        shown_c = view.choices[i] if view else None
        fields = []
        for name, label in (("title", "Title"), ("explanation", "What it is"), ("if_yes", "If yes"),
                            ("if_no", "If no"), ("withdraw", "Changing your mind"),
                            ("lawful_basis", "Lawful basis (plain)")):
            english = str(getattr(c, name))
            if english:
                fields.append({"label": label, "english": english,
                               "t": cell(getattr(shown_c, name)) if shown_c else None})
        choices.append({"id": c.id, "kind": c.kind, "kind_words": KIND_WORDS.get(c.kind, c.kind),
                        "source_quote": c.source_quote, "implied": c.implied, "fields": fields})
    report = check_notice(notice)
    state = signoff.state(notice, [lang] if lang else [])
    scopes = [state.english] + ([state.languages[lang]] if lang else [])
    glossary = glossary_terms(lang) if lang else {}
    return {
        "notice": notice, "lang": lang, "language": language, "rtl": rtl,
        "language_name": (f"{language.english_name} ({language.native_name})" if language else "English"),
        "sections": sections, "choices": choices,
        "findings": report.failures, "gaps": report.gaps, "signoff_problem": state.problem,
        "scopes": [{"scope": s.scope, "describe": s.describe(), "signed": s.signed,
                    "fingerprint": s.fingerprint,
                    "command": (f"familyprivacy sign-off {notice.id}"
                                + ("" if s.scope == "en" else f" --lang {s.scope}")
                                + ' --by "NAME" --role "ROLE"')}
                   for s in scopes],
        "glossary": sorted(glossary.items()),
        "translation_counts": _counts(view) if view else None,
    }


def _counts(view: NoticeView) -> dict[str, int]:
    """How many of the view's texts are in each state (draft, reviewed, stale, missing, ...)."""
    return dict(Counter(t.status for t in view.texts() if t.text))


# The bundled Noto families (resources/fonts), for a browser showing the HTML; the PDF writer
# (ui/review_pdf.py) passes Qt's own list for the language.
DEFAULT_FAMILIES = ("Noto Sans, Noto Naskh Arabic, Noto Sans Bengali, Noto Sans Gurmukhi, "
                    "Noto Sans Gujarati, Noto Sans Ethiopic, sans-serif")
URDU_FAMILIES = "Noto Nastaliq Urdu, Noto Sans, sans-serif"


def render_html(notice: Notice, lang: str | None = None, translation_family: str = "") -> str:
    from familyprivacy.content.templating import environment

    data = pack(notice, lang)
    data["base_family"] = DEFAULT_FAMILIES
    data["translation_family"] = translation_family or (URDU_FAMILIES if lang == "ur" else DEFAULT_FAMILIES)
    return environment().get_template("review_pack.html").render(**data)


def po_report(notice: Notice, lang: str) -> str:
    """A gettext catalog of this notice's entries in ``lang``, for a translator's own tool."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from familyprivacy.content.localize import _t
    from familyprivacy.content.strings import content_strings

    glossary = glossary_terms(lang)
    catalog = Catalog(locale=lang.replace("-", "_"), project=f"FamilyPrivacy review: {notice.id}")
    for string in content_strings(notice):
        context = string.context(notice.id)
        found = _t(notice, string.part, string.field, string.english, lang)
        terms = [f"{en} = {tr}" for en, tr in glossary.items() if en.lower() in string.english.lower()]
        comments = [f"Part: {string.part}, field: {string.field}"]
        if string.comment:
            comments.append(string.comment)
        if terms:
            comments.append("Glossary: " + "; ".join(terms))
        comments.append(f"State: {found.status}" + (" (shown in English)" if found.language != lang else ""))
        translated = found.text if found.language == lang else ""
        user = ["reviewed"] if found.status == "reviewed" else []
        flags = ["fuzzy"] if found.status == "stale" else []
        catalog.add(string.english, translated, context=context, auto_comments=comments,
                    user_comments=user, flags=flags)
    out = io.BytesIO()
    write_po(out, catalog, width=None, include_previous=False)  # type: ignore[arg-type]
    return out.getvalue().decode("utf-8")


def write(notice: Notice, lang: str | None, fmt: str, target: Path) -> Path:
    """Write the pack as HTML, or the translator's report (po-report), to ``target``."""
    if fmt == "po-report":
        if not lang or lang == "en":
            raise ValueError("a po-report is for one language: give --lang")
        target.write_text(po_report(notice, lang), "utf-8")
        return target
    if fmt == "html":
        target.write_text(render_html(notice, lang), "utf-8")
        return target
    raise ValueError(f"unknown format {fmt!r}")  # the PDF is written by ui/review_pdf.py
