"""The accessibility audit (issue 18, WCAG 2.2 AA): every screen state of the app, in English and in Urdu
(right to left), as a screen reader, a keyboard user and a speech-control user meet it.

For each state: every control a person can use has an accessible name containing its visible label,
and the right role; headings are headings; no field is labelled only by its placeholder (tests/a11y.py,
``name_problems``); Tab reaches every control once (a radio group once), in the order the screen
reads (no step back along a row or up a column, mirrored right to left), and Tab and Shift+Tab both
come back round (no trap); no scroll area takes a Tab stop and the focus never lands out of view
(``keyboard_problems``); small targets are 24 by 24 at least and the splitter
moves from the keyboard (``target_problems``); the screen tells its language (``locale_problems``).
Then every status message (wrong passphrase, wrong PIN, form problems, "Saved", "Recorded", a sync
error, no language matching, a new topic) is announced to the screen reader (ui/access.announce).

Each state is also built with the text at 200% in a 1024 by 768 window, and no words may be cut off or
elided there (``clipping_problems``, 1.4.4). The worker's dialogs (sync set-up, the question before
a change is recorded, the idle-lock setting) name their buttons in the worker's language.

Run offscreen with accessibility on (QAccessible.setActive): what is checked is what Qt hands to
NVDA, Orca or VoiceOver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy import i18n, settings
from familyprivacy.consent import cli as records
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.store import Store
from familyprivacy.content.loader import LoadResult, load_all
from familyprivacy.ui.app import application, build_window
from familyprivacy.ui.main_window import MainWindow
from tests import a11y
from tests.test_record_flow import NOTICE, sign
from tests.waiting import HANG_GUARD_MS

PASSPHRASE = "kettle orbit mango quietly"
LANGUAGES = ("en", "ur")


@dataclass
class State:
    name: str
    screen: QWidget
    window: MainWindow


@pytest.fixture(autouse=True)
def _accessibility_on() -> Iterator[None]:
    QAccessible.setActive(True)
    yield


def _window(qtbot: QtBot, lang: str, with_store: bool = True, scale: float = 1.0,
            size: tuple[int, int] = (1100, 760)) -> MainWindow:
    """The app's window, locked as it opens, on the Stockton notice; the worker and the family both
    read ``lang``, with the text at ``scale`` (2.0 is 200%) in a window of ``size``."""
    if with_store:
        Store.create(records.new_store_path(), PASSPHRASE, "Sam Carter", KdfParams.fast_for_tests()).close()
    notice = load_all().by_id(NOTICE)
    prefs = settings.Loaded(settings.Settings(council=notice.council.id, worker_language=lang,
                                                      text_scale=scale))
    window = build_window(application(), LoadResult(notices=[notice]), prefs, lock=True)
    window.recorder.ask_skip = lambda seen, total: "The family has read this notice before"
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window, timeout=HANG_GUARD_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=HANG_GUARD_MS)
    return window


def _unlock(qtbot: QtBot, window: MainWindow) -> None:
    unlock = window.recorder.unlock_screen
    unlock.passphrase.setText(PASSPHRASE)
    unlock.do_unlock()
    assert not window.recorder.locked


def _topics(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    _unlock(qtbot, window)
    window.notice_picker.buttons[0].click()
    window.choose_language(lang)


def _flow(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    _topics(qtbot, window, lang)
    window.recorder.start_choices()


def _people(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    _flow(qtbot, window, lang)
    flow = window.recorder.flow
    while window.stack.currentWidget() is flow:
        flow.answer("given")
    people = window.recorder.people
    people.case_reference.setText("CH-777")
    people.people_rows[0].name.setText("Amelia Nowak")


def _review(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    _people(qtbot, window, lang)
    window.recorder.show_review()


def _saved(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    _review(qtbot, window, lang)
    review = window.recorder.review
    for pad in review.pads.values():
        pad.ensurePolished()
        sign(qtbot, pad, [(20, 40), (60, 80), (120, 60)])
    window.recorder.save()
    assert review.saved


def _records(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    _saved(qtbot, window, lang)
    window.new_visit()
    window.recorder.show_records()
    records_screen = window.recorder.records
    records_screen.table.setCurrentCell(0, 0)  # the first visit, opened (as a click on it does)


def _close(window: MainWindow) -> None:
    """Out of presentation, the records' sync stopped, and closed: as a test leaves a window."""
    if window.presenting:
        window.leave_presentation()
    if window.recorder._built_screen("records") is not None:
        window.recorder.records.stop_sync()
    window.close()


def _screen(window: MainWindow) -> QWidget:
    screen = window.stack.currentWidget()
    assert screen is not None
    return screen


