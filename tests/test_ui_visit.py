"""A whole visit, as a caseworker and a family do it: by mouse, and by keyboard alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyprivacy import settings
from familyprivacy.content.loader import LoadResult
from familyprivacy.ui.main_window import MainWindow
from tests.test_ui_support import make_window, no_translations, notices, window
from tests.waiting import HANG_GUARD_MS

__all__ = ['no_translations', 'notices', 'window']  # pytest fixtures, shared

LEFT = Qt.MouseButton.LeftButton


def button_for(buttons: list, key: str):  # type: ignore[no-untyped-def]
    (found,) = [b for b in buttons if b.key == key]
    return found


def test_whole_visit_by_clicks(qtbot: QtBot, window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.council_picker
    qtbot.mouseClick(button_for(window.council_picker.buttons, "example"), LEFT)
    assert settings.load().settings.council == "example"
    # Redcar-style: the council has two notices, and only its own are offered.
    assert sorted(b.key for b in window.notice_picker.buttons) == ["example/test", "example/two"]
    qtbot.mouseClick(button_for(window.notice_picker.buttons, "example/test"), LEFT)
    assert window.stack.currentWidget() is window.language_picker
    assert window.language_picker.visible_codes()[0] == "en"
    qtbot.mouseClick(button_for(window.language_picker.buttons, "en"), LEFT)
    view = window.topic_view
    assert window.stack.currentWidget() is view
    assert "Who we are" in view.browser.toPlainText()
    for _ in range(len(view.pages) - 1):
        qtbot.mouseClick(view.next, LEFT)
    assert not view.next.isEnabled()
    assert view.visited == set(range(10))
    assert view.progress.value() == 10
    assert "Your choices" in view.browser.toPlainText()
    assert window.visit is not None
    assert len(window.visit.sections_viewed()) == 10
    qtbot.mouseClick(view.back, LEFT)
    assert view.index == 8


def test_whole_visit_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    def key(k: Qt.Key, widget=None) -> None:  # type: ignore[no-untyped-def]
        qtbot.keyClick(widget or QApplication.focusWidget(), k)

    # The first council button has focus after a Tab from the window.
    window.council_picker.buttons[0].setFocus()
    assert QApplication.focusWidget() is window.council_picker.buttons[0]
    key(Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.notice_picker
    assert QApplication.focusWidget() is window.notice_picker.buttons[0]
    key(Qt.Key.Key_Space)
    # The family types part of a name, in English or in their own script, and presses Enter.
    picker = window.language_picker
    picker.filter.setFocus()
    qtbot.keyClicks(picker.filter, "pol")
    assert picker.visible_codes() == ["pl"]
    picker.filter.setText("pa")  # Panjabi and Pashto begin so; Español only contains it
    assert picker.visible_codes() == ["pa", "ps", "es"]
    picker.filter.setText("ਪੰਜਾ")  # the family's own script works too
    assert picker.visible_codes() == ["pa"]
    picker.filter.setText("pol")
    key(Qt.Key.Key_Return, picker.filter)
    view = window.topic_view
    assert window.stack.currentWidget() is view
    assert QApplication.focusWidget() is view.next
    for _ in range(4):
        key(Qt.Key.Key_Space)
    assert view.index == 4
    # Tab moves through the controls under the page in reading order, row by row.
    view.browser.setFocus()
    order = []
    for _ in range(4):
        key(Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == ([view.back, view.official, view.alongside, view.next] if view._one_row
                     else [view.official, view.alongside, view.back, view.next])
    view.official.setFocus()
    key(Qt.Key.Key_Space)
    assert view.mode == "official"
    assert "The council's exact words are in English" in view.browser.toPlainText()
    view.topics.setFocus()
    key(Qt.Key.Key_Down)
    assert view.index == 5
    assert view.mode == "plain"


def test_first_run_skipped_once_council_is_saved(qtbot: QtBot, notices: LoadResult) -> None:
    settings.save(settings.Settings(council="other"))
    win = make_window(qtbot, notices, settings.load())
    assert win.stack.currentWidget() is win.notice_picker
    assert [b.key for b in win.notice_picker.buttons] == ["other/one"]


def test_demo_shows_every_council(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.council_picker.demo, LEFT)
    assert len(window.notice_picker.buttons) == 3
    assert "ar-XB" in window.language_picker.visible_codes()


def test_broken_notice_is_reported_calmly_and_the_rest_work(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from familyprivacy.content.loader import load_notices
    from tests.notice_factory import notice_toml, write_notice

    write_notice(tmp_path / "good")
    write_notice(tmp_path / "bad", text=notice_toml("example/bad").replace("[council]", "[council"))
    loaded = load_notices([tmp_path])
    win = make_window(qtbot, loaded)
    assert win.banner_box.isVisible()
    assert not win.problems.isVisible()
    qtbot.mouseClick(win.details, LEFT)
    assert win.problems.isVisible()
    text = win.problems.text()
    assert "bad/test.toml" in text and "not valid TOML" in text
    qtbot.mouseClick(win.details, LEFT)
    assert not win.problems.isVisible()
    win.choose_council("example")
    assert [b.key for b in win.notice_picker.buttons] == ["example/test"]


def test_new_visit_returns_to_the_worker_language(qtbot: QtBot, window: MainWindow) -> None:
    from familyprivacy import i18n

    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("ar-XB")
    window.new_visit_action.trigger()
    assert i18n.current_language() == "en"
    assert window.visit is None
    assert window.stack.currentWidget() is window.notice_picker
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    window.start_visit("example/two")
    window.choose_language("pl")
    assert window.topic_view.notice is not None and window.topic_view.notice.id == "example/two"
    assert window.topic_view.index == 0


def test_the_first_page_is_laid_out_at_the_size_it_is_shown(qtbot: QtBot, window: MainWindow) -> None:
    """The topic view is shown before its first page is set: set while it still had its unshown
    size, the page was laid out twice: in Nastaliq, a third of the family's wait."""
    widths: list[int] = []
    browser = window.topic_view.browser
    original = browser.show_page

    def recording(html: str, rtl: bool) -> None:
        widths.append(browser.viewport().width())
        original(html, rtl)

    browser.show_page = recording  # type: ignore[method-assign]
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("pl")
    qtbot.waitUntil(lambda: browser.viewport().isVisible(), timeout=HANG_GUARD_MS)
    assert widths, "the page was not drawn"
    # At the width it is shown, less the scroll bar that a page longer than the window then takes.
    shown = browser.viewport().width()
    assert widths[0] in (shown, shown + browser.verticalScrollBar().sizeHint().width()), (widths, shown)


def test_a_new_visit_leaves_nothing_of_the_last_one(qtbot: QtBot, window: MainWindow) -> None:
    """The next family sees none of the last family's pages, and the last visit's record of
    what was shown is not added to when the next family chooses their language."""
    window.choose_council("example")
    window.start_visit("example/test")
    window.choose_language("pl")
    last = window.visit
    assert last is not None and last.shown and window.topic_view.browser.toPlainText().strip()
    shown = list(last.shown)
    window.new_visit_action.trigger()
    assert window.topic_view.visit is None and window.topic_view.pages == []
    assert window.topic_view.browser.toPlainText() == ""
    assert window.topic_view.topics.count() == 0
    window.start_visit("example/two")
    window.choose_language("ar-XB")
    assert last.shown == shown
    assert window.visit is not last and window.visit is not None and window.visit.shown
