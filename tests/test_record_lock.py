"""Unlocking, the presentation wall, the wait after wrong attempts, and the idle lock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from familyprivacy.consent import cli as records
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.store import Store
from familyprivacy.ui.idle_lock import IdleLock
from familyprivacy.ui.pin_wall import Backoff, PinWall
from familyprivacy.ui.unlock_screen import UnlockScreen, WorkerSession, strength
from tests.test_record_flow import host
from tests.test_ui_support import no_translations

__all__ = ["no_translations"]
LEFT = Qt.MouseButton.LeftButton
GOOD = "kettle orbit mango quietly"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_strength_guidance() -> None:
    assert strength("short")[0] == 0
    assert strength("password123")[0] == 1
    assert strength("aaaaaaaaaaaa")[0] <= 1
    assert strength(GOOD)[0] >= 3
    assert "word" in strength("Tr1cky!x")[1]


def test_first_run_creates_then_unlocks_each_workers_own_records(qtbot: QtBot, no_translations: None) -> None:
    screen = UnlockScreen(kdf=KdfParams.fast_for_tests)
    _win = host(qtbot, screen)
    assert screen.pages.currentWidget() is screen.create_page  # nobody set up yet
    assert not screen.cancel_create.isVisible()
    qtbot.keyClicks(screen.name, "Sam Carter")
    qtbot.keyClicks(screen.new_passphrase, "abc")
    assert screen.meter.value() == 0 and "8 characters" in screen.advice.text()
    screen.new_passphrase.clear()
    qtbot.keyClicks(screen.new_passphrase, GOOD)
    qtbot.keyClicks(screen.confirm, GOOD + "x")
    qtbot.mouseClick(screen.create_button, LEFT)
    assert "differ" in screen.message.text() and not records.store_path("Sam Carter").exists()
    screen.confirm.setText(GOOD)
    qtbot.keyClicks(screen.new_pin, "2468")
    with qtbot.waitSignal(screen.unlocked) as got:
        qtbot.mouseClick(screen.create_button, LEFT)
    session = got.args[0]
    assert isinstance(session, WorkerSession) and session.store.worker_name() == "Sam Carter"
    assert session.check("2468") and not session.check("1357") and session.check(GOOD)
    assert not session.check("2468", allow_pin=False)
    session.store.close()

    Store.create(records.store_path("Kim Lee"), "another strong one here", "Kim Lee",
                 KdfParams.fast_for_tests()).close()
    screen.refresh()
    assert screen.pages.currentWidget() is screen.unlock_page
    assert screen.worker.isVisible() and [screen.worker.itemText(i) for i in range(2)] == ["Kim Lee",
                                                                                           "Sam Carter"]
    screen.worker.setCurrentText("Kim Lee")
    qtbot.keyClicks(screen.passphrase, GOOD)  # Sam's passphrase does not open Kim's records
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert "not right" in screen.message.text()
    screen.worker.setCurrentText("Sam Carter")
    qtbot.keyClicks(screen.passphrase, GOOD)
    with qtbot.waitSignal(screen.unlocked) as got:
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert got.args[0].store.worker_name() == "Sam Carter"
    assert got.args[0].pin_hash is None
    got.args[0].store.close()


def test_a_damaged_store_is_reported_and_left_alone(qtbot: QtBot, no_translations: None) -> None:
    path = records.store_path("Sam Carter")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 100)
    screen = UnlockScreen(kdf=KdfParams.fast_for_tests)
    _win = host(qtbot, screen)
    assert screen.pages.currentWidget() is screen.unlock_page
    qtbot.keyClicks(screen.passphrase, GOOD)
    with qtbot.assertNotEmitted(screen.unlocked):
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert "cannot be opened" in screen.message.text() and GOOD not in screen.message.text()
    assert path.read_bytes() == b"not a database at all" * 100


def test_five_wrong_attempts_bring_an_increasing_wait(qtbot: QtBot, no_translations: None) -> None:
    clock = Clock()
    wall = PinWall(Backoff(clock))
    _win = host(qtbot, wall)
    wall.arm(lambda secret: secret == "2468", passphrase_only=False, can_cancel=True)
    for _ in range(4):
        qtbot.keyClicks(wall.secret, "0000")
        qtbot.keyClick(wall.secret, Qt.Key.Key_Return)
        assert wall.secret.isEnabled() and "not right" in wall.message.text()
    qtbot.keyClicks(wall.secret, "0000")
    qtbot.keyClick(wall.secret, Qt.Key.Key_Return)
    assert not wall.secret.isEnabled() and not wall.unlock.isEnabled()
    assert "Wait 30 seconds" in wall.message.text()
    # The right PIN during the wait is refused too.
    wall.secret.setText("2468")
    with qtbot.assertNotEmitted(wall.unlocked):
        wall.attempt()
    clock.now += 30
    wall.refresh()
    assert wall.secret.isEnabled()
    qtbot.keyClicks(wall.secret, "1111")
    qtbot.keyClick(wall.secret, Qt.Key.Key_Return)
    assert "Wait 60 seconds" in wall.message.text()  # doubled
    clock.now += 60
    wall.refresh()
    qtbot.keyClicks(wall.secret, "2468")
    with qtbot.waitSignal(wall.unlocked):
        qtbot.keyClick(wall.secret, Qt.Key.Key_Return)
    assert wall.backoff.failures == 0


def test_wall_without_cancel_after_an_idle_lock(qtbot: QtBot, no_translations: None) -> None:
    wall = PinWall()
    _win = host(qtbot, wall)
    wall.arm(lambda secret: False, passphrase_only=True, can_cancel=False)
    assert not wall.cancel.isVisible() and "passphrase" in wall.prompt.text()
    wall.arm(lambda secret: False, passphrase_only=False, can_cancel=True)
    assert wall.cancel.isVisible()
    with qtbot.waitSignal(wall.cancelled):
        qtbot.mouseClick(wall.cancel, LEFT)


def test_idle_lock_fires_after_quiet_and_input_postpones_it(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    idle = IdleLock(app, minutes=0.004)  # 240 ms
    try:
        idle.start()
        assert idle.active
        with qtbot.waitSignal(idle.lock_now, timeout=2000):
            pass
        assert not idle.active
        idle.set_minutes(0.05)  # 3 s: only the state changes below may lock now
        idle.start()
        with qtbot.assertNotEmitted(idle.lock_now, wait=100):
            idle.state_changed(Qt.ApplicationState.ApplicationInactive)  # not presenting: no lock
        idle.presenting = True
        with qtbot.waitSignal(idle.lock_now, timeout=100):
            idle.state_changed(Qt.ApplicationState.ApplicationInactive)
        idle.start()
        with qtbot.waitSignal(idle.lock_now, timeout=100):
            idle.state_changed(Qt.ApplicationState.ApplicationSuspended)
    finally:
        idle.close()


def test_input_keeps_the_app_unlocked(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wall = PinWall()
    _win = host(qtbot, wall)
    idle = IdleLock(app, minutes=1)
    try:
        idle.start()
        qtbot.wait(300)
        assert idle.timer.remainingTime() < 59_800
        qtbot.keyClick(wall.secret, Qt.Key.Key_A)  # any input starts the minute again
        assert idle.timer.remainingTime() > 59_800
        qtbot.wait(300)
        qtbot.mouseMove(wall.secret)
        assert idle.timer.remainingTime() > 59_800
        idle.stop()  # locked: input no longer starts the countdown, and events are not watched
        qtbot.keyClick(wall.secret, Qt.Key.Key_B)
        assert not idle.active
    finally:
        idle.close()


def test_unlock_wait_is_told_in_the_right_plural(qtbot: QtBot) -> None:
    from familyprivacy import i18n

    Store.create(records.store_path("Kim Lee"), GOOD, "Kim Lee", KdfParams.fast_for_tests()).close()
    clock = Clock()
    screen = UnlockScreen(kdf=KdfParams.fast_for_tests, backoff=Backoff(clock))
    _win = host(qtbot, screen)
    for _ in range(5):
        screen.backoff.failed()  # the fifth brings the first wait, 30 s
    screen.do_unlock()
    assert screen.message.text() == "Too many wrong attempts. Wait 30 seconds."
    clock.now += 29.5
    screen.do_unlock()
    assert screen.message.text() == "Too many wrong attempts. Wait 1 second."
    i18n.set_language("pl")  # Polish has three forms; "2" takes the second, "5" the third
    clock.now -= 1.0
    screen.do_unlock()
    two = screen.message.text()
    clock.now -= 3.0
    screen.do_unlock()
    five = screen.message.text()
    assert "2" in two and "5" in five and two.replace("2", "") != five.replace("5", "")
