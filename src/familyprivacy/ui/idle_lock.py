"""Lock the records after a time with no input, and at once when the system says the screen went away.

Qt reports no lid or screen-lock event as such; where the platform tells it, the
application becomes *suspended* or *hidden* (mobile-style platforms, some
desktops on sleep). While presenting, losing activation also locks (the screen
was locked, or someone switched away from the family's screen), except while
one of the app's own dialogs (printing, saving) has the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

DEFAULT_MINUTES = 5.0
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
})
ALWAYS_LOCK = frozenset({Qt.ApplicationState.ApplicationSuspended, Qt.ApplicationState.ApplicationHidden})


class IdleLock(QObject):
    """Emits ``lock_now`` once after ``minutes`` without input, or when the system hides the app."""

    lock_now = Signal()

    def __init__(self, app: QApplication, minutes: float = DEFAULT_MINUTES,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.presenting = False
        self.is_presenting: Callable[[], bool] = lambda: self.presenting  # the window says, when it has one
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may run 5% (15 s) late
        self.timer.timeout.connect(self._fire)
        self.set_minutes(minutes)
        self._watching = False
        app.applicationStateChanged.connect(self.state_changed)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, round(minutes * 60_000)))

    def start(self) -> None:
        """Watch from now (after an unlock)."""
        self._watch(True)
        self.timer.start()

    def stop(self) -> None:
        """Nothing to protect (already locked)."""
        self.timer.stop()
        self._watch(False)

    def _watch(self, on: bool) -> None:
        """Every event of the app passes through the filter: only while there is something to lock.

        (Each event handed to Python costs time, and the first for an object of a class Qt
        does not expose made PySide set up every class it has: 40 ms at start-up.)
        """
        if on != self._watching:
            self._watching = on
            if on:
                self._app.installEventFilter(self)
            else:
                self._app.removeEventFilter(self)

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()  # restarts the countdown
        return False

    def state_changed(self, state: Qt.ApplicationState) -> None:
        if not self.timer.isActive():
            return
        inactive = state == Qt.ApplicationState.ApplicationInactive
        own_dialog = self._app.activeModalWidget() is not None
        if state in ALWAYS_LOCK or (inactive and self.is_presenting() and not own_dialog):
            self._fire()

    def _fire(self) -> None:
        self.stop()
        self.lock_now.emit()

    def close(self) -> None:
        self.stop()
