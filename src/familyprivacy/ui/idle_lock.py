"""Lock the records after a time with no input, and at once when the system says the screen went away.

Qt reports no lid or screen-lock event as such; where the platform tells it, the
application becomes *suspended* or *hidden* (mobile-style platforms, some
desktops on sleep), and that locks at once. While presenting, losing activation
also locks (the screen was locked, or someone switched away from the family's
screen), except while one of the app's own dialogs (printing, saving) has the
focus, and only after a short grace (``grace_seconds``): a system notification
that takes the focus for a moment does not lock the family out.

WCAG 2.2.1 (timing adjustable): ``warning_seconds`` before the idle lock, ``warning_changed``
says so; any input (a key, the mouse, the warning's button through ``extend``) withdraws
the warning and starts the countdown again. ``IdleWarning`` shows and announces it.
After a lock, ``reason`` says why: ``IDLE``, ``AWAY`` (another window) or ``SYSTEM``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from familyprivacy.i18n import W_, W_ngettext, _, ngettext
from familyprivacy.ui.forms import worker_direction

DEFAULT_MINUTES = 5.0
WARNING_SECONDS = 30.0  # the warning comes this long before the idle lock
# While presenting, how long the app may be inactive before it locks: long enough for a system
# notification or an on-screen keyboard to take the focus and give it back.
PRESENTING_GRACE_SECONDS = 3.0
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
})
ALWAYS_LOCK = frozenset({Qt.ApplicationState.ApplicationSuspended, Qt.ApplicationState.ApplicationHidden})
IDLE, AWAY, SYSTEM = "idle", "away", "system"  # why the last lock came


def _precise_single_shot(parent: QObject) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may run 5% (15 s) late
    return timer


class IdleLock(QObject):
    """Emits ``lock_now`` once after ``minutes`` without input, or when the system hides the app.

    ``grace_seconds`` is 0 by default (the lock on losing activation is immediate); the app sets
    PRESENTING_GRACE_SECONDS (ui/lock_settings.install).
    """

    lock_now = Signal()
    locked_because = Signal(str)  # after lock_now: IDLE, AWAY or SYSTEM
    warning_changed = Signal(bool)  # the idle lock is near (True), or was put off or came (False)

    def __init__(self, app: QApplication, minutes: float = DEFAULT_MINUTES,
                 parent: QObject | None = None, warning_seconds: float = WARNING_SECONDS,
                 grace_seconds: float = 0.0) -> None:
        super().__init__(parent)
        self._app = app
        self.presenting = False
        self.is_presenting: Callable[[], bool] = lambda: self.presenting  # the window says, when it has one
        self.reason = ""
        self.warning = False
        self._warning_ms = max(0, round(warning_seconds * 1000))
        self.timer = _precise_single_shot(self)  # the lock itself
        self.timer.timeout.connect(lambda: self._fire(IDLE))
        self.warn_timer = _precise_single_shot(self)
        self.warn_timer.timeout.connect(self._warn)
        self.grace_timer = _precise_single_shot(self)  # presenting, and another window took the focus
        self.grace_timer.timeout.connect(lambda: self._fire(AWAY))
        self.set_grace(grace_seconds)
        self.set_minutes(minutes)
        self._watching = False
        app.applicationStateChanged.connect(self.state_changed)

    def set_minutes(self, minutes: float) -> None:
        """A new length; a countdown under way starts again with it."""
        self.minutes = minutes
        interval = max(1, round(minutes * 60_000))
        self.timer.setInterval(interval)
        # Never at once: a lock shorter than the warning is warned of halfway through.
        self.warn_timer.setInterval(max(interval - self._warning_ms, interval // 2))
        if self.timer.isActive():
            self._restart()

    def set_grace(self, seconds: float) -> None:
        self.grace_timer.setInterval(max(0, round(seconds * 1000)))

    @property
    def seconds_left_at_warning(self) -> int:
        return round((self.timer.interval() - self.warn_timer.interval()) / 1000)

    def start(self) -> None:
        """Watch from now (after an unlock)."""
        self._watch(True)
        self.grace_timer.stop()
        self._restart()

    def _restart(self) -> None:
        # Not the grace: a mouse passing over the window behind another one does not bring it back.
        self.timer.start()
        self.warn_timer.start()
        self._set_warning(False)

    def extend(self) -> None:
        """Put the lock off: the full time again (the warning's button; any input does the same)."""
        if self.timer.isActive():
            self._restart()

    def stop(self) -> None:
        """Nothing to protect (already locked)."""
        self.timer.stop()
        self.warn_timer.stop()
        self.grace_timer.stop()
        self._set_warning(False)
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
            warned = self.warning
            self._restart()  # restarts the countdown, and withdraws the warning
            # The key that put the lock off does only that: it types nothing and presses nothing.
            return warned and event.type() == QEvent.Type.KeyPress
        return False

    def state_changed(self, state: Qt.ApplicationState) -> None:
        if not self.timer.isActive():
            return
        if state in ALWAYS_LOCK:
            self._fire(SYSTEM)
        elif state == Qt.ApplicationState.ApplicationActive:
            self.grace_timer.stop()  # back in time: the notification has gone
        elif (state == Qt.ApplicationState.ApplicationInactive and self.is_presenting()
              and self._app.activeModalWidget() is None):
            if self.grace_timer.interval() == 0:
                self._fire(AWAY)
            elif not self.grace_timer.isActive():
                self.grace_timer.start()

    def _warn(self) -> None:
        if self.timer.isActive():
            self._set_warning(True)

    def _set_warning(self, on: bool) -> None:
        if on != self.warning:
            self.warning = on
            self.warning_changed.emit(on)

    def _fire(self, reason: str) -> None:
        self.stop()
        self.reason = reason
        self.lock_now.emit()
        self.locked_because.emit(reason)

    def close(self) -> None:
        self.stop()


def announce(widget: QWidget, text: str) -> None:
    """Say ``text`` now through the screen reader (NVDA, Narrator, Orca), whatever has the focus."""
    try:
        from PySide6.QtGui import QAccessibleAnnouncementEvent  # Qt 6.8 and later
    except ImportError:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
        return
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


def reason_text(reason: str, minutes: float) -> str:
    """Why the wall is up, for the worker who unlocks it ("" for a lock they chose: Ctrl+L)."""
    if reason == AWAY:
        return W_("Locked because another window was opened.")
    if reason == SYSTEM:
        return W_("Locked because the laptop went to sleep or its screen was hidden.")
    if reason == IDLE:
        n = max(1, round(minutes))
        return W_ngettext("Locked after {minutes} minute without use.",
                          "Locked after {minutes} minutes without use.", n).format(minutes=n)
    return ""


class IdleWarning(QFrame):
    """The warning before the idle lock, over the top of the window, in the reader's language.

    While presenting the family reads it (their language); otherwise the worker (theirs). It does
    not take the focus: any key or a click puts the lock off, and a screen reader is told at once.
    """

    def __init__(self, idle: IdleLock, parent: QWidget) -> None:
        super().__init__(parent)
        self.idle = idle
        self.announce: Callable[[QWidget, str], None] = announce  # tests listen here
        self.setObjectName("idleWarning")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.keep = QPushButton()
        self.keep.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # any key works; the focus stays where it was
        self.keep.clicked.connect(idle.extend)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.addWidget(self.message, 1)
        row.addWidget(self.keep)
        self.setVisible(False)
        idle.warning_changed.connect(self._warning_changed)
        parent.installEventFilter(self)  # placed again whenever the window changes size

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def retranslate(self) -> None:
        seconds = self.idle.seconds_left_at_warning
        family = self.idle.is_presenting()
        self.setLayoutDirection(QApplication.layoutDirection() if family else worker_direction())
        # Written out twice: the extractor reads only literal strings.
        if family:  # the family reads it: their language
            text = ngettext("This screen will lock in {seconds} second. Press any key to keep it open.",
                            "This screen will lock in {seconds} seconds. Press any key to keep it open.",
                            seconds)
            keep = _("Keep it open")
        else:  # the worker's language
            text = W_ngettext("This screen will lock in {seconds} second. Press any key to keep it open.",
                              "This screen will lock in {seconds} seconds. Press any key to keep it open.",
                              seconds)
            keep = W_("Keep it open")
        self.message.setText(text.format(seconds=seconds))
        self.keep.setText(keep)
        self.setAccessibleName(self.message.text())

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(parent.width() - 32, max(480, parent.width() // 2))
        self.setFixedWidth(max(200, width))
        self.adjustSize()
        self.move((parent.width() - self.width()) // 2, 16)

    def _warning_changed(self, on: bool) -> None:
        if on:
            self.retranslate()
            self._place()
            self.raise_()
            self.show()
            self.announce(self, self.message.text())
        else:
            self.hide()
