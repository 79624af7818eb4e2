"""Changing language at any moment re-renders everything on screen, and mirrors for right-to-left."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy import i18n
from familyprivacy.ui.main_window import MainWindow
from familyprivacy.ui.qt_translations import qm_for
from tests.test_ui_support import no_translations, notices, window
from tests.waiting import HANG_GUARD_MS

__all__ = ['no_translations', 'notices', 'window']  # pytest fixtures, shared


def visible_strings(root: QWidget) -> dict[str, str]:
    """Every string a person can see or hear right now, keyed by where it is."""
    out: dict[str, str] = {}
    widgets: list[QWidget] = [w for w in root.findChildren(QWidget) if w.isVisible()]
    for w in widgets:
        name = f"{type(w).__name__}:{id(w)}"
        if isinstance(w, (QLabel, QAbstractButton)) and w.text().strip():
            out[name] = w.text()
        if w.accessibleName():
            out[name + ":a11y"] = w.accessibleName()
    view = getattr(root, "topic_view", None)
    if view is not None and view.isVisible():
        for i in range(view.topics.count()):
            out[f"topic:{i}"] = view.topics.item(i).text()
        out["page"] = view.browser.toPlainText()
    out["title"] = root.windowTitle()
    return out


def open_visit(window: MainWindow, lang: str = "en") -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language(lang)


def test_switch_rerenders_every_visible_string(window: MainWindow) -> None:
    open_visit(window)
    window.topic_view.go(1)
    before = visible_strings(window)
    assert "Why we collect and use it" in before.values()
    window.set_language("en-XA")
    after = visible_strings(window)
    assert after.keys() == before.keys()
    unchanged = {k: v for k, v in before.items() if after[k] == v and any(c.isalpha() for c in v)}
    # Numbers-only texts aside, nothing may be left in the old language.
    assert unchanged == {}
    assert "[Ŵĥý ŵé çöļļéçţ åñð ûšé îţ" in after["page"]
    assert window.topic_view.index == 1  # the family stays where they were


def test_switch_from_the_topic_screen_goes_through_the_picker(qtbot: QtBot, window: MainWindow) -> None:
    open_visit(window, "pl")
    qtbot.mouseClick(window.topic_view.language, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.language_picker
    qtbot.mouseClick(next(b for b in window.language_picker.buttons if b.key == "en"),
                     Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.topic_view
    assert i18n.current_language() == "en"
    assert window.visit is not None and window.visit.languages_used == ["en", "pl"]


def test_right_to_left_mirrors_live_and_back(window: MainWindow) -> None:
    open_visit(window)
    view = window.topic_view
    next_x = view.next.mapTo(window, view.next.rect().center()).x()
    back_x = view.back.mapTo(window, view.back.rect().center()).x()
    assert back_x < next_x
    window.set_language("ar-XB")
    QApplication.processEvents()
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert view.back.mapTo(window, view.back.rect().center()).x() > \
        view.next.mapTo(window, view.next.rect().center()).x()
    assert view.topics.mapTo(window, view.topics.rect().center()).x() > window.width() // 2
    html = view.browser.toHtml()
    assert view.browser.document().defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft
    assert 'dir="rtl"' in html or "direction: rtl" in html.lower() or "\u202b" in view.browser.toPlainText()
    window.set_language("en")
    QApplication.processEvents()
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert view.back.mapTo(window, view.back.rect().center()).x() < \
        view.next.mapTo(window, view.next.rect().center()).x()


def test_real_rtl_language_mirrors_and_notes_the_english_fallback(window: MainWindow) -> None:
    open_visit(window, "ur")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # Every widget, made before or after the switch, is set in Nastaliq for Urdu.
    for widget in (window.topic_view.next, window.topic_view.topics, window.bar.bigger):
        assert widget.font().families()[:2] == ["Noto Sans", "Noto Nastaliq Urdu"]
    window.set_language("ar")
    assert "Noto Nastaliq Urdu" not in window.topic_view.next.font().families()
    # The language names keep their own fonts whatever the interface language.
    urdu = next(b for b in window.language_picker.buttons if b.key == "ur")
    arabic = next(b for b in window.language_picker.buttons if b.key == "ar")
    assert urdu.main_font().families()[1] == "Noto Nastaliq Urdu"
    assert "Noto Nastaliq Urdu" not in arabic.main_font().families()
    assert urdu.main_font().pointSizeF() > window.topic_view.next.font().pointSizeF()
    window.set_language("ur")
    # A line edit is as tall as its first font, and cuts off what goes beyond: in Urdu that is Nastaliq.
    field = window.language_picker.filter
    assert field.font().families()[0] == "Noto Nastaliq Urdu"
    assert field.fontMetrics().height() > 1.5 * window.topic_view.next.fontMetrics().height()
    from PySide6.QtWidgets import QComboBox, QGroupBox

    for other in (QComboBox(window), QGroupBox("x", window)):  # a form's relationship list, its group titles
        other.ensurePolished()
        assert other.font().families()[0] == "Noto Nastaliq Urdu", type(other).__name__
    text = window.topic_view.browser.toPlainText()
    # No Urdu translation exists yet: the English is shown, and the page says why (not "being updated").
    assert "We are the council. We help you." in text
    assert "This part has not been translated yet, so it is shown in English." in text
    assert "being updated" not in text
    assert window.visit is not None
    assert window.visit.languages_for("who-we-are") == ["en"]


def test_qt_own_buttons_follow_the_language(window: MainWindow) -> None:
    assert qm_for("pl") is not None and qm_for("so") is None
    open_visit(window, "pl")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    try:
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Anuluj"
        window.set_language("en")
        QApplication.processEvents()  # Qt delivers its LanguageChange through the event loop
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Cancel"
    finally:
        box.deleteLater()


def test_long_words_and_right_to_left_fit_without_clipping(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QPushButton

    open_visit(window)
    for lang in ("en-XA", "ar-XB"):
        window.set_language(lang)
        buttons = [b for b in window.findChildren(QPushButton) if b.isVisible()]
        assert len(buttons) > 8

        def all_fit() -> bool:
            return all(b.width() >= b.sizeHint().width() and b.height() >= b.sizeHint().height()
                       for b in buttons)  # noqa: B023 - checked before the loop moves on

        qtbot.waitUntil(all_fit, timeout=HANG_GUARD_MS)
        # Topic titles wrap rather than being cut off.
        view = window.topic_view
        rect = view.topics.visualItemRect(view.topics.item(1))
        assert rect.width() <= view.topics.viewport().width()


def test_language_names_cache_is_used_and_a_broken_one_is_rebuilt() -> None:
    from familyprivacy.i18n import languages

    languages.all_languages.cache_clear()
    try:
        first = languages.all_languages()
        cache = languages._names_cache()
        assert cache.is_file()
        cache.write_text("{not json", "utf-8")  # damaged: rebuilt from CLDR, nothing lost
        languages.all_languages.cache_clear()
        assert languages.all_languages() == first
        assert "ਪੰਜਾਬੀ" in cache.read_text("utf-8")
    finally:
        languages.all_languages.cache_clear()
