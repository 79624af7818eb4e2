"""Setting up sync for the unlocked worker: the inbox's address and a one-time enrolment code.

Reached only from Records, so only behind the worker's unlock. Enrolment talks
to the network, so it runs in a thread and the dialog stays responsive.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.i18n import W_
from familyprivacy.sync import settings as sync_settings
from familyprivacy.sync.client import SyncProblem
from familyprivacy.sync.enrolment import enrol
from familyprivacy.sync.outbox import Outbox
from familyprivacy.ui.flow_layout import flow_row
from familyprivacy.ui.forms import scrolling_column, worker_direction, worker_locale


class SyncSetupDialog(QDialog):
    finished_enrolment = Signal(str)  # "" on success, else the reason, shown in plain words

    def __init__(self, outbox: Outbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(worker_direction())  # a worker's dialog: the worker's language
        self.setLocale(worker_locale())
        self.outbox = outbox
        self.enrolled = False
        try:
            current = sync_settings.load().server_url
        except sync_settings.SettingsError:
            current = ""
        self.address = QLineEdit(current)
        self.address.setPlaceholderText("https://")
        self.code = QLineEdit()
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.enrol_button = QPushButton(W_("Enrol"))
        self.enrol_button.setDefault(True)
        self.enrol_button.clicked.connect(self.start)
        # Our own row, not a QDialogButtonBox: the box kept the height of its first button, and cut
        # the Urdu one beside it (1.4.4); and Qt named its Close button in English.
        self.close_button = QPushButton(W_("Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = flow_row(None, self.close_button, self.enrol_button)
        form = QFormLayout()
        address_label = QLabel(W_("The council's inbox address"))
        address_label.setBuddy(self.address)
        code_label = QLabel(W_("One-time enrolment code"))
        code_label.setBuddy(self.code)
        form.addRow(address_label, self.address)
        form.addRow(code_label, self.code)
        self.address.setAccessibleName(address_label.text())
        self.code.setAccessibleName(code_label.text())
        intro = QLabel(W_("Your council's administrator gives you the address and a one-time code. "
                         "Your records are sent only to this address."))
        intro.setWordWrap(True)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above fields when narrow
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addStretch(1)
        # Scrolled, never squashed: at 200% the address field was cut to a sliver (1.4.4).
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling_column(body), 1)
        layout.addLayout(buttons)
        self._body = body
        self._sized = False
        self.address.setMinimumWidth(320)  # a whole https:// address stays in view
        self.setWindowTitle(W_("Set up sync"))
        self.finished_enrolment.connect(self._done)

    def sizeHint(self) -> QSize:
        """Wide enough for an address, and as tall as the words need at that width, within the screen."""
        width = max(self._body.sizeHint().width(), self.fontMetrics().averageCharWidth() * 48)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width = min(width, screen.width() - 48)
        buttons = max(self.enrol_button.sizeHint().height(), self.close_button.sizeHint().height())
        height = self._body.heightForWidth(width) + buttons + 60  # the margins and the gap between
        if screen is not None:
            height = min(height, screen.height() - 48)
        return QSize(width + 24, max(height, 1))

    def showEvent(self, event: QShowEvent) -> None:
        # Qt opens a dialog at no more than two thirds of the screen, which at 200% cut it short.
        if not self._sized:
            self._sized = True
            self.resize(self.sizeHint())
        super().showEvent(event)

    def start(self) -> None:
        address, code = self.address.text().strip(), self.code.text().strip()
        if not address or not code:
            self.message.setText(W_("Type the address and the code."))
            return
        self.enrol_button.setEnabled(False)
        self.message.setText(W_("Enrolling…"))
        threading.Thread(target=self._enrol, args=(address, code), daemon=True,
                         name="familyprivacy-enrol").start()

    def _enrol(self, address: str, code: str) -> None:
        try:
            enrol(address, code, self.outbox)
        except SyncProblem as problem:
            self.finished_enrolment.emit(W_(problem.message))
        except sync_settings.SettingsError:
            self.finished_enrolment.emit(W_("That is not an https:// address."))
        except Exception as exc:  # the store locked meanwhile, the disk is full: say so, lose nothing
            self.finished_enrolment.emit(W_("Enrolment did not finish ({kind}). Try again.").format(
                kind=type(exc).__name__))
        else:
            self.finished_enrolment.emit("")

    def _done(self, problem: str) -> None:
        self.enrol_button.setEnabled(True)
        if problem:
            self.message.setText(problem)
            return
        self.enrolled = True
        self.code.clear()
        self.message.setText(W_("Enrolled. Your records will go to the council when you sync."))
