"""A council can ask for sections whose translation is a draft to be marked as such."""

from __future__ import annotations

from familyprivacy import i18n
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.settings import SettingsError, validate
from familyprivacy.ui.topic_page import pages, render_page

MARK = "Draft translation: a qualified translator has not checked it yet."


def test_draft_sections_marked_only_when_the_council_asks() -> None:
    notice = load_all().by_id("essex/childrens-services")
    i18n.set_language("pl")
    view = localize(notice, "pl")
    page = pages(view)[0]
    assert view.section(page.section_ids[0]).plain.status == "draft"
    marked = render_page(view, page, "plain", "", mark_drafts=True)
    plain = render_page(view, page, "plain", "", mark_drafts=False)
    polish_mark = i18n._(MARK)
    assert polish_mark != MARK  # the note itself is in the family's language
    assert polish_mark in marked and polish_mark not in plain
    english = render_page(localize(notice, "en"), page, "plain", "", mark_drafts=True)
    i18n.set_language("en")
    assert MARK not in english  # English is the source, never a draft


def test_setting_is_validated() -> None:
    assert validate({"mark_draft_translations": True}).mark_draft_translations
    try:
        validate({"mark_draft_translations": "yes"})
    except SettingsError as exc:
        assert "mark_draft_translations" in str(exc)
    else:
        raise AssertionError("a non-boolean setting must be refused")
