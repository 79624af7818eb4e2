"""WCAG 2.2.1: the idle lock warns 30 seconds ahead and is put off by any key or the warning's button;
while presenting, a moment's loss of focus (a notification) does not lock; the wall says why it locked;
the council sets the minutes in a worker's dialog. Timers are fired directly: no test waits on the clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy import settings
from familyprivacy.ui import idle_lock
from familyprivacy.ui.app import application
from familyprivacy.ui.idle_lock import AWAY, IDLE, SYSTEM, IdleLock, IdleWarning
from familyprivacy.ui.main_window import MainWindow
from tests.test_record_flow import host
from tests.test_record_visit import PASSPHRASE, _locked_window, _unlock_and_open, visible_text
from tests.test_ui_support import no_translations

__all__ = ["no_translations"]
LEFT = Qt.MouseButton.LeftButton
HOUR = 60.0


def _app() -> QApplication:
    return application()


@pytest.fixture
def idle() -> Iterator[IdleLock]:
    lock = IdleLock(_app(), minutes=HOUR, grace_seconds=3)
    yield lock
    lock.close()


@pytest.fixture
def locked_window(qtbot: QtBot, no_translations: None) -> Iterator[MainWindow]:
    yield from _locked_window(qtbot)


def test_the_warning_comes_thirty_seconds_before_the_lock(idle: IdleLock) -> None:
    warnings: list[bool] = []
    idle.warning_changed.connect(warnings.append)
    idle.start()
    assert idle.timer.interval() - idle.warn_timer.interval() == 30_000
    assert idle.seconds_left_at_warning == 30
    assert idle.warn_timer.isActive() and not idle.warning
    idle.warn_timer.timeout.emit()
    assert idle.warning and warnings == [True] and idle.active  # warned, not yet locked
    idle.timer.timeout.emit()
    assert not idle.active and not idle.warning and warnings == [True, False]
    assert idle.reason == IDLE


def test_a_lock_shorter_than_the_warning_is_warned_of_halfway() -> None:
    lock = IdleLock(_app(), minutes=0.5 / 60, warning_seconds=30)  # half a second
    try:
        assert lock.warn_timer.interval() == 250
    finally:
        lock.close()


def test_any_key_puts_the_lock_off_and_types_nothing(qtbot: QtBot, idle: IdleLock) -> None:
    field = QLineEdit()
    _win = host(qtbot, field)
    field.setFocus()
    idle.start()
    idle.warn_timer.timeout.emit()
    assert idle.warning
    qtbot.waitUntil(lambda: idle.timer.remainingTime() < idle.timer.interval())
    before = idle.timer.remainingTime()
    qtbot.keyClick(field, Qt.Key.Key_A)
    assert not idle.warning and idle.active
    assert idle.timer.remainingTime() >= before  # the full time again
    assert field.text() == "", "the key that put the lock off typed nothing"
    qtbot.keyClick(field, Qt.Key.Key_B)  # no warning up: keys type as usual
    assert field.text() == "b"


def test_the_warnings_button_puts_the_lock_off(qtbot: QtBot, idle: IdleLock) -> None:
    parent = QWidget()
    _win = host(qtbot, parent)
    warning = IdleWarning(idle, parent)
    said: list[str] = []
    warning.announce = lambda _widget, text: said.append(text)
    idle.start()
    idle.warn_timer.timeout.emit()
    assert warning.isVisible()
    assert warning.message.text() == ("This screen will lock in 30 seconds. Press any key to keep it open.")
    assert said == [warning.message.text()], "told to the screen reader as it shows"
    assert warning.keep.text() == "Keep it open"
    warning.keep.click()
    assert not warning.isVisible() and not idle.warning and idle.active


def test_the_warning_speaks_the_readers_language(idle: IdleLock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The family's language (``_``) while presenting; the worker's (``W_``) otherwise."""
    parent = QWidget()
    warning = IdleWarning(idle, parent)
    monkeypatch.setattr(idle_lock, "ngettext", lambda one, many, n: "FAMILY {seconds}")
    monkeypatch.setattr(idle_lock, "W_ngettext", lambda one, many, n: "WORKER {seconds}")
    monkeypatch.setattr(idle_lock, "_", lambda text: "family button")
    monkeypatch.setattr(idle_lock, "W_", lambda text: "worker button")
    warning.retranslate()
    assert (warning.message.text(), warning.keep.text()) == ("WORKER 30", "worker button")
    idle.presenting = True
    warning.retranslate()
    assert (warning.message.text(), warning.keep.text()) == ("FAMILY 30", "family button")
    parent.deleteLater()


