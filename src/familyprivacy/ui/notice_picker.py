"""Start a visit: pick which of the council's notices to explain."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from familyprivacy.content.check import ready_notices
from familyprivacy.content.model import Notice
from familyprivacy.i18n import _
from familyprivacy.ui.big_button import BigButton
from familyprivacy.ui.forms import FocusFirst


class NoticePicker(FocusFirst, QWidget):
    chosen = Signal(str)  # notice id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.buttons: list[BigButton] = []
        self._notices: list[Notice] = []
        self._list = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addLayout(self._list)
        layout.addStretch(1)
        self.retranslate()

    def set_notices(self, notices: list[Notice]) -> None:
        for button in self.buttons:
            self._list.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        # A notice with plain text still to write ("TODO") is never offered to a family.
        self._notices = sorted(ready_notices(notices), key=lambda n: (n.council.name, n.title))
        for notice in self._notices:
            button = BigButton(notice.id)
            button.clicked.connect(lambda _checked=False, n=notice.id: self.chosen.emit(n))
            self._list.addWidget(button)
            self.buttons.append(button)
        if self.buttons:
            self.first_focus = self.buttons[0]
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Start a visit: which notice will you explain?"))
        self.empty.setText(_("This council has no notice installed."))
        self.empty.setVisible(not self.buttons)
        by_id = {n.id: n for n in self._notices}
        for button in self.buttons:
            notice = by_id[button.key]
            button.set_lines(notice.title, notice.council.name)
