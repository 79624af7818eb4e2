"""Unlocking, the presentation wall, the wait after wrong attempts, and the idle lock."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
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
from tests.waiting import HANG_GUARD_MS

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
    assert "differ" in screen.message.text() and records.store_paths() == []
    screen.confirm.setText(GOOD)
    qtbot.keyClicks(screen.new_pin, "2468")
    with qtbot.waitSignal(screen.unlocked) as got:
        qtbot.mouseClick(screen.create_button, LEFT)
    session = got.args[0]
    assert isinstance(session, WorkerSession) and session.store.worker_name() == "Sam Carter"
    assert session.check("2468") and not session.check("1357") and session.check(GOOD)
    assert not session.check("2468", allow_pin=False)
    session.store.close()
    # no name in any path: the folder's name is random, the name is inside the store, encrypted
    assert [p.parent.name for p in records.store_paths()] == [session.store.path.parent.name]
    assert "sam" not in str(session.store.path.relative_to(records.workers_dir())).casefold()

    Store.create(records.new_store_path(), "another strong one here", "Kim Lee",
                 KdfParams.fast_for_tests()).close()
    screen.refresh()
    assert screen.pages.currentWidget() is screen.unlock_page
    assert not screen.worker.isVisible() and screen.worker.count() == 0  # nobody's name before unlocking
    qtbot.keyClicks(screen.passphrase, "not anyone's passphrase")
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert "not right" in screen.message.text()
    qtbot.keyClicks(screen.passphrase, "another strong one here")  # Kim's opens Kim's records, not Sam's
    with qtbot.waitSignal(screen.unlocked) as got:
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert got.args[0].store.worker_name() == "Kim Lee"
    got.args[0].store.close()
    qtbot.keyClicks(screen.passphrase, GOOD)
    with qtbot.waitSignal(screen.unlocked) as got:
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert got.args[0].store.worker_name() == "Sam Carter"
    assert got.args[0].pin_hash is None
    got.args[0].store.close()

    # two workers who chose the same passphrase: it opens both, and the worker says whose
    Store.create(records.new_store_path(), GOOD, "Alex Doe", KdfParams.fast_for_tests()).close()
    screen.refresh()
    qtbot.keyClicks(screen.passphrase, GOOD)
    with qtbot.assertNotEmitted(screen.unlocked):
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert screen.worker.isVisible() and [screen.worker.itemText(i) for i in range(2)] == ["Alex Doe",
                                                                                           "Sam Carter"]
    screen.worker.setCurrentText("Sam Carter")
    with qtbot.waitSignal(screen.unlocked) as got:
        qtbot.mouseClick(screen.unlock, LEFT)
    assert got.args[0].store.worker_name() == "Sam Carter" and not screen.worker.isVisible()
    got.args[0].store.close()

    screen.show_create(True)  # the same name and passphrase again: those records exist already
    qtbot.keyClicks(screen.name, "sam carter")
    qtbot.keyClicks(screen.new_passphrase, GOOD)
    qtbot.keyClicks(screen.confirm, GOOD)
    with qtbot.assertNotEmitted(screen.unlocked):
        qtbot.mouseClick(screen.create_button, LEFT)
    assert "already exist" in screen.message.text() and len(records.store_paths()) == 3


def test_a_damaged_store_is_reported_and_left_alone(qtbot: QtBot, no_translations: None) -> None:
    path = records.new_store_path()
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
        with qtbot.waitSignal(idle.lock_now, timeout=HANG_GUARD_MS):  # however long 240 ms takes here
            pass
        assert not idle.active
        idle.set_minutes(60)  # an hour: only the state changes below may lock now
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


def _reference(interval: int) -> QTimer:
    """A timer started now, beside the idle lock's, to compare deadlines with (never fires in a test)."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.start(interval)
    return timer


def _due_after(first: QTimer, second: QTimer) -> bool:
    """Whether ``first`` is due no earlier than ``second``. ``first`` is read first, so the moment
    between the two reads can only favour ``second``: no machine is too slow or too fast for it."""
    remaining = first.remainingTime()
    return remaining >= second.remainingTime()


def test_input_keeps_the_app_unlocked(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wall = PinWall()
    _win = host(qtbot, wall)
    idle = IdleLock(app, minutes=1)
    minute = idle.timer.interval()
    references: list[QTimer] = []
    try:
        idle.start()
        for make_input in (lambda: qtbot.keyClick(wall.secret, Qt.Key.Key_A),
                           lambda: qtbot.mouseMove(wall.secret)):
            # with no input the minute runs down: wait (however long it takes) until 50 ms have gone,
            # then start a reference minute, due 50 ms or more after the idle lock's
            qtbot.waitUntil(lambda: idle.timer.remainingTime() <= minute - 50, timeout=HANG_GUARD_MS)
            references.append(reference := _reference(minute))
            assert _due_after(reference, idle.timer)
            make_input()  # any input starts the minute again: now due after the reference
            assert idle.active and _due_after(idle.timer, reference)
        idle.stop()  # locked: input no longer starts the countdown, and events are not watched
        qtbot.keyClick(wall.secret, Qt.Key.Key_B)
        assert not idle.active
    finally:
        idle.close()
        for reference in references:
            reference.stop()


def test_unlock_wait_is_told_in_the_right_plural(qtbot: QtBot) -> None:
    from familyprivacy import i18n

    Store.create(records.new_store_path(), GOOD, "Kim Lee", KdfParams.fast_for_tests()).close()
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
    i18n.set_language("ar")  # the family's language does not reach a worker's screen
    clock.now -= 0.2
    screen.do_unlock()
    assert screen.message.text() == "Too many wrong attempts. Wait 1 second."
    clock.now += 0.2
    i18n.set_worker_language("pl")  # Polish has three forms; "2" takes the second, "5" the third
    clock.now -= 1.0
    screen.do_unlock()
    two = screen.message.text()
    clock.now -= 3.0
    screen.do_unlock()
    five = screen.message.text()
    assert "2" in two and "5" in five and two.replace("2", "") != five.replace("5", "")
