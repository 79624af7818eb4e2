"""The app opens here, locked: the worker unlocks their own records, or on first use creates them.

Each worker has their own encrypted store (``consent.cli.store_paths``), so
several can share a laptop and none sees another's records. No worker's name is
shown or kept in clear before unlocking: a store's folder has a random name and
the name is encrypted inside it, so the passphrase finds its own store (it is
tried on each store on the laptop). Only if one passphrase opens several
workers' records does "Whose records" appear, listing the names it decrypted.
The optional PIN lets the worker leave presentation mode quickly; it lives in
memory only, as a salted scrypt hash, and never opens the records themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyprivacy.consent import cli as records
from familyprivacy.consent.errors import StoreError, WrongPassphrase
from familyprivacy.i18n import N_, W_, W_ngettext
from familyprivacy.ui import access
from familyprivacy.ui.fitting import Pages
from familyprivacy.ui.flow_layout import flow_row
from familyprivacy.ui.forms import FocusFirst, scrolling_column, worker_direction, worker_locale
from familyprivacy.ui.pin_wall import Backoff

if TYPE_CHECKING:  # the store and its cryptography load when a worker unlocks, not at start
    from familyprivacy.consent.crypto import KdfParams
    from familyprivacy.consent.store import Store

COMMON = frozenset({"password", "passw0rd", "qwerty", "letmein", "welcome", "council", "iloveyou",
                    "admin", "monkey", "dragon", "football", "sunshine", "princess", "abc123"})
STRENGTH_WORDS = (N_("Too weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))
MIN_SCORE = 2  # "fair" at least
_PIN = re.compile(r"\d{4,12}")


def strength(passphrase: str) -> tuple[int, str]:
    """A score from 0 (too weak) to 4 (strong) and one piece of advice (untranslated).

    A rough estimate of guessing work: length times the variety of characters,
    discounted for repeats, sequences and well-known passwords.
    """
    if len(passphrase) < records.MIN_PASSPHRASE:
        return 0, N_("Use at least 8 characters; three or four unrelated words are best.")
    lowered = passphrase.casefold()
    if any(word in lowered for word in COMMON) and len(passphrase) < 16:
        return 1, N_("Avoid well-known passwords and the council's name.")
    pool = sum(size for pattern, size in ((r"[a-z]", 26), (r"[A-Z]", 26), (r"\d", 10), (r"[^A-Za-z\d]", 33))
               if re.search(pattern, passphrase))
    distinct = len(set(passphrase))
    # People choose far from randomly: count half the bits a random string of this kind would have.
    bits = min(len(passphrase), distinct * 2) * math.log2(max(pool, 2)) / 2
    if re.search(r"(.)\1\1", passphrase) or re.search(r"(0123|1234|2345|3456|abcd|qwer)", lowered):
        bits -= 15
    words = len(passphrase.split())
    if words >= 4:
        bits += 10
    if bits < 35:
        return 1, N_("Make it longer: add another unrelated word.")
    if bits < 50:
        return 2, N_("This will do. Another word would make it stronger.")
    remember = N_("Make sure you can remember it: nobody can recover it.")
    return (3 if bits < 65 else 4), remember


@dataclass
class WorkerSession:
    """The unlocked store of the worker at the laptop, and their PIN for leaving presentation mode."""

    store: Store
    pin_salt: bytes = field(default_factory=lambda: os.urandom(16))
    pin_hash: bytes | None = None

    def set_pin(self, pin: str) -> None:
        self.pin_hash = _pin_hash(pin, self.pin_salt) if pin else None

    def check(self, secret: str, allow_pin: bool = True) -> bool:
        """The PIN (when allowed and set), or the passphrase, which also unlocks a locked store."""
        if allow_pin and self.pin_hash is not None and _PIN.fullmatch(secret):
            if hmac.compare_digest(_pin_hash(secret, self.pin_salt), self.pin_hash):
                return True
        try:
            self.store.unlock(secret)
        except WrongPassphrase:
            return False
        return True


def _pin_hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2 ** 14, r=8, p=1)


def worker_stores() -> list[Path]:
    """Each worker's store on this laptop; which is whose is known only once a passphrase opens one."""
    return records.store_paths()