def build(qtbot: QtBot, state: str, lang: str, scale: float = 1.0,
          size: tuple[int, int] = (1100, 760)) -> State:
    """The window in ``state``; the state's screen has been given the focus, as the app gives it."""
    window = _window(qtbot, lang, with_store=state != "create", scale=scale, size=size)
    i18n.set_language(lang)
    recorder = window.recorder
    screen: QWidget
    if state in ("unlock", "create", "unlock whose records"):
        screen = recorder.unlock_screen
        if state == "unlock whose records":  # one passphrase opens two workers' records: which?
            Store.create(records.new_store_path(), PASSPHRASE, "Sam Carter",
                         KdfParams.fast_for_tests()).close()
            screen.refresh()
            screen.passphrase.setText(PASSPHRASE)
            screen.do_unlock()
            assert screen.worker.isVisible()
    elif state == "council picker":
        _unlock(qtbot, window)
        window.show_council_picker()
        screen = window.council_picker
    elif state == "notice picker":
        _unlock(qtbot, window)
        window.show_notice_picker()
        screen = window.notice_picker
    elif state.startswith("language picker"):
        _unlock(qtbot, window)
        window.notice_picker.buttons[0].click()
        screen = window.language_picker
        if state == "language picker searching":  # the search field's clear button is shown
            window.language_picker.filter.setText("a")
    elif state.startswith("topic") or state == "presentation":
        _topics(qtbot, window, lang)
        view = window.topic_view
        if state == "topic exact words":
            for i in range(len(view.pages)):
                view.go(i)
                if view.official.isEnabled():
                    break
            view.official.setChecked(True)
        elif state == "topic alongside":
            view.alongside.setChecked(True)
        elif state == "presentation":
            window.enter_presentation()
            qtbot.waitUntil(lambda: window.isFullScreen() or window.presenting, timeout=HANG_GUARD_MS)
        screen = view
    elif state == "decision flow":
        _flow(qtbot, window, lang)
        screen = recorder.flow
    elif state.startswith("people form"):
        _people(qtbot, window, lang)
        screen = recorder.people
        if state == "people form said aloud":  # the witness's field is shown
            recorder.people.verbal.setChecked(True)
    elif state == "review and sign":
        _review(qtbot, window, lang)
        screen = recorder.review
    elif state == "summary":
        _saved(qtbot, window, lang)
        screen = recorder.review
    elif state == "records":
        _records(qtbot, window, lang)
        screen = recorder.records
    elif state == "PIN wall":
        _topics(qtbot, window, lang)
        window.enter_presentation()
        window.request_leave_presentation()
        screen = recorder.wall
    elif state == "sync setup":
        _records(qtbot, window, lang)
        from familyprivacy.ui.sync_setup import SyncSetupDialog
        session = recorder.session
        assert session is not None
        dialog = SyncSetupDialog(session.store, recorder.records)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog, timeout=HANG_GUARD_MS)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=HANG_GUARD_MS)
        dialog.address.setFocus(Qt.FocusReason.OtherFocusReason)
        return State(state, dialog, window)
    else:
        raise AssertionError(state)
    if state == "create":
        recorder.unlock_screen.show_create(True)
    if screen is not recorder.wall:
        assert window.stack.currentWidget() is screen, state
    screen.setFocus(Qt.FocusReason.OtherFocusReason)
    QApplication.processEvents()
    return State(state, screen, window)


STATES = ("unlock", "unlock whose records", "create", "council picker", "notice picker", "language picker",
          "language picker searching", "topic plain", "topic exact words", "topic alongside", "people form",
          "people form said aloud", "decision flow", "review and sign", "summary", "records", "sync setup",
          "PIN wall", "presentation")


@pytest.fixture(params=[(s, lang) for s in STATES for lang in LANGUAGES],
                ids=[f"{s.replace(' ', '-')}-{lang}" for s in STATES for lang in LANGUAGES])
def state(request: pytest.FixtureRequest, qtbot: QtBot) -> Iterator[State]:
    name, lang = request.param
    built = build(qtbot, name, lang)
    built.name = f"{name} ({lang})"
    yield built
    window = built.window
    _close(window)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, showing the sync dialog