def test_presenting_a_moments_loss_of_focus_does_not_lock(qtbot: QtBot, idle: IdleLock) -> None:
    inactive, active = Qt.ApplicationState.ApplicationInactive, Qt.ApplicationState.ApplicationActive
    idle.presenting = True
    idle.start()
    with qtbot.assertNotEmitted(idle.lock_now):
        idle.state_changed(inactive)  # a notification takes the focus …
        assert idle.grace_timer.isActive() and idle.grace_timer.interval() == 3000
        idle.state_changed(active)  # … and gives it back within the grace
        assert not idle.grace_timer.isActive() and idle.active
    reasons: list[str] = []
    idle.locked_because.connect(reasons.append)
    idle.state_changed(inactive)  # another window, and it stays
    with qtbot.waitSignal(idle.lock_now):
        idle.grace_timer.timeout.emit()
    assert reasons == [AWAY] and not idle.active


def test_not_presenting_or_in_own_dialog_no_grace_is_started(idle: IdleLock) -> None:
    idle.start()
    idle.state_changed(Qt.ApplicationState.ApplicationInactive)
    assert not idle.grace_timer.isActive() and idle.active


def test_suspended_locks_at_once_and_says_so(qtbot: QtBot, idle: IdleLock) -> None:
    idle.start()
    with qtbot.waitSignal(idle.locked_because) as blocker:
        idle.state_changed(Qt.ApplicationState.ApplicationSuspended)
    assert blocker.args == [SYSTEM]


def test_reason_texts() -> None:
    assert idle_lock.reason_text(IDLE, 5) == "Locked after 5 minutes without use."
    assert idle_lock.reason_text(IDLE, 1) == "Locked after 1 minute without use."
    assert idle_lock.reason_text(AWAY, 5) == "Locked because another window was opened."
    assert "sleep" in idle_lock.reason_text(SYSTEM, 5)
    assert idle_lock.reason_text("", 5) == ""