class UnlockScreen(FocusFirst, QWidget):
    unlocked = Signal(object)  # a WorkerSession

    def __init__(self, kdf: Callable[[], KdfParams] | None = None, backoff: Backoff | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kdf = kdf
        self.backoff = backoff or Backoff()
        self._choices: dict[str, Store] = {}  # when one passphrase opened several workers' records
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.pages = Pages()

        # Unlock an existing worker's records.
        self.unlock_page = QWidget()
        self.worker = QComboBox()
        self.worker_label = QLabel()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.do_unlock)
        self.passphrase_label = QLabel()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.returnPressed.connect(self.do_unlock)
        self.pin_label = QLabel()
        self.unlock = QPushButton()
        self.unlock.setDefault(True)
        self.unlock.clicked.connect(self.do_unlock)
        self.new_worker = QPushButton()
        self.new_worker.clicked.connect(lambda: self.show_create(True))
        form = QFormLayout(self.unlock_page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above fields when narrow
        form.addRow(self.worker_label, self.worker)
        form.addRow(self.passphrase_label, self.passphrase)
        form.addRow(self.pin_label, self.pin)
        form.addRow(flow_row(self.new_worker, None, self.unlock))

        # First use, or another worker on this laptop.
        self.create_page = QWidget()
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.name_label = QLabel()
        self.new_passphrase = QLineEdit()
        self.new_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_passphrase.textChanged.connect(self._strength_changed)
        self.new_label = QLabel()
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_label = QLabel()
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(12)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.new_pin = QLineEdit()
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin.setMaxLength(12)
        self.new_pin_label = QLabel()
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self.do_create)
        self.cancel_create = QPushButton()
        self.cancel_create.clicked.connect(lambda: self.show_create(False))
        create = QFormLayout(self.create_page)
        create.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        create.addRow(self.name_label, self.name)
        create.addRow(self.new_label, self.new_passphrase)
        create.addRow("", self.meter)
        create.addRow("", self.advice)
        create.addRow(self.confirm_label, self.confirm)
        create.addRow(self.new_pin_label, self.new_pin)
        create.addRow(flow_row(self.cancel_create, None, self.create_button))

        self.pages.addWidget(self.unlock_page)
        self.pages.addWidget(self.create_page)
        self.message = access.StatusLabel()  # said as it appears: a wrong passphrase, a form's problem
        self.message.setObjectName("problem")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(48, 32, 48, 32)
        column.addWidget(self.heading)
        column.addWidget(self.pages)
        column.addWidget(self.message)
        column.addStretch(1)
        # Scrolled, never cut: at 200% on a small screen the form is taller than the window (1.4.4).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling_column(body))
        self.refresh()

    # -- which page ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Look for workers' stores again; with none yet, creating the first is the only way on."""
        self.stores = worker_stores()
        self._offer([])
        self.show_create(not self.stores)

    def _offer(self, opened: list[Store]) -> None:
        """Show "Whose records" with the names of ``opened`` (several stores one passphrase opened), or
        hide it and close any stores offered before (with ``opened`` empty)."""
        for store in self._choices.values():
            if store not in opened:
                store.close()
        self._choices = {}
        for store in opened:
            name, n = store.worker_name(), 1
            while (label := name if n == 1 else f"{name} ({n})") in self._choices:
                n += 1
            self._choices[label] = store
        self.worker.clear()
        self.worker.addItems(sorted(self._choices, key=str.casefold))
        self.worker.setVisible(bool(self._choices))
        self.worker_label.setVisible(bool(self._choices))

    def show_create(self, create: bool) -> None:
        if create:
            self._offer([])
        self.pages.setCurrentWidget(self.create_page if create else self.unlock_page)
        self.cancel_create.setVisible(bool(self.stores))
        for field_ in (self.passphrase, self.pin, self.new_passphrase, self.confirm, self.new_pin):
            field_.clear()
        self.message.clear()
        self.retranslate()
        self.first_focus = self.name if create else self.passphrase

    # -- actions -------------------------------------------------------------------------------------
    def _pin_problem(self, pin: str) -> bool:
        if pin and not _PIN.fullmatch(pin):
            self.message.setText(W_("A PIN is 4 to 12 digits, or leave it empty."))
            return True
        return False

    def do_unlock(self) -> None:
        if not self.stores:
            return
        if self._choices:  # the passphrase opened several workers' records: this one is chosen
            chosen = self._choices.pop(self.worker.currentText())
            self._offer([])
            self._done(chosen, self.pin.text())
            return
        if self.backoff.wait_left() > 0:
            seconds = math.ceil(self.backoff.wait_left())
            self.message.setText(W_ngettext("Too many wrong attempts. Wait {seconds} second.",
                                          "Too many wrong attempts. Wait {seconds} seconds.",
                                          seconds).format(seconds=seconds))
            return
        pin = self.pin.text()
        if self._pin_problem(pin):
            return
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:  # each store on the laptop: the passphrase opens its own worker's records and no other's
            opened, problems = records.open_stores(passphrase, self.stores)
        finally:
            QApplication.restoreOverrideCursor()
        if not opened:
            if problems:
                self.message.setText(W_("These records cannot be opened: {reason}").format(
                    reason=str(problems[0])))
                return
            self.backoff.failed()
            self.message.setText(W_("That passphrase is not right. Try again."))
            return
        self.backoff.succeeded()
        if len(opened) > 1:
            self.message.clear()
            self._offer(opened)
            self.first_focus = self.worker
            self.worker.setFocus()
            return
        self._done(opened[0], pin)

    def do_create(self) -> None:
        name = self.name.text().strip()
        passphrase, pin = self.new_passphrase.text(), self.new_pin.text()
        problem = ""
        if not name:
            problem = W_("Enter your name.")
        elif strength(passphrase)[0] < MIN_SCORE:
            problem = W_("Choose a stronger passphrase.") + " " + W_(strength(passphrase)[1])
        elif passphrase != self.confirm.text():
            problem = W_("The two passphrases differ.")
        elif self._already_there(name, passphrase):
            problem = W_("Records for this name already exist on this laptop. Unlock them instead.")
        if problem or self._pin_problem(pin):
            if problem:
                self.message.setText(problem)
            return
        from familyprivacy.consent.store import Store
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            store = Store.create(records.new_store_path(), passphrase, name,
                                 self._kdf() if self._kdf else None)
        except (StoreError, OSError) as exc:
            self.message.setText(W_("The records could not be created: {reason}").format(
                reason=str(exc) if isinstance(exc, StoreError) else type(exc).__name__))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.stores = worker_stores()
        self._done(store, pin)

    def _already_there(self, name: str, passphrase: str) -> bool:
        """Whether this passphrase already opens records of a worker of this name on this laptop."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            opened, _ = records.open_stores(passphrase, self.stores)
        finally:
            QApplication.restoreOverrideCursor()
        try:
            return any(records.same_worker(store.worker_name(), name) for store in opened)
        finally:
            for store in opened:
                store.close()

    def _done(self, store: Store, pin: str) -> None:
        session = WorkerSession(store)
        session.set_pin(pin)
        for field_ in (self.passphrase, self.pin, self.new_passphrase, self.confirm, self.new_pin, self.name):
            field_.clear()
        self.message.clear()
        self.unlocked.emit(session)

    def _strength_changed(self, text: str) -> None:
        score, advice = strength(text)
        self.meter.setValue(score)
        self.meter.setAccessibleName(W_("Passphrase strength: {word}").format(word=W_(STRENGTH_WORDS[score])))
        self.advice.setText(W_(STRENGTH_WORDS[score]) + ". " + W_(advice) if text else
                            W_("Three or four unrelated words make a passphrase that is strong and easy "
                              "to remember."))

    def retranslate(self) -> None:
        self.setLayoutDirection(worker_direction())  # a worker's screen: the worker's language
        self.setLocale(worker_locale())
        creating = self.pages.currentWidget() is self.create_page
        self.heading.setText(W_("Set up your records on this laptop") if creating
                             else W_("Unlock your records"))
        pairs = ((self.worker_label, self.worker, W_("Whose records")),
                 (self.passphrase_label, self.passphrase, W_("Passphrase")),
                 (self.pin_label, self.pin, W_("PIN to leave presentation (optional)")),
                 (self.name_label, self.name, W_("Your name")),
                 (self.new_label, self.new_passphrase, W_("New passphrase")),
                 (self.confirm_label, self.confirm, W_("The passphrase again")),
                 (self.new_pin_label, self.new_pin, W_("PIN to leave presentation (optional)")))
        for label, widget, text in pairs:
            label.setText(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text)
        self.unlock.setText(W_("Unlock"))
        self.unlock.setAccessibleName(W_("Unlock"))
        self.new_worker.setText(W_("Another worker on this laptop"))
        self.new_worker.setAccessibleName(self.new_worker.text())
        self.new_worker.setAccessibleDescription(W_("Set up records for another worker on this laptop"))
        self.create_button.setText(W_("Create my records"))
        self.create_button.setAccessibleName(self.create_button.text())
        self.create_button.setAccessibleDescription(W_("Create my encrypted records"))
        self.cancel_create.setText(W_("Back"))
        self.cancel_create.setAccessibleName(W_("Back to unlocking"))
        self._strength_changed(self.new_passphrase.text())