def test_screen_state(state: State) -> None:
    """Every check on one screen state; the failure lists each problem, naming the screen and widget."""
    lang = state.name.rsplit("(", 1)[1].rstrip(")")
    problems = (a11y.name_problems(state.name, state.screen)
                + a11y.keyboard_problems(state.name, state.screen)
                + a11y.target_problems(state.name, state.screen)
                + a11y.locale_problems(state.name, state.screen, lang)
                + a11y.clipping_problems(state.name, state.screen))
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.qt_log_ignore("propagateSizeHints")
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", STATES)
def test_text_at_200_percent(qtbot: QtBot, name: str, lang: str) -> None:
    """1.4.4: with the text at 200% in a 1024 by 768 window, no words on the screen or on the bar above
    it are cut off or elided (at this size buttons once read "int the summa" and "ose recor", the
    passphrase advice lost all but one line, and the people form ran off the side)."""
    built = build(qtbot, name, lang, scale=2.0, size=(1024, 768))
    window = built.window
    try:
        QApplication.processEvents()
        label = f"{name} ({lang}) at 200%"
        problems = a11y.clipping_problems(label, built.screen)
        if window.bar.isVisible():
            problems += a11y.clipping_problems(f"{label}, the bar above", window.bar)
        assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    finally:
        _close(window)


def test_the_signature_pad_says_when_it_is_signed(qtbot: QtBot) -> None:
    """4.1.2: a pad's name is the sentence shown with it, and its state changes when signed (and cleared)."""
    window = _window(qtbot, "en")
    try:
        _review(qtbot, window, "en")
        review = window.recorder.review
        pad = next(iter(review.pads.values()))
        name = a11y.accessible_name(pad)
        assert "Amelia Nowak" in name, f"review and sign (en): the signature pad is named {name!r}"
        before = pad.accessibleDescription()
        sign(qtbot, pad, [(20, 40), (60, 80), (120, 60)])
        assert pad.accessibleDescription() != before, "review and sign (en): signing changes nothing said"
        pad.clear()
        assert pad.accessibleDescription() == before
    finally:
        window.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_window_around_the_screens(qtbot: QtBot, lang: str) -> None:
    """The controls outside the screens, under a topic: the presentation bar (text size, contrast,
    presenting; "Smaller text" was once named "Make the text smaller", finding 2.5.3), the choices
    button and the problems banner."""
    window = _window(qtbot, lang)
    try:
        i18n.set_language(lang)
        _topics(qtbot, window, lang)
        window.banner_box.setVisible(True)  # as when a file could not be used
        problems = (a11y.name_problems(f"presentation bar ({lang})", window.bar)
                    + a11y.name_problems(f"choices bar ({lang})", window.recorder.choices_bar)
                    + a11y.name_problems(f"problems banner ({lang})", window.banner_box))
        assert window.recorder.choices_button.isVisible()
        assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    finally:
        window.close()


# -- status messages ----------------------------------------------------------------------------------
def _wrong_passphrase(qtbot: QtBot, window: MainWindow) -> str:
    unlock = window.recorder.unlock_screen
    unlock.passphrase.setText("not the passphrase at all")
    unlock.do_unlock()
    return unlock.message.text()


def _wrong_pin(qtbot: QtBot, window: MainWindow) -> str:
    _topics(qtbot, window, i18n.current_language())
    window.enter_presentation()
    window.request_leave_presentation()
    wall = window.recorder.wall
    wall.secret.setText("0000")
    wall.attempt()
    return wall.message.text()


def _form_problems(qtbot: QtBot, window: MainWindow) -> str:
    _people(qtbot, window, i18n.current_language())
    people = window.recorder.people
    people.case_reference.clear()
    people.next.click()
    return people.problems.text()


def _saved_message(qtbot: QtBot, window: MainWindow) -> str:
    _saved(qtbot, window, i18n.current_language())
    return window.recorder.review.state.text()


def _recorded(qtbot: QtBot, window: MainWindow) -> str:
    _records(qtbot, window, i18n.current_language())
    screen = window.recorder.records
    screen.confirm = lambda _text: True
    screen.choice.setCurrentIndex(0)
    screen.new_status.setCurrentIndex(1)
    screen.who.setCurrentIndex(1)
    screen.how.setCurrentIndex(1)
    screen.record.click()
    return screen.change_message.text()


def _sync_error(qtbot: QtBot, window: MainWindow) -> str:
    _records(qtbot, window, i18n.current_language())
    screen = window.recorder.records
    screen.sync.click()
    qtbot.waitUntil(lambda: bool(screen.sync_state.text()), timeout=HANG_GUARD_MS)
    return screen.sync_state.text()


def _no_language(qtbot: QtBot, window: MainWindow) -> str:
    _unlock(qtbot, window)
    window.notice_picker.buttons[0].click()
    picker = window.language_picker
    picker.filter.setText("zzzz")
    return picker.none.text()


def _new_topic(qtbot: QtBot, window: MainWindow) -> str:
    _topics(qtbot, window, i18n.current_language())
    view = window.topic_view
    view.next.click()
    return view.progress_label.text()


