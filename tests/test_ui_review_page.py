"""The page a family reads, in every translated language: headings said once, words in their language."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from familyprivacy import i18n
from familyprivacy.content.loader import LoadResult, load_all
from familyprivacy.content.localize import localize
from familyprivacy.i18n import coverage
from familyprivacy.ui import fonts, theme
from familyprivacy.ui.topic_page import pages, render_page, same_heading

LANGS = coverage.translated_languages()
SCRIPTS = {"ar": "ARABIC", "ur": "ARABIC", "bn": "BENGALI", "pa": "GURMUKHI"}
HEADING = re.compile(r'<p class="(title|section|sub|sub en)"[^>]*>(.*?)</p>', re.S)


@pytest.fixture(scope="module")
def loaded() -> LoadResult:
    return load_all()


def headings(page_html: str, kinds: tuple[str, ...] = ("title", "section", "sub", "sub en")) -> list[str]:
    return [html.unescape(m.group(2)).strip() for m in HEADING.finditer(page_html) if m.group(1) in kinds]


def test_the_translations_under_review_are_installed() -> None:
    assert {"pl", "ro", "pa", "ur", "pt", "es", "ar", "bn"} <= set(LANGS)


def test_same_heading_ignores_case_spacing_and_a_final_stop() -> None:
    assert same_heading("Your rights", "your  rights")
    assert same_heading("Your rights:", "Your rights")
    assert same_heading("آپ کے حقوق۔", "آپ کے حقوق")
    assert not same_heading("Your rights", "Your other rights")
    assert not same_heading("", "")


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_no_section_heading_repeats_its_topic(loaded: LoadResult, lang: str) -> None:
    """"Your rights" under "Your rights" was shown twice, one heading straight under the other."""
    i18n.set_language(lang)
    css = theme.page_css(False, 1.0, fonts.css_font_family(lang))
    checked = 0
    for notice in loaded.notices:
        view, english = localize(notice, lang), localize(notice, "en")
        for page in pages(view):
            for mode in ("plain", "alongside"):
                found = headings(render_page(view, page, mode, css, english))
                title, rest = found[0], found[1:]
                assert not any(same_heading(title, h) for h in rest), (notice.id, page.topic, mode)
                checked += 1
    assert checked == 2 * sum(len(pages(localize(n, lang))) for n in loaded.notices)


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_other_section_headings_stay(loaded: LoadResult, lang: str) -> None:
    i18n.set_language(lang)
    notice = loaded.by_id("stockton-on-tees/childrens-social-care")
    view = localize(notice, lang)
    page = next(p for p in pages(view) if p.topic == "your-rights")
    found = headings(render_page(view, page, "plain", ""), ("title", "section"))
    titles = [view.section(s).title.text for s in page.section_ids]
    assert same_heading(titles[0], found[0])  # "Your rights", once, as the page's title
    assert found[1:] == titles[1:]  # "Getting a copy of your information", "Changing your mind"


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_is_in_the_family_language(loaded: LoadResult, lang: str) -> None:
    """Title, headings and notes come from the language's catalogs; the words are in its script."""
    i18n.set_language(lang)
    english_title = "Your rights"
    for notice in loaded.notices:
        view = localize(notice, lang)
        page = next(p for p in pages(view) if p.topic == "your-rights")
        page_html = render_page(view, page, "plain", "")
        title = headings(page_html)[0]
        assert title != english_title and title == i18n._(english_title)
        fallbacks = [view.section(s).plain for s in page.section_ids if view.section(s).plain.fallback]
        if fallbacks:
            # A part with no translation, or one out of date, is shown in English, and says which.
            note = ("This part has not been translated yet, so it is shown in English."
                    if fallbacks[0].status == "missing" else
                    "A translation of this part is being updated, so it is shown in English.")
            assert i18n._(note) in html.unescape(page_html)
        elif lang in SCRIPTS:
            text = re.sub(r"<[^>]+>", " ", page_html.split("<body", 1)[1])
            letters = [c for c in html.unescape(text) if c.isalpha()]
            own = [c for c in letters if unicodedata.name(c, "").startswith(SCRIPTS[lang])]
            # Names of councils, laws and offices stay in English; the rest is in the family's script.
            assert len(own) > 0.6 * len(letters), (notice.id, len(own), len(letters))


@pytest.mark.parametrize("lang", ["ur", "pl"])
def test_alongside_columns_follow_the_reading_direction(loaded: LoadResult, lang: str) -> None:
    i18n.set_language(lang)
    notice = loaded.by_id("stockton-on-tees/childrens-social-care")
    view, english = localize(notice, lang), localize(notice, "en")
    page = next(p for p in pages(view) if p.topic == "your-rights")
    page_html = render_page(view, page, "alongside", "", english)
    head = re.search(r"<tr>(.*?)</tr>", page_html, re.S)
    assert head is not None
    # Qt lays tables out left to right: the family's column goes on the right in a right-to-left page.
    cells = re.findall(r'<th[^>]*align="(\w+)"[^>]*>(.*?)</th>', head.group(1))
    family = (("right" if lang == "ur" else "left"), "اردو" if lang == "ur" else "Polski")
    assert cells == ([("left", "English"), family] if lang == "ur" else [family, ("left", "English")])
    # English headings keep their weight beside Nastaliq ones, which are never bold.
    assert 'class="sub en"' in page_html
    assert ".en { font-weight: bold; }" in theme.page_css(False, 1.0, "x", bold_headings=False)


def test_line_height_is_comfortable_not_double() -> None:
    """Qt's line-height is a share of the font's own spacing (1.36 em in Noto Sans, 2.5 in Nastaliq)."""
    assert fonts.line_height_percent("pl") == 115  # about 1.55 em
    assert fonts.line_height_percent("bn") == fonts.line_height_percent("pa") == 120
    assert 100 <= fonts.line_height_percent("ur") <= 125
    assert "line-height: 115%" in theme.page_css(False, 1.0, "x")
