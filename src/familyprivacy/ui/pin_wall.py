"""The wall between the family and everything outside their visit.

It shows nothing of the visit: a lock, a field for the worker's secret, and the
wait after repeated wrong attempts. Leaving presentation mode takes the PIN or
the passphrase; after an idle lock the keys are gone, so only the passphrase
opens it again. Five wrong attempts bring a wait that doubles with each further one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from familyprivacy.i18n import W_, W_ngettext
from familyprivacy.ui import access
from familyprivacy.ui.forms import FocusFirst, scrolling_column, worker_direction, worker_locale

FREE_ATTEMPTS = 5
FIRST_WAIT = 30.0  # seconds after the fifth wrong attempt
LONGEST_WAIT = 15 * 60.0

Checker = Callable[[str], bool]


class Backoff:
    """Counts wrong attempts; from the fifth on, each one brings a longer wait (30 s, 60 s, … 15 min)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures = 0
        self._until = 0.0

    def wait_left(self) -> float:
        return max(0.0, self._until - self.clock())

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= FREE_ATTEMPTS:
            wait = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (self.failures - FREE_ATTEMPTS))
            self._until = self.clock() + wait

    def succeeded(self) -> None:
        self.failures = 0
        self._until = 0.0


class PinWall(FocusFirst, QWidget):
    unlocked = Signal()
    cancelled = Signal()  # back to the family, still in presentation mode

    def __init__(self, backoff: Backoff | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backoff = backoff or Backoff()
        self._checker: Checker = lambda _secret: False
        self._passphrase_only = False
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)  # a heading wraps at large text, never cut (1.4.4)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setMaximumWidth(420)
        self.secret.returnPressed.connect(self.attempt)
        self.unlock = QPushButton()
        self.unlock.setDefault(True)
        self.unlock.clicked.connect(self.attempt)
        self.cancel = QPushButton()
        self.cancel.clicked.connect(self._cancel)
        self.message = access.StatusLabel()  # said as it appears: "That is not right", the wait
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setObjectName("problem")
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.secret, 2)
        row.addWidget(self.unlock)
        row.addStretch(1)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addStretch(1)
        for widget in (self.heading, self.prompt):
            column.addWidget(widget)
        column.addLayout(row)
        column.addWidget(self.message)
        column.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        # Scrolled, never cut: at 200% in Urdu the worker's half of the prompt fell off the screen (1.4.4).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling_column(body))
        self.first_focus = self.secret
        self.retranslate()

    def arm(self, checker: Checker, passphrase_only: bool, can_cancel: bool) -> None:
        """Show the wall for one purpose: leaving presentation (PIN or passphrase) or an idle lock."""
        self._checker = checker
        self._passphrase_only = passphrase_only
        self.cancel.setVisible(can_cancel)
        self.secret.clear()
        self.message.clear()
        self.retranslate()
        self.refresh()

    def _cancel(self) -> None:
        self.secret.clear()
        self.cancelled.emit()

    def attempt(self) -> None:
        if self.backoff.wait_left() > 0:
            self.refresh()
            return
        secret = self.secret.text()
        self.secret.clear()
        if not secret:
            return
        if self._checker(secret):
            self.backoff.succeeded()
            self.message.clear()
            self.timer.stop()
            self.unlocked.emit()
            return
        self.backoff.failed()
        self.message.setText(W_("That is not right. Try again."))
        self.refresh()

    def refresh(self) -> None:
        """Enable the field again when the wait is over; show how long is left until then."""
        left = self.backoff.wait_left()
        waiting = left > 0
        self.secret.setEnabled(not waiting)
        self.unlock.setEnabled(not waiting)
        if waiting:
            seconds = math.ceil(left)
            text = W_ngettext("Too many wrong attempts. Wait {seconds} second.",
                              "Too many wrong attempts. Wait {seconds} seconds.",
                              seconds).format(seconds=seconds)
            if self.timer.isActive():  # the countdown's next second: shown, not said again every second
                QLabel.setText(self.message, text)
            else:
                self.message.setText(text)
            if not self.timer.isActive():
                self.timer.start()
        else:
            if self.timer.isActive():
                self.timer.stop()
                self.message.clear()
            self.secret.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.setLayoutDirection(worker_direction())  # a worker's screen: the worker's language
        self.setLocale(worker_locale())
        self.heading.setText(W_("Locked"))
        self.prompt.setText(W_("The records are locked. Worker: enter your passphrase.")
                            if self._passphrase_only
                            else W_("Please hand the laptop back to your worker.") + "\n"
                            + W_("Worker: enter your PIN or passphrase."))
        self.secret.setPlaceholderText(W_("Passphrase") if self._passphrase_only else W_("PIN or passphrase"))
        # Labelled by the prompt above it, which says whose secret goes here (not by its placeholder).
        self.prompt.setBuddy(self.secret)
        self.secret.setAccessibleName(self.prompt.text().replace("\n", " "))
        self.unlock.setText(W_("Unlock"))
        self.unlock.setAccessibleName(W_("Unlock"))
        self.cancel.setText(W_("Back to the family's screen"))
        self.cancel.setAccessibleName(W_("Back to the family's screen"))