# -- in the window ------------------------------------------------------------------------------------
def test_the_wall_says_why_it_locked(qtbot: QtBot, locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    extras = window.lock_extras
    said: list[str] = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr("familyprivacy.ui.lock_settings.announce", lambda _w, text: said.append(text))
    try:
        _unlock_and_open(qtbot, window)
        assert recorder.idle.grace_timer.interval() == 3000  # the app's grace while presenting
        recorder.idle.timer.timeout.emit()  # five minutes without use
        assert recorder.locked and window.stack.currentWidget() is recorder.wall
        assert extras.reason.isVisible() and extras.reason.text() == "Locked after 5 minutes without use."
        assert said and said[-1].endswith("Locked after 5 minutes without use.")
        assert "Locked after 5 minutes without use." in visible_text(window)
        qtbot.keyClicks(recorder.wall.secret, PASSPHRASE)
        qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
        assert not recorder.locked and not extras.reason.isVisible()
        window.enter_presentation()
        recorder.idle.state_changed(Qt.ApplicationState.ApplicationInactive)
        assert not recorder.locked  # the grace: a notification may take the focus for a moment
        recorder.idle.grace_timer.timeout.emit()
        assert recorder.locked and extras.reason.text() == "Locked because another window was opened."
        qtbot.keyClicks(recorder.wall.secret, PASSPHRASE)
        qtbot.keyClick(recorder.wall.secret, Qt.Key.Key_Return)
        window.leave_presentation()
        recorder.lock()  # the worker's own Ctrl+L: no reason to give
        assert recorder.locked and not extras.reason.isVisible()
    finally:
        monkey.undo()


def test_the_warning_shows_over_the_window_and_a_key_keeps_it_open(qtbot: QtBot,
                                                                   locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    warning = window.lock_extras.warning
    warning.announce = lambda _widget, _text: None
    recorder.idle.warn_timer.timeout.emit()
    assert warning.isVisible() and warning.parentWidget() is window
    assert "lock in 30 seconds" in visible_text(window)
    qtbot.keyClick(window.topic_view, Qt.Key.Key_Space)
    assert not warning.isVisible() and not recorder.locked and recorder.idle.active


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, on showing a dialog
def test_settings_idle_lock_dialog_sets_and_saves_the_minutes(qtbot: QtBot,
                                                              locked_window: MainWindow) -> None:
    window, recorder = locked_window, locked_window.recorder
    extras = window.lock_extras
    _unlock_and_open(qtbot, window)
    assert extras.action in window.settings_menu.actions() and extras.action.isEnabled()
    assert extras.action.text() == "&Idle lock…"
    dialog = extras.open_dialog()
    assert dialog.minutes.value() == 5
    assert (dialog.minutes.minimum(), dialog.minutes.maximum()) == (1, 60)
    assert dialog.minutes.accessibleName() == "Minutes without use before the records lock (1 to 60):"
    dialog.minutes.setValue(99)  # out of bounds: held to the most allowed
    assert dialog.minutes.value() == 60
    dialog.minutes.setValue(12)
    dialog.accept()
    assert window.settings.idle_lock_minutes == 12.0
    assert settings.load().settings.idle_lock_minutes == 12.0  # saved with the laptop's settings
    assert recorder.idle.timer.interval() == 12 * 60_000 and recorder.idle.active
    window.enter_presentation()
    assert not extras.action.isEnabled()  # the family cannot reach it
    window.leave_presentation()
    open_again = extras.open_dialog()
    recorder.idle.timer.timeout.emit()  # a lock closes the dialog: nothing stays over the wall
    assert open_again.result() == QDialog.DialogCode.Rejected and not open_again.isVisible()
    assert not extras.action.isEnabled()


def test_settings_bounds_are_the_dialogs() -> None:
    assert (settings.IDLE_LOCK_MIN_MINUTES, settings.IDLE_LOCK_MAX_MINUTES) == (1.0, 60.0)
    with pytest.raises(settings.SettingsError, match="from 1 to 60"):
        settings.Settings().with_changes(idle_lock_minutes=61)
    with pytest.raises(settings.SettingsError):
        settings.Settings().with_changes(idle_lock_minutes=0.5)


def test_input_behind_another_window_does_not_cancel_the_grace(qtbot: QtBot, idle: IdleLock) -> None:
    """A mouse passing over the family's screen behind another window is input, but the app is still
    not active: the lock still comes."""
    field = QLineEdit()
    _win = host(qtbot, field)
    idle.presenting = True
    idle.start()
    idle.state_changed(Qt.ApplicationState.ApplicationInactive)
    qtbot.mouseMove(field)
    qtbot.keyClick(field, Qt.Key.Key_A)
    assert idle.grace_timer.isActive()
    with qtbot.waitSignal(idle.lock_now):
        idle.grace_timer.timeout.emit()


def test_the_warning_stays_inside_the_window_when_it_changes_size(qtbot: QtBot,
                                                                  locked_window: MainWindow) -> None:
    """Placed while the window was wide, then the window narrowed (presenting goes full screen): the
    warning was cut off at the window's edge."""
    window, recorder = locked_window, locked_window.recorder
    _unlock_and_open(qtbot, window)
    warning = window.lock_extras.warning
    warning.announce = lambda _widget, _text: None
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: window.width() == 1600)
    recorder.idle.warn_timer.timeout.emit()
    window.resize(window.minimumSizeHint().width(), 900)
    qtbot.waitUntil(lambda: window.width() < 1000)
    assert warning.isVisible()
    assert 0 <= warning.x() and warning.x() + warning.width() <= window.width(), warning.geometry()
