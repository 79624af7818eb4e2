"""What the page shows: escaped content, nothing loaded from outside, glossary and notes in place."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from familyprivacy.content.loader import LoadResult
from familyprivacy.content.localize import localize
from familyprivacy.ui import theme
from familyprivacy.ui.main_window import MainWindow
from familyprivacy.ui.safe_browser import SafeBrowser
from familyprivacy.ui.topic_page import pages, render_page
from familyprivacy.visit import Visit
from tests.test_ui_support import no_translations, notices, window
from tests.waiting import HANG_GUARD_MS

__all__ = ['no_translations', 'notices', 'window']  # pytest fixtures, shared

HOSTILE = ('<img src="file:///etc/passwd"><script>alert("x")</script>'
           '<a href="https://example.invalid/">click</a> &amp; {name}')


def test_hostile_content_shows_as_text(qtbot: QtBot, notices: LoadResult, tmp_path: Path) -> None:
    notice = notices.by_id("example/test")
    first = dataclasses.replace(notice.sections[0], plain=HOSTILE, title="<b>bold?</b>")
    hostile = dataclasses.replace(notice, sections=(first, *notice.sections[1:]))
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    view = localize(hostile, "en")
    html = render_page(view, pages(view)[0], "plain", theme.page_css(False, 1.0, "sans-serif"))
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    browser.show_page(html, rtl=False)
    text = browser.toPlainText()
    assert HOSTILE in text
    assert "<b>bold?</b>" in text
    assert browser.document().allFormats()  # rendered, not an empty document


def test_browser_loads_nothing_and_follows_no_links(qtbot: QtBot, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", "utf-8")
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    assert not browser.openLinks() and not browser.openExternalLinks()
    url = QUrl.fromLocalFile(str(secret))
    assert browser.loadResource(QTextDocument.ResourceType.HtmlResource.value, url) is None
    browser.show_page('<p>page</p><a href="https://example.invalid/">go</a>', rtl=False)
    browser.setSource(url)
    browser.setSource(QUrl("https://example.invalid/"))
    text = browser.toPlainText()
    assert "SECRET" not in text and "page" in text and "go" in text


def test_exact_words_note_and_glossary(qtbot: QtBot, window: MainWindow) -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("pl")
    view = window.topic_view
    text = view.browser.toPlainText()
    assert "Words we use" not in text or "council" in text
    assert "The local government for your area." in text  # the glossary term, explained in place
    assert "class=\"term\"" in render_page(view.view(), view.pages[0], "plain", "")
    view.official.click()
    text = view.browser.toPlainText()
    assert "Example Council is the data controller." in text
    assert "The council's exact words are in English. They are the official text." in text
    view.alongside.click()
    assert view.mode == "alongside" and not view.official.isChecked()
    text = view.browser.toPlainText()
    assert "Polski" in text and "English" in text
    assert window.visit is not None
    hows = {s.view for s in window.visit.shown}
    assert hows == {"plain", "official", "alongside"}


def test_english_alongside_is_off_for_english(window: MainWindow) -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("en")
    assert not window.topic_view.alongside.isEnabled()
    assert "Official text" not in window.topic_view.browser.toPlainText()


def test_visit_records_sections_and_languages(window: MainWindow) -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("en-XA")
    window.topic_view.go(2)
    visit = window.visit
    assert isinstance(visit, Visit)
    assert visit.sections_viewed() == ["who-we-are", "what-we-collect"]
    assert visit.languages_for("what-we-collect") == ["en-XA"]
    window.set_language("pl")  # no Polish content translation yet: shown in English
    assert visit.languages_for("what-we-collect") == ["en-XA", "en"]
    assert set(visit.fingerprints) == {"en-XA", "pl"}


def _sizes(browser: SafeBrowser) -> list[float]:
    sizes = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        if not it.atEnd():
            sizes.append(it.fragment().charFormat().font().pointSizeF())  # the size drawn
        block = block.next()
    return sizes


def test_page_style_reaches_the_page_and_scales(qtbot: QtBot, notices: LoadResult) -> None:
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    view = localize(notices.by_id("example/test"), "ur")
    page = pages(view)[0]
    found = []
    for scale in (1.0, 2.0):
        css = theme.page_css(False, scale, "Noto Sans, Noto Nastaliq Urdu, sans-serif")
        html = render_page(view, page, "plain", css, tall_height=125)
        assert "&#39;" not in html and "&#34;" not in html  # the style is not mangled by escaping
        browser.show_page(html, rtl=True)
        found.append(_sizes(browser))
    (h1, *rest), (h1_big, *rest_big) = found
    assert h1 > max(rest)  # the topic title is the largest text
    assert h1_big == 2 * h1 or abs(h1_big - 2 * h1) <= 1
    assert max(rest_big) > 1.8 * max(rest)


def test_english_alongside_puts_the_family_language_on_the_reading_side(notices: LoadResult) -> None:
    notice = notices.by_id("example/test")
    english = localize(notice, "en")
    for lang, family_first in (("pl", True), ("ar-XB", False), ("ur", False)):
        view = localize(notice, lang)
        html = render_page(view, pages(view)[0], "alongside", "", english)
        family = html.index(">Polski<" if lang == "pl" else ">Pseudo RTL<" if lang == "ar-XB" else ">اردو<")
        assert (family < html.index(">English<")) is family_first, lang


def _glossary_page(qtbot: QtBot) -> SafeBrowser:
    """A page shown with one glossary word, "council", meaning "The local government."."""
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    browser.resize(600, 300)
    browser.show()
    qtbot.waitExposed(browser, timeout=HANG_GUARD_MS)
    browser.show_page('<p>We are the <span class="term" title="The local government.">council</span> '
                      'and we help.</p>', rtl=False)
    return browser


def test_glossary_meaning_shows_on_hover(qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint

    browser = _glossary_page(qtbot)
    cursor = browser.document().find("council")
    cursor.setPosition(cursor.selectionStart() + 2)
    assert browser.meaning_at(browser.cursorRect(cursor).center()) == "The local government."
    assert browser.meaning_at(QPoint(5, 250)) == ""


def test_glossary_meaning_from_the_keyboard_stays_until_dismissed(qtbot: QtBot,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """WCAG 1.4.13 and 2.1.1: the caret moved onto a glossary word (arrow keys in the page) shows its
    meaning and a screen reader is told it; the meaning stays up (Qt's default took it away after about
    10 seconds) until the caret leaves the word, and goes when the page loses the focus."""
    from PySide6.QtCore import Qt as QtCore_Qt

    from familyprivacy.ui import safe_browser
    from tests import a11y

    shown: list[tuple[str, int]] = []
    hidden: list[bool] = []
    monkeypatch.setattr(safe_browser.QToolTip, "showText",
                        lambda _pos, text, _w=None, _rect=None, ms=-1: shown.append((text, ms)))
    monkeypatch.setattr(safe_browser.QToolTip, "hideText", lambda: hidden.append(True))
    browser = _glossary_page(qtbot)
    browser.setFocus()
    qtbot.waitUntil(browser.hasFocus, timeout=HANG_GUARD_MS)
    start = browser.document().find("council").selectionStart()
    with a11y.announcements() as heard:
        for _ in range(start + 2):  # the caret walks along the line, as the arrow key moves it
            qtbot.keyClick(browser, QtCore_Qt.Key.Key_Right)
    assert shown and shown[-1][0] == "The local government.", shown
    assert shown[-1][1] >= 60_000, "the meaning stays up, not for Qt's 10 seconds"
    assert "The local government." in heard
    for _ in range(len("council") - 1):  # to just after the space that follows the word
        qtbot.keyClick(browser, QtCore_Qt.Key.Key_Right)
    assert hidden, "leaving the word takes its meaning away"
    hidden.clear()
    before = len(shown)
    qtbot.keyClick(browser, QtCore_Qt.Key.Key_Left)  # back onto the word's last letter
    assert len(shown) == before + 1 and shown[-1][0] == "The local government."
    browser.clearFocus()
    assert hidden, "the meaning goes with the focus"
