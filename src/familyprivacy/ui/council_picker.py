"""First run (and later, from settings): which council this laptop serves."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from familyprivacy.content.check import ready_notices
from familyprivacy.content.model import Notice
from familyprivacy.i18n import _
from familyprivacy.ui.big_button import BigButton


def councils(notices: list[Notice]) -> list[tuple[str, str]]:
    """(id, name) of every council with a notice ready to offer to a family, sorted by name (a notice
    with plain text still to write, "TODO", is not offered)."""
    found = {n.council.id: n.council.name for n in ready_notices(notices)}
    return sorted(found.items(), key=lambda item: item[1])


class CouncilPicker(QWidget):
    chosen = Signal(str)  # council id
    demo_chosen = Signal()

    def __init__(self, notices: list[Notice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.buttons: list[BigButton] = []
        self._names = dict(councils(notices))
        grid = QGridLayout()
        for i, cid in enumerate(self._names):
            button = BigButton(cid)
            button.clicked.connect(lambda _checked=False, c=cid: self.chosen.emit(c))
            self.buttons.append(button)
            grid.addWidget(button, i // 2, i % 2)
        self.demo = QPushButton()
        self.demo.clicked.connect(self.demo_chosen)
        self.none_label = QLabel()
        self.none_label.setWordWrap(True)
        self.none_label.setVisible(not self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        layout.addWidget(self.none_label)
        layout.addLayout(grid)
        layout.addWidget(self.demo, 0, Qt.AlignmentFlag.AlignLeading)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Which council does this laptop work for?"))
        self.explain.setText(_("You choose this once. You can change it later in Settings."))
        self.none_label.setText(_("No notices are installed, so there is no council to choose."))
        for button in self.buttons:
            button.set_lines(self._names[button.key])
        self.demo.setText(_("Demonstration: show every council"))
        self.demo.setAccessibleName(self.demo.text())
