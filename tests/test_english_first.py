"""A notice can ship in English before its translations: a family who chooses Polish is told, in
Polish, which parts have not been translated yet (not that they are "being updated"), every English
part of the page is tagged as English, and "English alongside" does not set English beside itself."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from familyprivacy import i18n
from familyprivacy.content.loader import load_all, load_notices
from familyprivacy.content.localize import localize
from familyprivacy.content.model import Notice
from familyprivacy.content.render import render_html
from familyprivacy.ui.topic_page import pages, render_page
from tests.notice_factory import write_notice

NOT_YET = "This part has not been translated yet, so it is shown in English."
UPDATING = "A translation of this part is being updated, so it is shown in English."
NONE_BESIDE = "There is no translation of this part yet. The English is beside it."


@pytest.fixture
def english_only(tmp_path: Path) -> Notice:
    write_notice(tmp_path / "example")
    (notice,) = load_notices([tmp_path]).notices
    assert notice.translated == ()
    return notice


@pytest.fixture(autouse=True)
def _english_afterwards() -> object:
    yield
    i18n.set_language("en")


def _english_blocks(page: str) -> list[str]:
    """The text of every element holding one of the notice's English sentences."""
    return re.findall(r"<(?:p|li|h2|h3|dt|dd|ul)\b([^>]*)>[^<]*We are the council", page)


@pytest.mark.parametrize("lang", ["pl", "ur"])
def test_the_html_page_says_in_the_familys_language_what_is_not_translated(english_only: Notice,
                                                                           lang: str) -> None:
    i18n.set_language(lang)
    page = html.unescape(render_html(localize(english_only, lang)))
    assert f'<html lang="{lang}"' in page
    assert page.count(i18n._(NOT_YET)) == len(english_only.sections) + 1  # each section, and the gaps
    assert i18n._(NOT_YET) != NOT_YET  # said in the family's language
    assert i18n._(UPDATING) not in page
    attributes = _english_blocks(page)
    assert attributes and all('lang="en"' in a for a in attributes), attributes
    # Headings, the contents list, the gaps: every English part is tagged, none left in lang=pl.
    for heading in re.findall(r"<h2 id=\"h-[^\"]+\"([^>]*)>", page):
        assert 'lang="en"' in heading
    assert re.search(r'<li lang="en" dir="ltr"><a href="#who-we-are">', page)


def test_a_translated_notice_has_no_such_notes() -> None:
    notice = next(n for n in load_all().notices if "pl" in n.translated)
    i18n.set_language("pl")
    page = html.unescape(render_html(localize(notice, "pl")))
    assert i18n._(NOT_YET) not in page and 'lang="en" dir="ltr"><a' not in page


@pytest.mark.parametrize("lang", ["pl", "ar"])
def test_english_alongside_does_not_set_english_beside_itself(english_only: Notice, lang: str) -> None:
    i18n.set_language(lang)
    view, english = localize(english_only, lang), localize(english_only, "en")
    page = next(p for p in pages(view) if p.topic == "who-we-are")
    alongside = html.unescape(render_page(view, page, "alongside", "", english=english))
    assert alongside.count("We are the council. We help you.") == 1  # in the English column only
    assert i18n._(NONE_BESIDE) in alongside and i18n._(NONE_BESIDE) != NONE_BESIDE
    plain = html.unescape(render_page(view, page, "plain", ""))
    assert i18n._(NOT_YET) in plain
    assert all('lang="en"' in a for a in _english_blocks(plain))
