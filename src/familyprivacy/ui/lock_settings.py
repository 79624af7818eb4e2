"""The idle lock, joined to the window: its warning, why the wall went up, and the council's setting.

``install(window)`` is the one call the main window makes. It adds, in the worker's
Settings menu, a small dialog to view and set how many minutes without use lock the
records (the council's choice, from settings.IDLE_LOCK_MIN_MINUTES to
IDLE_LOCK_MAX_MINUTES, saved with the laptop's settings); shows the warning before the
idle lock (idle_lock.IdleWarning); keeps the short grace before a lock on losing
activation while presenting; and puts the reason for a lock on the wall, told to
screen readers too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from familyprivacy import i18n, settings
from familyprivacy.i18n import W_
from familyprivacy.ui.forms import worker_direction, worker_locale
from familyprivacy.ui.idle_lock import PRESENTING_GRACE_SECONDS, IdleLock, IdleWarning, announce, reason_text

if TYPE_CHECKING:
    from familyprivacy.ui.main_window import MainWindow


class LockSettingsDialog(QDialog):
    """How long without use before the records lock: whole minutes, within the allowed bounds."""

    def __init__(self, minutes: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(worker_direction())  # a worker's screen: the worker's language
        self.setLocale(worker_locale())  # the language assistive technology is told (3.1.1)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.minutes = QSpinBox()
        self.minutes.setRange(round(settings.IDLE_LOCK_MIN_MINUTES), round(settings.IDLE_LOCK_MAX_MINUTES))
        self.minutes.setValue(round(minutes))
        # Typed, or the arrow and page keys: the style sheet draws no arrows on a framed spin box.
        self.minutes.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.label.setBuddy(self.minutes)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.minutes)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(W_("Idle lock"))
        self.label.setText(W_("Minutes without use before the records lock ({low} to {high}):").format(
            low=self.minutes.minimum(), high=self.minutes.maximum()))
        self.minutes.setAccessibleName(self.label.text())
        from familyprivacy.ui.fitting import name_standard_buttons  # not on the start-up path

        name_standard_buttons(self.buttons)

    def value(self) -> float:
        return float(self.minutes.value())


class LockExtras(QObject):
    """What install() adds; kept on the window so it lives as long as the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.idle: IdleLock = window.recorder.idle
        self.idle.set_grace(PRESENTING_GRACE_SECONDS)
        self.warning = IdleWarning(self.idle, window)
        self.dialog: LockSettingsDialog | None = None
        self.reason = QLabel()  # placed on the wall when a lock has a reason to give
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason.setObjectName("lockReason")
        self.reason.setVisible(False)
        self.action = QAction(window)
        self.action.triggered.connect(self.open_dialog)
        window.settings_menu.addAction(self.action)
        window.worker_actions.append(self.action)  # not while presenting, nor while locked
        self.idle.lock_now.connect(self._close_dialog)
        self.idle.locked_because.connect(self._show_reason)
        window.stack.currentChanged.connect(lambda _index: self.reason.setVisible(False))
        self._unlisten = i18n.on_language_changed(lambda _code: self.retranslate())
        window.destroyed.connect(lambda *_args: self._unlisten())
        self.retranslate()

    def retranslate(self) -> None:
        if not shiboken6.isValid(self.action):
            self._unlisten()
            return
        self.action.setText(W_("&Idle lock…"))
        if self.dialog is not None:
            self.dialog.retranslate()
        if self.idle.reason:
            self.reason.setText(reason_text(self.idle.reason, self.idle.minutes))
        if self.warning.isVisible():
            self.warning.retranslate()

    # -- the setting -----------------------------------------------------------------------------------
    def open_dialog(self) -> LockSettingsDialog:
        """Open (not exec: the window's own loop goes on, and a lock closes it)."""
        self._close_dialog()
        dialog = LockSettingsDialog(self.window.settings.idle_lock_minutes, self.window)
        dialog.accepted.connect(lambda: self.set_minutes(dialog.value()))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        return dialog

    def set_minutes(self, minutes: float) -> None:
        self.window._save(self.window.settings.with_changes(idle_lock_minutes=minutes))
        self.idle.set_minutes(minutes)

    def _close_dialog(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.reject()  # nothing of the worker's stays over the wall

    # -- why it locked ---------------------------------------------------------------------------------
    def _show_reason(self, reason: str) -> None:
        wall = self.window.recorder._built_screen("wall")
        text = reason_text(reason, self.idle.minutes)
        if wall is None or not text:
            return
        layout = wall.layout()
        if self.reason.parentWidget() is not wall and isinstance(layout, QBoxLayout):
            layout.insertWidget(max(0, layout.indexOf(wall.heading) + 1), self.reason)
        self.reason.setText(text)
        self.reason.setVisible(True)
        announce(self.reason, wall.heading.text() + ". " + text)


def install(window: MainWindow) -> LockExtras:
    return LockExtras(window)
