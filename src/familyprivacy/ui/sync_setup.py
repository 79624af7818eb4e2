"""Setting up sync for the unlocked worker: the inbox's address and a one-time enrolment code.

Reached only from Records, so only behind the worker's unlock. Enrolment talks
to the network, so it runs in a thread and the dialog stays responsive.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
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
from familyprivacy.ui.forms import worker_direction, worker_locale


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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.enrol_button, QDialogButtonBox.ButtonRole.ActionRole)
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
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.address.setMinimumWidth(320)  # a whole https:// address stays in view
        self.setWindowTitle(W_("Set up sync"))
        self.finished_enrolment.connect(self._done)

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