MESSAGES: dict[str, Callable[[QtBot, MainWindow], str]] = {
    "wrong passphrase": _wrong_passphrase, "wrong PIN": _wrong_pin, "form problems": _form_problems,
    "saved": _saved_message, "recorded": _recorded, "sync error": _sync_error,
    "no language matches": _no_language, "new topic page": _new_topic,
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("message", list(MESSAGES))
def test_status_messages_are_announced(qtbot: QtBot, message: str, lang: str) -> None:
    window = _window(qtbot, lang)
    i18n.set_language(lang)
    try:
        with a11y.announcements() as heard:
            shown = MESSAGES[message](qtbot, window)
        assert shown, f"{message} ({lang}): no message was shown"
        assert a11y.announced(heard, shown), (
            f"{message} ({lang}): {shown!r} was shown but not announced (4.1.3); announced: {heard!r}")
    finally:
        _close(window)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_workers_dialogs(qtbot: QtBot, lang: str) -> None:
    """The question before a change is recorded, the idle-lock setting and the sync set-up speak the
    worker's language, buttons included (Qt's own button words have no Urdu: the sync set-up once
    said "Close"), and pass the same checks as the screens. No is the question's default."""
    from PySide6.QtWidgets import QMessageBox

    from familyprivacy.i18n import W_
    from familyprivacy.ui.lock_settings import LockSettingsDialog
    from familyprivacy.ui.sync_setup import SyncSetupDialog

    window = _window(qtbot, lang)
    try:
        _records(qtbot, window, lang)
        records_screen = window.recorder.records
        session = window.recorder.session
        assert session is not None
        question = records_screen.confirm_box("CH-777: Referral to Help and Support: Withdrawn")
        lock = LockSettingsDialog(5.0, window)
        sync = SyncSetupDialog(session.store, records_screen)
        expected = {"question": {W_("Yes"), W_("No")}, "idle lock": {W_("Save"), W_("Cancel")},
                    "sync set-up": {W_("Close"), W_("Enrol")}}
        problems = []
        for name, dialog in (("question", question), ("idle lock", lock), ("sync set-up", sync)):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog, timeout=HANG_GUARD_MS)
            label = f"{name} dialog ({lang})"
            words = {b.text().replace("&", "") for b in dialog.findChildren(QAbstractButton) if b.isVisible()}
            if words != expected[name]:
                problems.append(f"{label}: its buttons say {sorted(words)}, not {sorted(expected[name])}")
            if lang != "en" and words & {"Yes", "No", "Save", "Cancel", "Close", "OK"}:
                problems.append(f"{label}: a button is in English: {sorted(words)}")
            problems += a11y.name_problems(label, dialog) + a11y.locale_problems(label, dialog, lang)
            dialog.close()
        assert question.defaultButton() is question.button(QMessageBox.StandardButton.No)
        assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    finally:
        window.recorder.records.stop_sync()
        window.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_menus_and_the_question_before_the_choices(qtbot: QtBot, lang: str) -> None:
    """The menus are the worker's: every menu and item is named in the worker's language and tells it,
    each menu opens from the keyboard by its own letter (Alt+V, Alt+S), no two share one. The question
    asked when the choices come before every topic was shown is the worker's too, buttons included."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QAbstractButton

    from familyprivacy.i18n import W_

    window = _window(qtbot, lang)
    try:
        _unlock(qtbot, window)
        problems = []
        letters = []
        for menu in (window.visit_menu, window.settings_menu):
            title = menu.title()
            letter = QKeySequence.mnemonic(title).toString()
            if not letter:
                problems.append(f"menu {title!r} ({lang}): no letter to open it from the keyboard (2.1.1)")
            letters.append(letter)
            if menu.locale().name().split("_")[0] != lang:
                problems.append(f"menu {title!r} ({lang}): tells the locale {menu.locale().name()!r} (3.1.1)")
            for action in menu.actions():
                if not action.isSeparator() and not action.text().replace("&", "").strip():
                    problems.append(f"menu {title!r} ({lang}): an item with no name (4.1.2)")
        if len(set(letters)) != len(letters):
            problems.append(f"menus ({lang}): two menus open with the same letter {letters}")
        if window.menuBar().locale().name().split("_")[0] != lang:
            problems.append(f"menu bar ({lang}): tells the locale {window.menuBar().locale().name()!r}")

        dialog = window.recorder.skip_dialog(3, 10)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog, timeout=HANG_GUARD_MS)
        label = f"the question before the choices ({lang})"
        words = {b.text() for b in dialog.findChildren(QAbstractButton) if b.isVisible()}
        if words != {W_("Go on to the family's choices"), W_("Cancel")}:
            problems.append(f"{label}: its buttons say {sorted(words)}")
        problems += a11y.name_problems(label, dialog) + a11y.locale_problems(label, dialog, lang)
        dialog.close()
        assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    finally:
        window.close()
