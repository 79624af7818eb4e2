"""A visit in Arabic by keyboard alone: a sensible focus order, every control named in Arabic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy import i18n, settings
from familyprivacy.content.loader import load_all
from familyprivacy.ui.app import application, build_window
from familyprivacy.ui.main_window import MainWindow
from tests.waiting import HANG_GUARD_MS

NOTICE = "stockton-on-tees/childrens-social-care"


@pytest.fixture
def arabic(qtbot: QtBot) -> Iterator[MainWindow]:
    loaded = load_all()
    prefs = settings.Loaded(settings.Settings(council=loaded.by_id(NOTICE).council.id))
    window = build_window(application(), loaded, prefs)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_GUARD_MS)
    window.activateWindow()
    window.start_visit(NOTICE)
    yield window


def key(qtbot: QtBot, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QWidget:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, k, modifier)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def test_walk_a_visit_in_arabic_by_keyboard(qtbot: QtBot, arabic: MainWindow) -> None:
    picker = arabic.language_picker
    picker.filter.setFocus()
    picker.filter.setText("العربية")  # QTest types Latin-1 only; the picker filters the same way
    arabic_button = key(qtbot, Qt.Key.Key_Tab)
    assert getattr(arabic_button, "key", "") == "ar"
    key(qtbot, Qt.Key.Key_Enter)  # Enter chooses, as Space does
    view = arabic.topic_view
    assert arabic.stack.currentWidget() is view and i18n.current_language() == "ar"
    assert QApplication.focusWidget() is view.next  # the page opens with Next ready
    key(qtbot, Qt.Key.Key_Return)
    assert view.index == 1
    # Alt+Left moves towards Next, which sits on the left in Arabic; Alt+Right goes back.
    key(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.index == 2
    key(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.index == 1
    # From the topic list, Tab walks the screen as it reads: Language above the page, the page, then the
    # controls under it row by row (Back, the two views and Next on one row); Shift+Tab returns.
    view.topics.setFocus()
    key(qtbot, Qt.Key.Key_Down)
    assert view.index == 2
    controls = ([view.back, view.official, view.alongside, view.next] if view._one_row
                else [view.official, view.alongside, view.back, view.next])
    order = [key(qtbot, Qt.Key.Key_Tab) for _ in range(6)]
    assert order == [view.language, view.browser, *controls]
    back = [key(qtbot, Qt.Key.Key_Backtab) for _ in range(6)]
    assert back == [*reversed(controls[:-1]), view.browser, view.language, view.topics]
    # Every control on the way has a name a screen reader says in Arabic.
    i18n.set_language("en")
    english = {w: w.accessibleName() for w in [*order, view.topics]}
    i18n.set_language("ar")
    for widget, name in english.items():
        assert widget.accessibleName() and widget.accessibleName() != name, name
    # Space on a focused view button opens the council's exact words.
    view.official.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert view.mode == "official"
    assert i18n._("The council's exact words are in English. They are the official text.") in (
        view.browser.toPlainText())


def test_every_focusable_control_of_the_visit_is_named(qtbot: QtBot, arabic: MainWindow) -> None:
    arabic.choose_language("ar")
    unnamed = []
    for root in (arabic.topic_view, arabic.bar, arabic.language_picker):
        for w in root.findChildren(QWidget):
            takes_focus = w.focusPolicy() & Qt.FocusPolicy.TabFocus
            if takes_focus and w.isVisibleTo(arabic) and not w.accessibleName().strip():
                unnamed.append(f"{type(w).__name__} in {type(root).__name__}")
    assert unnamed == []
