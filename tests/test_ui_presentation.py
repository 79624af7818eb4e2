"""Presentation mode: full screen, bigger type, no menus, records or settings within reach."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from familyprivacy import settings
from familyprivacy.ui import theme
from familyprivacy.ui.main_window import MainWindow
from tests.test_ui_support import no_translations, notices, window
from tests.waiting import HANG_GUARD_MS

__all__ = ['no_translations', 'notices', 'window']  # pytest fixtures, shared

LEFT = Qt.MouseButton.LeftButton


def open_visit(window: MainWindow) -> None:
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("en")


def test_presentation_hides_menus_and_settings(qtbot: QtBot, window: MainWindow) -> None:
    open_visit(window)
    normal_point = QApplication.font().pointSizeF()
    qtbot.mouseClick(window.bar.present, LEFT)
    assert window.presenting
    assert window.isFullScreen()
    assert not window.menuBar().isVisible()
    assert not window.banner_box.isVisible()
    assert not any(a.isEnabled() for a in window.worker_actions)
    assert not window.language_picker.back.isVisible()  # no way back to the notice list
    assert not window.topic_view.alongside.isVisible()  # English alongside is the worker's view
    # Nothing is cut off on the family's screen (an 800-pixel-wide offscreen screen), once the
    # layout has settled: the presentation bar moves to two rows to make room.
    buttons = [b for b in window.topic_view.findChildren(QPushButton) + window.bar.findChildren(QPushButton)
               if b.isVisible()]

    def all_fit() -> bool:
        return all(b.width() >= b.sizeHint().width() for b in buttons)

    qtbot.waitUntil(all_fit, timeout=HANG_GUARD_MS)
    assert QApplication.font().pointSizeF() > normal_point
    # The family cannot close the window either.
    window.close()
    assert window.isVisible()
    # Leaving goes through the one guarded method.
    calls: list[str] = []
    original = window.leave_presentation
    window.leave_presentation = lambda: (calls.append("leave"), original())  # type: ignore[method-assign]
    qtbot.mouseClick(window.bar.present, LEFT)
    assert calls == ["leave"]
    assert not window.presenting and window.menuBar().isVisible()
    assert all(a.isEnabled() for a in window.worker_actions)


def test_text_size_scales_page_and_controls(qtbot: QtBot, window: MainWindow) -> None:
    open_visit(window)
    view = window.topic_view
    before_font = QApplication.font().pointSizeF()
    before_height = view.browser.document().size().height()
    qtbot.mouseClick(window.bar.bigger, LEFT)
    qtbot.mouseClick(window.bar.bigger, LEFT)
    assert window.bar.scale == 1.5
    assert QApplication.font().pointSizeF() == before_font * 1.5
    assert view.browser.document().size().height() > before_height * 1.2
    assert settings.load().settings.text_scale == 1.5  # remembered
    # Nothing clips: every button is at least as big as its text needs.
    QApplication.processEvents()
    for button in (view.next, view.back, view.official, view.alongside, window.bar.bigger):
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())
        assert button.height() >= button.fontMetrics().height()
    assert window.visit is not None
    shown = len(window.visit.shown)
    qtbot.mouseClick(window.bar.smaller, LEFT)
    assert len(window.visit.shown) == shown  # a size change shows nothing new to record
    qtbot.mouseClick(window.bar.bigger, LEFT)
    while window.bar.bigger.isEnabled():
        qtbot.mouseClick(window.bar.bigger, LEFT)
    assert window.bar.scale == 2.0
    while window.bar.smaller.isEnabled():
        qtbot.mouseClick(window.bar.smaller, LEFT)
    assert window.bar.scale == 1.0


def test_high_contrast_reaches_widgets_and_page(qtbot: QtBot, window: MainWindow) -> None:
    open_visit(window)
    qtbot.mouseClick(window.bar.contrast, LEFT)
    assert settings.load().settings.high_contrast
    assert QApplication.palette().color(QApplication.palette().ColorRole.Window).name() == \
        theme.HIGH_CONTRAST.window
    assert theme.HIGH_CONTRAST.text in window.topic_view.browser.toHtml().lower()
    qtbot.mouseClick(window.bar.contrast, LEFT)
    assert QApplication.palette().color(QApplication.palette().ColorRole.Window).name() == theme.CALM.window


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QListWidget, QTextBrowser

    open_visit(window)
    for screen in (window.topic_view, window.bar, window.language_picker, window.notice_picker,
                   window.council_picker):
        for kind in (QAbstractButton, QLineEdit, QListWidget, QTextBrowser):
            for control in screen.findChildren(kind):
                if isinstance(control, QAbstractButton) and not control.text() and \
                        not control.accessibleName():
                    continue  # Qt's own inner buttons (a line edit's clear button) name themselves
                assert control.accessibleName(), f"{type(control).__name__} in {type(screen).__name__}"
